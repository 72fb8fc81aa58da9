// JUnit files written by junit_xml() read back into runs, for `maillab report merge` of
// shards that kept only their JUnit. Boost.PropertyTree's XML reader parses it; the
// failures' text (one "FILE:LINE: STEP: WHAT: DETAIL" line each, an error first) becomes
// the runs' checks again, so the merged file says what the shards said.
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <sstream>
#include <stdexcept>

#include "maillab/runner/report.hpp"

namespace pt = boost::property_tree;

namespace maillab::runner {
namespace {

// "FILE:LINE: STEP: WHAT: DETAIL" as RunResult::failures() writes it.
CheckResult failed_check(const std::string& file, const std::string& line) {
  CheckResult c;
  auto rest = line.substr(std::min(line.size(), file.size() + 1));
  auto take = [&rest]() {
    auto sep = rest.find(": ");
    auto part = rest.substr(0, sep);
    rest = sep == std::string::npos ? "" : rest.substr(sep + 2);
    return part;
  };
  c.line = std::atoi(take().c_str());
  c.step = take();
  c.what = take();
  c.detail = rest;
  return c;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// <properties> of a test case: the doctor's reading (report.cpp writes them).
DoctorReading doctor_of(const pt::ptree& tc) {
  DoctorReading d;
  auto props = tc.get_child_optional("properties");
  if (!props) return d;
  for (const auto& [tag, p] : *props) {
    if (tag != "property") continue;
    auto name = p.get<std::string>("<xmlattr>.name", "");
    auto value = p.get<std::string>("<xmlattr>.value", "");
    if (name == "doctor.verdict") d.verdict = parse_verdict(value);
    if (name == "doctor.expected") d.expected = words(value);
    if (name == "doctor.found") d.found = words(value);
    if (name == "doctor.after_remedy.expected") d.after_remedy_checked = true, d.after_expected = words(value);
    if (name == "doctor.after_remedy.found") d.after_found = words(value);
  }
  return d;
}

RunResult run_of(const pt::ptree& tc, const std::string& timestamp) {
  RunResult r;
  r.id = tc.get<std::string>("<xmlattr>.classname");
  r.profile = connector::parse_profile(tc.get<std::string>("<xmlattr>.name"));
  r.file = tc.get<std::string>("<xmlattr>.file", "");
  r.seconds = tc.get<double>("<xmlattr>.time", 0);
  r.started = timestamp;
  r.doctor = doctor_of(tc);
  auto problem = tc.get_child_optional("failure");
  bool error = !problem && (problem = tc.get_child_optional("error"));
  r.passed = !problem;
  if (!problem) return r;
  std::istringstream body(problem->data());
  std::string line;
  if (error && std::getline(body, line)) r.error = line;
  while (std::getline(body, line))
    if (!line.empty()) r.checks.push_back(failed_check(r.file, line));
  return r;
}

}  // namespace

std::vector<RunResult> results_from_junit(const std::string& text, const std::string& source) {
  pt::ptree tree;
  try {
    std::istringstream in(text);
    pt::read_xml(in, tree);
  } catch (const pt::xml_parser_error& e) {
    throw std::invalid_argument(source + ": not JUnit XML: " + e.message() + " (line " + std::to_string(e.line()) + ")");
  }
  auto suites = tree.get_child_optional("testsuites");
  if (!suites) throw std::invalid_argument(source + ": not a maillab JUnit file (no <testsuites>)");
  std::vector<RunResult> out;
  for (const auto& [name, suite] : *suites) {
    if (name != "testsuite") continue;
    auto timestamp = suite.get<std::string>("<xmlattr>.timestamp", "");
    for (const auto& [tag, tc] : suite)
      if (tag == "testcase") out.push_back(run_of(tc, timestamp));
  }
  return out;
}

}  // namespace maillab::runner
