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

constexpr std::pair<DoctorVerdict, const char*> kVerdicts[] = {
    {DoctorVerdict::NotRun, "not-run"},   {DoctorVerdict::Diagnosed, "diagnosed"},
    {DoctorVerdict::Missed, "missed"},    {DoctorVerdict::False, "false-finding"},
    {DoctorVerdict::Unobservable, "unobservable"}};

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& s : ids) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

const char* verdict_name(DoctorVerdict verdict) {
  for (const auto& [v, name] : kVerdicts)
    if (v == verdict) return name;
  return "not-run";
}

DoctorVerdict parse_verdict(const std::string& name) {
  for (const auto& [v, n] : kVerdicts)
    if (name == n) return v;
  throw std::invalid_argument("not a doctor verdict: '" + name + "'");
}

// The doctor's accuracy over the runs that state a diagnosis (docs/doctor.md).
std::string doctor_summary(const std::vector<RunResult>& results) {
  std::size_t stated = 0, diagnosed = 0, healthy = 0, missed = 0, wrong = 0, unobservable = 0;
  for (const auto& r : results) {
    auto v = r.doctor.verdict;
    stated += v != DoctorVerdict::NotRun && v != DoctorVerdict::Unobservable;
    diagnosed += v == DoctorVerdict::Diagnosed;
    healthy += v == DoctorVerdict::Diagnosed && r.doctor.expected.empty();
    missed += v == DoctorVerdict::Missed;
    wrong += v == DoctorVerdict::False;
    unobservable += v == DoctorVerdict::Unobservable;
  }
  return fmt::format("doctor: {}/{} runs diagnosed ({} of them healthy), {} missed, {} false findings, {} unobservable\n",
                     diagnosed, stated, healthy, missed, wrong, unobservable);
}

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
  // The totals stay the last line (CI scripts read it); the doctor's accuracy comes before.
  out += doctor_summary(results);
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
  // The doctor's reading (so `report merge` of JUnit shards adds it up again) and the run's
  // page of the HTML report: CI tools show a test case's properties or its attachments.
  std::string props;
  auto prop = [&](const char* name, const std::string& value) {
    props += fmt::format("        <property name=\"{}\" value=\"{}\"/>\n", name, xml_escape(value));
  };
  if (!r.html.empty()) prop("html", r.html);
  if (r.doctor.verdict != DoctorVerdict::NotRun) {
    prop("doctor.verdict", verdict_name(r.doctor.verdict));
    prop("doctor.expected", joined(r.doctor.expected));
    prop("doctor.found", joined(r.doctor.found));
    if (r.doctor.after_remedy_checked) {
      prop("doctor.after_remedy.expected", joined(r.doctor.after_expected));
      prop("doctor.after_remedy.found", joined(r.doctor.after_found));
    }
  }
  if (!props.empty()) out += "\n      <properties>\n" + props + "      </properties>";
  if (!r.passed) {
    std::string body;
    for (auto& f : r.failures()) body += f + "\n";
    // A run that could not go on is an error; one whose checks disagree, a failure.
    const char* kind = r.error.empty() ? "failure" : "error";
    out += fmt::format("\n      <{0} message=\"{1}\" type=\"{0}\">{2}</{0}>", kind, xml_escape(r.why()),
                       xml_escape(body));
  }
  if (!r.html.empty()) out += fmt::format("\n      <system-out>[[ATTACHMENT|{}]]</system-out>", xml_escape(r.html));
  if (!r.passed || !props.empty() || !r.html.empty()) out += "\n    ";
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

namespace {

nlohmann::json doctor_json(const DoctorReading& d) {
  nlohmann::json j = {{"verdict", verdict_name(d.verdict)}, {"expected", d.expected}, {"found", d.found}};
  if (d.after_remedy_checked) j["after_remedy"] = {{"expected", d.after_expected}, {"found", d.after_found}};
  return j;
}

DoctorReading doctor_from_json(const nlohmann::json& j) {
  DoctorReading d;
  if (j.is_null()) return d;
  d.verdict = parse_verdict(j.at("verdict").get<std::string>());
  d.expected = j.value("expected", std::vector<std::string>{});
  d.found = j.value("found", std::vector<std::string>{});
  if (auto a = j.find("after_remedy"); a != j.end()) {
    d.after_remedy_checked = true;
    d.after_expected = a->value("expected", std::vector<std::string>{});
    d.after_found = a->value("found", std::vector<std::string>{});
  }
  return d;
}

}  // namespace

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
                   {"doctor", doctor_json(r.doctor)},
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
  r.doctor = doctor_from_json(j.value("doctor", nlohmann::json()));
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
