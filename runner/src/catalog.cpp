#include "maillab/runner/catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace maillab::runner {

std::string default_scenarios_dir() {
  if (const char* env = std::getenv("MAILLAB_SCENARIOS"); env && *env) return env;
  return MAILLAB_SOURCE_DIR "/scenarios";
}

std::string fixtures_dir_for(const std::string& scenarios_dir) {
  return (fs::path(scenarios_dir).parent_path() / "fixtures").string();
}

std::vector<std::string> scenario_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ScenarioError(dir + ": no such scenario directory");
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Scenario> load_catalog(const std::string& dir) {
  auto fixtures = fixtures_dir_for(fs::absolute(dir).lexically_normal().string());
  std::vector<Scenario> out;
  std::string errors;
  for (const auto& f : scenario_files(dir)) {
    try {
      out.push_back(load_scenario(f, fixtures));
    } catch (const ScenarioError& e) {
      errors += (errors.empty() ? "" : "\n") + std::string(e.what());
    }
  }
  if (!errors.empty()) throw ScenarioError(errors);
  return out;
}

}  // namespace maillab::runner
