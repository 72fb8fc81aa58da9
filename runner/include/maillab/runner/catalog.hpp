#pragma once
// The scenario catalog: every *.yaml under scenarios/, by file name, and where its
// fixtures are.
#include <string>
#include <vector>

#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

// $MAILLAB_SCENARIOS, else the source tree's scenarios/ (compiled in).
std::string default_scenarios_dir();
// The fixtures/ beside a scenarios/ directory.
std::string fixtures_dir_for(const std::string& scenarios_dir);
// The scenario files, sorted by name.
std::vector<std::string> scenario_files(const std::string& dir);
// Every scenario; throws ScenarioError naming every malformed file (one per line).
std::vector<Scenario> load_catalog(const std::string& dir);

}  // namespace maillab::runner
