#include "maillab/reproduce/replay.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "maillab/doctor/probes.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::reproduce {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

}  // namespace

Replay replay(const std::string& scenario_text, const std::string& id, connector::Profile profile,
              const std::string& fixtures, const std::string& work_dir, bool keep) {
  const auto scenario = runner::parse_scenario(scenario_text, id + ".yaml", fixtures);
  Replay out;
  out.result = runner::run_scenario(scenario, profile, {work_dir, true});
  const std::filesystem::path root = std::filesystem::path(out.result.sandbox) / "POP3";
  out.log_text = slurp(root / "pop3connector.log");
  out.events_text = slurp(root / "events.jsonl");
  out.log = doctor::parse_log(out.log_text, (root / "pop3connector.log").string());
  out.events = doctor::parse_events(out.events_text, (root / "events.jsonl").string());
  if (!keep && !out.result.sandbox.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(out.result.sandbox, ignored);
    out.result.sandbox.clear();
  }
  return out;
}

}  // namespace maillab::reproduce
