// maillab report merge: the shards of a catalog run (`scenario run --shard I/N --json F`)
// joined into one JSON report, JUnit file and summary, as one unsharded run would give.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/runner/html_report.hpp"
#include "maillab/runner/report.hpp"

namespace maillab::app {
namespace {
namespace rn = maillab::runner;

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string junit, json, html;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// The catalog's titles and texts for the HTML pages, where this checkout has the catalog.
std::vector<rn::Scenario> titles() {
  try {
    return rn::load_catalog(rn::default_scenarios_dir());
  } catch (const std::exception&) {
    return {};  // the pages then show the runs without the scenarios' texts
  }
}

int merge(const ReportOptions& o) {
  std::vector<std::vector<rn::RunResult>> shards;
  for (const auto& path : o.inputs)
    shards.push_back(path.ends_with(".xml") ? rn::results_from_junit(read_all(path), path)
                                            : rn::results_from_json(read_all(path), path));
  auto all = rn::merge_results(std::move(shards));
  if (!o.html.empty()) {
    rn::write_html_report(o.html, all, titles());
    std::cout << "HTML report: " << (std::filesystem::path(o.html) / "index.html").string() << "\n";
  }
  std::cout << rn::summary_table(all);  // its last line, the totals, is what CI scripts read
  if (!o.junit.empty()) write_all(o.junit, rn::junit_xml(all));
  if (!o.json.empty()) write_all(o.json, rn::json_report(all));
  return std::all_of(all.begin(), all.end(), [](const auto& r) { return r.passed; }) ? 0 : 1;
}

}  // namespace

Run add_report(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  app.require_subcommand(1);
  auto* merge_cmd = app.add_subcommand(
      "merge", "Join the reports of sharded runs (scenario run --shard I/N --json F or --junit F.xml) into one");
  merge_cmd->add_option("reports", o->inputs, "the shards' JSON reports, or their JUnit files (*.xml)")->required()->check(CLI::ExistingFile);
  merge_cmd->add_option("--junit", o->junit, "write the joined JUnit XML here");
  merge_cmd->add_option("--json", o->json, "write the joined JSON report here");
  merge_cmd->add_option("--html", o->html,
                        "write the joined HTML report into this directory (the step records come from JSON "
                        "reports; JUnit files carry none)");
  app.footer("Exit codes: 0 every run passed, 1 a run failed, 2 bad input (an unreadable report, overlapping shards).");
  return [o, merge_cmd]() -> int { return merge_cmd->parsed() ? merge(*o) : 2; };
}

}  // namespace maillab::app
