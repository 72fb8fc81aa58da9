// maillab scenario list | show ID... | run ID...|--all: the catalog of scenarios/ from the command line
// (the README's main job). Each run gets a fresh sandbox and its own simulators on port 0.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>

#include "commands.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/runner/html_report.hpp"
#include "maillab/runner/parallel_runs.hpp"
#include "maillab/runner/selection.hpp"
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
  std::vector<std::string> tags;
  std::string shard;
  unsigned jobs = 1;
  std::string junit, json, html, work;
  bool keep = false, verbose = false;
};

// --shard, else GitLab's CI_NODE_INDEX/CI_NODE_TOTAL.
rn::Selection selection(const ScenarioOptions& o) {
  rn::Selection s;
  s.patterns = o.ids;
  s.tags = o.tags;
  if (!o.profile.empty()) s.profile = cn::parse_profile(o.profile);
  s.shard = o.shard.empty() ? rn::shard_from_environment() : std::optional(rn::parse_shard(o.shard));
  return s;
}

// The chosen scenarios, each once, with its tags: what a CI job would run.
int list(const ScenarioOptions& o) {
  auto catalog = rn::load_catalog(o.dir);
  std::set<const rn::Scenario*> seen;
  for (const auto& run : rn::select_runs(catalog, selection(o))) {
    if (!seen.insert(run.scenario).second) continue;
    std::string tags;
    for (const auto& t : run.scenario->tags) tags += (tags.empty() ? "" : ",") + t;
    std::cout << std::left << std::setw(25) << run.scenario->id << ' ' << std::setw(18) << tags << ' '
              << run.scenario->title << "\n";
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

void print_run(std::size_t finished, std::size_t total, const rn::RunResult& r, bool verbose) {
  std::cout << rn::progress_line(finished, total, r) << std::endl;
  if (!verbose && r.passed) return;
  for (auto& l : r.transcript) std::cout << "      " << l << "\n";
  for (auto& f : r.failures()) std::cout << "    FAILED " << f << "\n";
  if (!r.sandbox.empty()) std::cout << "    sandbox kept: " << r.sandbox << "\n";
}

int run(const ScenarioOptions& o) {
  if (o.ids.empty() && !o.all && o.tags.empty())
    throw std::runtime_error("name scenario ids or globs, --tag, or --all (maillab scenario list shows them)");
  auto catalog = rn::load_catalog(o.dir);
  auto plan = rn::select_runs(catalog, selection(o));
  rn::RunOptions options{o.work, o.keep};
  auto results = rn::run_all(plan, options, o.jobs, [&](std::size_t finished, const rn::RunResult& r) {
    print_run(finished, plan.size(), r, o.verbose);
  });
  // Before the table, whose last line (the totals) CI scripts read.
  if (!o.html.empty()) {
    rn::write_html_report(o.html, results, catalog);
    std::cout << "HTML report: " << (std::filesystem::path(o.html) / "index.html").string() << "\n";
  }
  std::cout << "\n" << rn::summary_table(results);
  if (!o.junit.empty()) write_file(o.junit, rn::junit_xml(results));
  if (!o.json.empty()) write_file(o.json, rn::json_report(results));
  return std::all_of(results.begin(), results.end(), [](auto& r) { return r.passed; }) ? 0 : 1;
}

// The selection options `list` and `run` share.
void add_selection(CLI::App& cmd, ScenarioOptions& o) {
  cmd.add_option("ids", o.ids, "scenario ids or shell globs ('CDO-*'); none: every scenario");
  cmd.add_option("--tag", o.tags, "only scenarios with this tag (repeatable: any of them); maillab scenario list shows tags");
  cmd.add_option("--profile", o.profile, "only this connector profile")->check(CLI::IsMember({"sbs2003", "robust"}));
  cmd.add_option("--shard", o.shard,
                 "I/N: only the I-th of N shards (1-based; a stable split by scenario id). Default: "
                 "$CI_NODE_INDEX/$CI_NODE_TOTAL when both are set");
}

}  // namespace

Run add_scenario(CLI::App& app) {
  auto o = std::make_shared<ScenarioOptions>();
  o->dir = rn::default_scenarios_dir();
  app.require_subcommand(1);
  app.add_option("--scenarios", o->dir, "the scenario directory")->capture_default_str();
  auto* ls = app.add_subcommand("list", "List the scenario ids, tags and titles (or those a selection takes)");
  add_selection(*ls, *o);
  auto* show_cmd = app.add_subcommand("show", "Print a scenario's source, fault, symptoms and remedy");
  show_cmd->add_option("ids", o->ids, "scenario ids")->required();
  auto* run_cmd = app.add_subcommand("run", "Run scenarios under both connector profiles (or one)");
  add_selection(*run_cmd, *o);
  run_cmd->add_flag("--all", o->all, "every scenario of the catalog");
  run_cmd->add_option("--jobs,-j", o->jobs, "runs at once, in one process (results still in catalog order)")
      ->capture_default_str()->check(CLI::Range(1, 64));
  run_cmd->add_option("--junit", o->junit, "write JUnit XML here");
  run_cmd->add_option("--json", o->json, "write every check as JSON here");
  run_cmd->add_option("--html", o->html,
                      "write a static HTML report into this directory: index.html and a page per run (the "
                      "JUnit file links each run's page)");
  run_cmd->add_option("--work", o->work, "where the sandboxes go (default: the temporary directory)");
  run_cmd->add_flag("--keep", o->keep, "keep each sandbox for inspection");
  run_cmd->add_flag("-v,--verbose", o->verbose, "print each run's steps and telnet sessions");
  app.footer("Exit codes: 0 every chosen run passed (list, show: done), 1 a run failed, 2 bad input (an id or glob "
             "that matches nothing, a malformed scenario file, a bad --shard).");
  return [o, ls, show_cmd, run_cmd]() -> int {
    if (ls->parsed()) return list(*o);
    if (show_cmd->parsed()) return show(*o);
    if (run_cmd->parsed()) return run(*o);
    return 2;
  };
}

}  // namespace maillab::app
