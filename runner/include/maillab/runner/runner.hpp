#pragma once
// Runs one scenario under one connector profile: a fresh sandbox directory, both
// simulators in-process on loopback port 0, the connector in-process against them, the
// steps and their checks, and the conservation check at the end of every run.
#include <functional>
#include <string>

#include "maillab/runner/result.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

struct RunOptions {
  std::string work_dir;       // where sandboxes go; "" : the system's temporary directory
  bool keep_sandbox = false;  // leave it for a person to look at (its path is in the result)
};

RunResult run_scenario(const Scenario& scenario, connector::Profile profile, const RunOptions& options = {});

}  // namespace maillab::runner
