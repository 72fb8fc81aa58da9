#pragma once
// What a catalog run tells its reader: a progress line per run, a table at the end, and
// JUnit XML / JSON for CI.
#include <string>
#include <vector>

#include "maillab/runner/result.hpp"

namespace maillab::runner {

std::string progress_line(std::size_t index, std::size_t total, const RunResult& r);
// The table ends with the doctor's accuracy line (doctor_summary), then the totals.
std::string summary_table(const std::vector<RunResult>& results);
// "doctor: N/M runs diagnosed (H of them healthy), X missed, K false findings, U unobservable".
std::string doctor_summary(const std::vector<RunResult>& results);
std::string junit_xml(const std::vector<RunResult>& results);
std::string json_report(const std::vector<RunResult>& results);
// A JSON report read back (`source` names it in errors), and shards' results joined in
// catalog order; a run present in two shards is an error.
std::vector<RunResult> results_from_json(const std::string& text, const std::string& source);
// A JUnit file junit_xml() wrote, read back (each failure line becomes a failed check again).
std::vector<RunResult> results_from_junit(const std::string& text, const std::string& source);
std::vector<RunResult> merge_results(std::vector<std::vector<RunResult>> shards);

}  // namespace maillab::runner
