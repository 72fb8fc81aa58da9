#include "maillab/runner/diagnosis.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "maillab/base/files.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/doctor/doctor.hpp"
#include "maillab/doctor/probes.hpp"

namespace fs = std::filesystem;
namespace cn = maillab::connector;
namespace dr = maillab::doctor;

namespace maillab::runner {
namespace {

// The run's resolver seen through the doctor's seam: the same names the connector uses.
class SiteResolver final : public dr::Resolver {
 public:
  explicit SiteResolver(cn::Resolver& hosts) : hosts_(hosts) {}
  // The run's resolver throws for a name it does not know: to the doctor that is "host unknown".
  std::vector<std::string> resolve(const std::string& host) override {
    try {
      return hosts_.resolve(host);
    } catch (const std::exception&) {
      return {};
    }
  }

 private:
  cn::Resolver& hosts_;
};

// A loopback connection is accepted by the kernel itself (no listener thread needs to run),
// so only a black hole (a full accept queue) waits out the connect timeout; replies come
// from the simulators' threads, which a loaded machine may delay, so they get longer.
dr::ProbeOptions probe_options() {
  dr::ProbeOptions o;
  o.connect_timeout = std::chrono::milliseconds(100);
  o.io_timeout = std::chrono::milliseconds(500);
  return o;
}

std::uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  auto n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

// The part of a file written since `from` bytes (a file that shrank is read whole).
std::string written_since(const std::string& path, std::uintmax_t from) {
  auto text = read_file(path).value_or("");
  return from <= text.size() ? text.substr(from) : text;
}

void read_artefacts(const std::string& root, const ArtefactMark& from, dr::Observations& seen) {
  cn::Folders folders{root};
  seen.events_file = folders.events_file();
  seen.log_file = folders.log_file();
  try {
    seen.events = dr::parse_events(written_since(seen.events_file, from.events), seen.events_file);
  } catch (const std::exception& e) {
    seen.unchecked.push_back(std::string("events: ") + e.what());
  }
  try {
    seen.log = dr::parse_log(written_since(seen.log_file, from.log), seen.log_file);
  } catch (const std::exception& e) {
    seen.unchecked.push_back(std::string("log: ") + e.what());
  }
}

std::vector<std::string> ids(const dr::Report& report) {
  std::vector<std::string> out;
  for (auto c : report.causes()) out.emplace_back(dr::info(c).id);
  std::sort(out.begin(), out.end());
  return out;
}

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "healthy" : out;
}

bool subset(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::all_of(a.begin(), a.end(), [&](const std::string& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

}  // namespace

dr::Observations observe_site(const DoctorSite& site, const ArtefactMark& from, bool expect_mail) {
  dr::Observations seen;
  seen.expect_mail = expect_mail;
  SiteResolver resolver(*site.hosts);
  seen.pop3 = dr::probe_pop3({site.pop3, site.user, site.password}, resolver, *site.channels, probe_options());
  dr::SmtpProbe smtp;
  smtp.server = site.smtp;
  for (const auto& r : site.rcpts)
    if (!r.empty() && std::find(smtp.rcpts.begin(), smtp.rcpts.end(), r) == smtp.rcpts.end()) smtp.rcpts.push_back(r);
  seen.smtp = dr::probe_smtp(smtp, resolver, *site.channels, probe_options());
  seen.folders = dr::scan_folders(site.root, site.pickup);
  read_artefacts(site.root, from, seen);
  return seen;
}

DoctorVerdict doctor_verdict(const ExpectedDiagnosis& symptom, const DoctorReading& r) {
  bool extra = !subset(r.found, r.expected) || (r.after_remedy_checked && !subset(r.after_found, r.after_expected));
  if (extra) return DoctorVerdict::False;
  bool all = r.found == r.expected && (!r.after_remedy_checked || r.after_found == r.after_expected);
  if (!all) return DoctorVerdict::Missed;
  return symptom.unobservable ? DoctorVerdict::Unobservable : DoctorVerdict::Diagnosed;
}

RunDoctor::RunDoctor(const Scenario& sc, cn::Profile profile) {
  for (const auto& a : sc.accounts) mail_put_ = mail_put_ || !a.messages.empty();
  for (const auto& s : sc.steps) mail_put_ = mail_put_ || std::holds_alternative<steps::Pop3Add>(s.action);
  for (const auto& s : sc.remedy_steps) has_remedy_ = has_remedy_ || !s.profile || *s.profile == profile;
  if (!sc.diagnosis) return;
  line_ = sc.diagnosis->line;
  if (auto it = sc.diagnosis->symptom.find(profile); it != sc.diagnosis->symptom.end()) symptom_ = &it->second;
  if (auto it = sc.diagnosis->after_remedy.find(profile); it != sc.diagnosis->after_remedy.end())
    after_remedy_ = &it->second;
}

void RunDoctor::cycle_starts(const std::string& root) {
  cn::Folders folders{root};
  last_cycle_ = {size_of(folders.events_file()), size_of(folders.log_file())};
  ++cycles_;
}

std::vector<std::string> RunDoctor::read(const DoctorSite& site, const ArtefactMark& from, RunResult& result,
                                         const std::string& moment) {
  // Mail was put on the server and none ever came down: the customer expects mail.
  auto report = dr::diagnose(observe_site(site, from, mail_put_ && downloaded_ == 0));
  auto found = ids(report);
  result.transcript.push_back("doctor " + moment + ": " + list(found));
  std::istringstream text(dr::render_text(report, dr::Lang::En));
  for (std::string l; std::getline(text, l);) result.transcript.push_back("  " + l);
  return found;
}

void RunDoctor::check(RunResult& result, const std::string& moment, const std::vector<std::string>& expected,
                      const std::vector<std::string>& found, bool unobservable) {
  bool ok = found == expected;
  auto want = !unobservable ? list(expected)
              : expected.empty() ? std::string("nothing: the cause is unobservable")
                                 : "the cause is unobservable, read as " + list(expected);
  result.checks.push_back({"diagnosis", line_, "the doctor " + moment, ok,
                           "named " + list(found) + (ok ? "" : " (expected " + want + ")")});
}

void RunDoctor::at_symptom(const DoctorSite& site, RunResult& result) {
  at_symptom_ = {size_of(cn::Folders{site.root}.events_file()), size_of(cn::Folders{site.root}.log_file())};
  cycles_at_symptom_ = cycles_;
  if (!symptom_) return;
  // The whole run so far: the symptom may take more than one cycle to show (seed 004).
  auto found = read(site, ArtefactMark{}, result, "at the symptom");
  result.doctor.expected = symptom_->causes;
  result.doctor.found = found;
  check(result, "at the symptom", symptom_->causes, found, symptom_->unobservable);
  result.doctor.verdict = doctor_verdict(*symptom_, result.doctor);
}

void RunDoctor::after_remedy(const DoctorSite& site, RunResult& result) {
  if (!symptom_ || !after_remedy_ || !has_remedy_) return;
  // What the last cycle of the remedy wrote: the symptom's cycles are history by now.
  auto from = cycles_ > cycles_at_symptom_ ? last_cycle_ : at_symptom_;
  auto found = read(site, from, result, "after the remedy");
  result.doctor.after_remedy_checked = true;
  result.doctor.after_expected = after_remedy_->causes;
  result.doctor.after_found = found;
  check(result, "after the remedy", after_remedy_->causes, found, false);
  result.doctor.verdict = doctor_verdict(*symptom_, result.doctor);
}

}  // namespace maillab::runner
