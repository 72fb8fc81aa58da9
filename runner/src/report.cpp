#include "maillab/runner/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace maillab::runner {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
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

std::string junit_xml(const std::vector<RunResult>& results) {
  std::size_t failures = 0;
  double total = 0;
  for (const auto& r : results) {
    failures += r.passed ? 0 : 1;
    total += r.seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuite name=\"maillab scenarios\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     results.size(), failures, total);
  for (const auto& r : results) {
    out += fmt::format("  <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3f}\">", xml_escape(r.id),
                       profile(r), xml_escape(r.file), r.seconds);
    if (!r.passed) {
      std::string body;
      for (auto& f : r.failures()) body += f + "\n";
      out += fmt::format("\n    <failure message=\"{}\">{}</failure>\n  ", xml_escape(r.why()), xml_escape(body));
    }
    out += "</testcase>\n";
  }
  out += "</testsuite>\n";
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
                   {"error", r.error},
                   {"checks", checks},
                   {"transcript", r.transcript}});
  }
  // Invalid UTF-8 (8-bit protocol lines) is replaced rather than refused.
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace maillab::runner
