// maillab scenario list | show ID... | run ID...|--all: the catalog of scenarios/ from the command line
// (the README's main job). Each run gets a fresh sandbox and its own simulators on port 0.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>

#include "commands.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/runner/report.hpp"
#include "maillab/runner/runner.hpp"

namespace maillab::app {
namespace {
namespace rn = maillab::runner;
namespace cn = maillab::connector;

struct ScenarioOptions {
  std::string dir;
  std::vector<std::string> ids;
  bool all = false;
  std::string profile;
  std::string junit, json, work;
  bool keep = false, verbose = false;
};

int list(const ScenarioOptions& o) {
  for (const auto& sc : rn::load_catalog(o.dir)) {
    std::cout << std::left << std::setw(25) << sc.id << ' ' << sc.title << "\n";
  }
  return 0;
}

// What a developer reads before reproducing a customer's failure: where it comes from,
// the fault, the symptoms, the remedy, and the file to copy from.
int show(const ScenarioOptions& o) {
  auto catalog = rn::load_catalog(o.dir);
  int status = 0;
  for (auto& id : o.ids) {
    auto it = std::find_if(catalog.begin(), catalog.end(), [&](auto& sc) { return sc.id == id; });
    if (it == catalog.end()) {
      std::cerr << "maillab scenario: no scenario '" << id << "' in " << o.dir << "\n";
      status = 2;
      continue;
    }
    std::string profiles;
    for (auto p : it->profiles) profiles += (profiles.empty() ? "" : ", ") + std::string(cn::profile_name(p));
    std::cout << it->id << ": " << it->title << "\n"
              << "  file:     " << it->file << "\n"
              << "  source:   " << it->source << "\n"
              << "  fault:    " << it->fault << "\n"
              << "  symptoms: " << it->symptoms << "\n"
              << "  remedy:   " << (it->remedy.empty() ? "-" : it->remedy) << "\n"
              << "  profiles: " << profiles << "; " << it->steps.size() << " steps, " << it->remedy_steps.size()
              << " remedy steps\n";
  }
  return status;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

int run(const ScenarioOptions& o) {
  auto catalog = rn::load_catalog(o.dir);
  std::vector<const rn::Scenario*> chosen;
  if (o.all) {
    for (auto& sc : catalog) chosen.push_back(&sc);
  } else {
    if (o.ids.empty()) throw std::runtime_error("name scenario ids, or --all (maillab scenario list shows them)");
    for (auto& id : o.ids) {
      auto it = std::find_if(catalog.begin(), catalog.end(), [&](auto& sc) { return sc.id == id; });
      if (it == catalog.end()) throw std::runtime_error("no scenario '" + id + "' in " + o.dir);
      chosen.push_back(&*it);
    }
  }
  std::vector<std::pair<const rn::Scenario*, cn::Profile>> runs;
  for (auto* sc : chosen)
    for (auto p : sc->profiles)
      if (o.profile.empty() || cn::parse_profile(o.profile) == p) runs.emplace_back(sc, p);
  rn::RunOptions options{o.work, o.keep};
  std::vector<rn::RunResult> results;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    results.push_back(rn::run_scenario(*runs[i].first, runs[i].second, options));
    const auto& r = results.back();
    std::cout << rn::progress_line(i + 1, runs.size(), r) << std::endl;
    if (o.verbose || !r.passed) {
      for (auto& l : r.transcript) std::cout << "      " << l << "\n";
      for (auto& f : r.failures()) std::cout << "    FAILED " << f << "\n";
      if (!r.sandbox.empty()) std::cout << "    sandbox kept: " << r.sandbox << "\n";
    }
  }
  std::cout << "\n" << rn::summary_table(results);
  if (!o.junit.empty()) write_file(o.junit, rn::junit_xml(results));
  if (!o.json.empty()) write_file(o.json, rn::json_report(results));
  return std::all_of(results.begin(), results.end(), [](auto& r) { return r.passed; }) ? 0 : 1;
}

}  // namespace

Run add_scenario(CLI::App& app) {
  auto o = std::make_shared<ScenarioOptions>();
  o->dir = rn::default_scenarios_dir();
  app.require_subcommand(1);
  app.add_option("--scenarios", o->dir, "the scenario directory")->capture_default_str();
  auto* ls = app.add_subcommand("list", "List the scenario ids and titles");
  auto* show_cmd = app.add_subcommand("show", "Print a scenario's source, fault, symptoms and remedy");
  show_cmd->add_option("ids", o->ids, "scenario ids")->required();
  auto* run_cmd = app.add_subcommand("run", "Run scenarios under both connector profiles (or one)");
  run_cmd->add_option("ids", o->ids, "scenario ids (maillab scenario list)");
  run_cmd->add_flag("--all", o->all, "every scenario of the catalog");
  run_cmd->add_option("--profile", o->profile, "only this connector profile")->check(CLI::IsMember({"sbs2003", "robust"}));
  run_cmd->add_option("--junit", o->junit, "write JUnit XML here");
  run_cmd->add_option("--json", o->json, "write every check as JSON here");
  run_cmd->add_option("--work", o->work, "where the sandboxes go (default: the temporary directory)");
  run_cmd->add_flag("--keep", o->keep, "keep each sandbox for inspection");
  run_cmd->add_flag("-v,--verbose", o->verbose, "print each run's steps and telnet sessions");
  return [o, ls, show_cmd, run_cmd]() -> int {
    if (ls->parsed()) return list(*o);
    if (show_cmd->parsed()) return show(*o);
    if (run_cmd->parsed()) return run(*o);
    return 2;
  };
}

}  // namespace maillab::app
