#pragma once
// `maillab scenario run --html DIR`: a static report a person opens from CI's artefacts, with
// nothing fetched from elsewhere. One page per run (the mail-flow picture at the end of each
// step, the step's checks, events, notes and sessions) and one index page for all runs.
#include <filesystem>
#include <string>
#include <vector>

#include "maillab/runner/result.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

// The run's page name inside DIR: "runs/SD-sender-denied-sbs2003.html".
std::string html_page_name(const RunResult& result);
std::string html_run_page(const RunResult& result, const Scenario* scenario);
std::string html_index_page(const std::vector<RunResult>& results, const std::vector<Scenario>& catalog);
// Writes DIR/index.html and DIR/runs/*.html; sets each result's `html` to its page's path
// (DIR joined with the page name, as DIR was given).
void write_html_report(const std::filesystem::path& dir, std::vector<RunResult>& results,
                       const std::vector<Scenario>& catalog);

}  // namespace maillab::runner
