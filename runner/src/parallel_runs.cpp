#include "maillab/runner/parallel_runs.hpp"

#include <fmt/chrono.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <mutex>
#include <thread>

namespace maillab::runner {
namespace {

std::string now_iso8601() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace

std::vector<RunResult> run_all(const std::vector<PlannedRun>& plan, const RunOptions& options, unsigned jobs,
                               const RunFinished& finished) {
  std::vector<RunResult> results(plan.size());
  std::atomic<std::size_t> next{0};
  std::mutex report;
  std::size_t done = 0;
  auto worker = [&] {
    for (std::size_t i; (i = next++) < plan.size();) {
      auto started = now_iso8601();
      results[i] = run_scenario(*plan[i].scenario, plan[i].profile, options);
      results[i].started = std::move(started);
      std::lock_guard lock(report);
      if (finished) finished(++done, results[i]);
    }
  };
  jobs = std::clamp<unsigned>(jobs, 1, static_cast<unsigned>(std::max<std::size_t>(plan.size(), 1)));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return results;
}

}  // namespace maillab::runner
