#include "maillab/runner/report.hpp"
#include "maillab/runner/step_json.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace maillab::runner {
namespace {

// Invalid UTF-8 (an 8-bit protocol line quoted in a failure) replaced by U+FFFD, as the JSON
// writer does: nlohmann's replacing serialiser is the validator, so there is one rule.
std::string valid_utf8(const std::string& s) {
  return nlohmann::json::parse(nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

std::string xml_escape(const std::string& raw) {
  std::string out;
  for (char c : valid_utf8(raw)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 has no place for other control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += '?';
        else out += c;
    }
  }
  return out;
}

std::string profile(const RunResult& r) { return std::string(connector::profile_name(r.profile)); }

}  // namespace

std::string progress_line(std::size_t index, std::size_t total, const RunResult& r) {
  return fmt::format("[{:>3}/{}] {:<26} {:<8} {} {:6.2f} s", index, total, r.id, profile(r), r.passed ? "PASS" : "FAIL",
                     r.seconds);
}

std::string summary_table(const std::vector<RunResult>& results) {
  std::string out = fmt::format("{:<26} {:<8} {:<6} {:>7}  {}\n", "scenario", "profile", "result", "time", "why");
  out += std::string(100, '-') + "\n";
  std::size_t failed = 0;
  double total = 0;
  for (const auto& r : results) {
    total += r.seconds;
    failed += r.passed ? 0 : 1;
    std::string why = r.passed ? std::to_string(r.checks.size()) + " checks passed" : r.why();
    out += fmt::format("{:<26} {:<8} {:<6} {:>6.2f}s  {}\n", r.id, profile(r), r.passed ? "PASS" : "FAIL", r.seconds, why);
  }
  out += std::string(100, '-') + "\n";
  out += fmt::format("{} runs, {} passed, {} failed, {:.2f} s\n", results.size(), results.size() - failed, failed, total);
  return out;
}

namespace {

struct Totals {
  std::size_t failures = 0, errors = 0;
  double seconds = 0;
  std::string timestamp;  // the earliest run's start
};

Totals totals(const std::vector<RunResult>& results) {
  Totals t;
  for (const auto& r : results) {
    t.errors += !r.passed && !r.error.empty();
    t.failures += !r.passed && r.error.empty();
    t.seconds += r.seconds;
    if (!r.started.empty() && (t.timestamp.empty() || r.started < t.timestamp)) t.timestamp = r.started;
  }
  return t;
}

std::string junit_case(const RunResult& r) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3f}\">",
                                xml_escape(r.id), profile(r), xml_escape(r.file), r.seconds);
  // CI tools show a test case's properties and attachments; either way the page is one click away.
  if (!r.html.empty())
    out += fmt::format("\n      <properties><property name=\"html\" value=\"{0}\"/></properties>"
                       "\n      <system-out>[[ATTACHMENT|{0}]]</system-out>",
                       xml_escape(r.html));
  if (!r.passed) {
    std::string body;
    for (auto& f : r.failures()) body += f + "\n";
    // A run that could not go on is an error; one whose checks disagree, a failure.
    const char* kind = r.error.empty() ? "failure" : "error";
    out += fmt::format("\n      <{0} message=\"{1}\" type=\"{0}\">{2}</{0}>\n    ", kind, xml_escape(r.why()),
                       xml_escape(body));
  }
  return out + "</testcase>\n";
}

}  // namespace

std::string junit_xml(const std::vector<RunResult>& results) {
  auto t = totals(results);
  auto counts = fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\"",
                            results.size(), t.failures, t.errors, t.seconds);
  auto stamp = t.timestamp.empty() ? "" : fmt::format(" timestamp=\"{}\"", t.timestamp);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"maillab scenarios\" {}{}>\n", counts, stamp);
  out += fmt::format("  <testsuite name=\"maillab scenarios\" {}{}>\n", counts, stamp);
  for (const auto& r : results) out += junit_case(r);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string json_report(const std::vector<RunResult>& results) {
  auto arr = nlohmann::json::array();
  for (const auto& r : results) {
    auto checks = nlohmann::json::array();
    for (const auto& c : r.checks)
      checks.push_back({{"step", c.step}, {"line", c.line}, {"what", c.what}, {"passed", c.passed}, {"detail", c.detail}});
    arr.push_back({{"id", r.id},
                   {"file", r.file},
                   {"profile", profile(r)},
                   {"passed", r.passed},
                   {"seconds", r.seconds},
                   {"started", r.started},
                   {"error", r.error},
                   {"checks", checks},
                   {"transcript", r.transcript},
                   {"steps", steps_json(r)}});
  }
  // Invalid UTF-8 (8-bit protocol lines) is replaced rather than refused.
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace maillab::runner

namespace maillab::runner {
namespace {

RunResult result_from_json(const nlohmann::json& j) {
  RunResult r;
  r.id = j.at("id").get<std::string>();
  r.file = j.at("file").get<std::string>();
  r.profile = connector::parse_profile(j.at("profile").get<std::string>());
  r.passed = j.at("passed").get<bool>();
  r.seconds = j.at("seconds").get<double>();
  r.started = j.value("started", std::string());
  r.error = j.value("error", std::string());
  for (const auto& c : j.at("checks"))
    r.checks.push_back({c.at("step").get<std::string>(), c.at("line").get<int>(), c.at("what").get<std::string>(),
                        c.at("passed").get<bool>(), c.at("detail").get<std::string>()});
  r.transcript = j.value("transcript", std::vector<std::string>{});
  if (j.contains("steps")) read_steps(r, j.at("steps"));
  return r;
}

}  // namespace

std::vector<RunResult> results_from_json(const std::string& text, const std::string& source) {
  try {
    std::vector<RunResult> out;
    for (const auto& j : nlohmann::json::parse(text)) out.push_back(result_from_json(j));
    return out;
  } catch (const std::exception& e) {
    throw std::invalid_argument(source + ": not a maillab JSON report: " + e.what());
  }
}

// Catalog order: by file (the catalog is sorted by file name), then profile as run.
std::vector<RunResult> merge_results(std::vector<std::vector<RunResult>> shards) {
  std::vector<RunResult> all;
  for (auto& s : shards) std::move(s.begin(), s.end(), std::back_inserter(all));
  std::stable_sort(all.begin(), all.end(), [](const RunResult& a, const RunResult& b) {
    return std::tie(a.file, a.profile) < std::tie(b.file, b.profile);
  });
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].file == all[i - 1].file && all[i].profile == all[i - 1].profile)
      throw std::invalid_argument("run " + all[i].id + " (" + std::string(connector::profile_name(all[i].profile)) +
                                  ") is in more than one report: shards overlap");
  return all;
}

}  // namespace maillab::runner
