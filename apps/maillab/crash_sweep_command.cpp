// maillab crash-sweep: issue 12's crash-point sweep of the connector (runner/crash_sweep.hpp)
// for scripts/crash.sh: every point of a cycle, per delivery mode, profile and action,
// and the table of points, lost and duplicated. Exit status 1 when a point lost mail.
#include <iostream>

#include "commands.hpp"
#include "maillab/runner/crash_sweep.hpp"

namespace maillab::app {
namespace {
namespace rn = maillab::runner;
namespace cn = maillab::connector;

struct SweepArgs {
  std::vector<std::string> deliveries{"pickup", "smtp"};
  std::vector<std::string> profiles{"sbs2003", "robust"};
  std::vector<std::string> actions{"kill"};
  rn::SweepOptions options;
  bool problems = false;
};

rn::CrashAction action_of(const std::string& s) {
  if (s == "kill") return rn::CrashAction::Exit;
  if (s == "eio") return rn::CrashAction::FailEio;
  if (s == "enospc") return rn::CrashAction::FailEnospc;
  return rn::CrashAction::FailReset;
}

int sweep(const SweepArgs& a) {
  std::vector<rn::SweepResult> results;
  bool lost = false;
  for (auto& action : a.actions)
    for (auto& delivery : a.deliveries)
      for (auto& profile : a.profiles) {
        rn::SweepMode mode{delivery == "pickup" ? rn::SweepDelivery::Pickup : rn::SweepDelivery::Smtp,
                           profile == "robust" ? cn::Profile::Robust : cn::Profile::Sbs2003, action_of(action)};
        results.push_back(rn::run_crash_sweep(mode, a.options));
        lost = lost || results.back().lost > 0;
        std::cerr << rn::mode_name(mode) << ": " << results.back().points << " points\n";
        if (a.problems)
          for (auto& p : results.back().problems) std::cerr << "  " << p << "\n";
      }
  std::cout << rn::sweep_table(results);
  return lost ? 1 : 0;
}

}  // namespace

Run add_crash_sweep(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  app.add_option("--delivery", a->deliveries, "pickup, smtp (default both)")
      ->check(CLI::IsMember({"pickup", "smtp"}));
  app.add_option("--profile", a->profiles, "sbs2003, robust (default both)")
      ->check(CLI::IsMember({"sbs2003", "robust"}));
  app.add_option("--action", a->actions, "kill (the process ends), eio, enospc, econnreset (that operation fails)")
      ->check(CLI::IsMember({"kill", "eio", "enospc", "econnreset"}));
  app.add_option("--every", a->options.every, "strike every k-th point only (default 1)")->check(CLI::PositiveNumber);
  app.add_option("--first", a->options.first, "strike points 1..M only (default all)");
  app.add_option("--messages", a->options.messages, "messages on the POP3 server (default 3)")->check(CLI::Range(1, 100));
  app.add_option("--work-dir", a->options.work_dir, "where sandboxes go (default /dev/shm)");
  app.add_flag("--problems", a->problems, "print the conservation check's findings per point (stderr)");
  app.footer("Exit codes: 0 no point lost mail (duplicates are reported, not failed), 1 some point lost mail, "
             "2 bad arguments.");
  return [a] { return sweep(*a); };
}

}  // namespace maillab::app
