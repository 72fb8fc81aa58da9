// The decision procedure: every rule over what was observed, then the findings in the
// KB's order (download, CDO, SMTP stage; within a stage the order of its steps, which is
// the order of Cause), one finding per cause and severity with the evidence joined.
#include <algorithm>

#include "rules.hpp"

namespace maillab::doctor {
namespace {

void append(Findings& to, Findings from) { to.insert(to.end(), from.begin(), from.end()); }

Findings all_rules(const Observations& seen) {
  Findings out;
  if (seen.pop3) append(out, pop3_rules(*seen.pop3, seen.expect_mail));
  if (seen.smtp) append(out, smtp_rules(*seen.smtp));
  if (seen.smtp) append(out, ehlo_rules(*seen.smtp, seen.expect_exchange));
  auto folders = seen.folders;
  if (!folders.size_limit && seen.smtp) folders.size_limit = ehlo_size_limit(seen.smtp->ehlo);
  append(out, folder_rules(folders, seen.events.value_or(std::vector<EventRecord>{})));
  if (seen.events) append(out, event_rules(*seen.events));
  if (seen.log) append(out, log_rules(*seen.log));
  return out;
}

// Same cause, same severity: one finding, the evidence of all (each line once).
Findings merged(const Findings& all) {
  Findings out;
  for (const auto& f : all) {
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const Finding& o) { return o.cause == f.cause && o.severity == f.severity; });
    if (same == out.end()) {
      out.push_back(f);
      continue;
    }
    for (const auto& e : f.evidence)
      if (std::find(same->evidence.begin(), same->evidence.end(), e) == same->evidence.end()) same->evidence.push_back(e);
  }
  return out;
}

// A check that passed says nothing once the same cause is found elsewhere.
void drop_contradicted(Findings& findings) {
  auto found = [&](Cause c) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.cause == c && f.severity == Severity::Problem; });
  };
  std::erase_if(findings, [&](const Finding& f) { return f.severity != Severity::Problem && found(f.cause); });
}

bool found_where(const Findings& findings, bool (*which)(Cause)) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.severity == Severity::Problem && which(f.cause); });
}

void demote(Findings& findings, Cause cause, const char* why) {
  for (auto& f : findings)
    if (f.cause == cause && f.severity == Severity::Problem) {
      f.severity = Severity::Note;
      f.summary += why;
    }
}

// A finding that only points the way to a step the doctor took itself: events 1046/1048
// send the reader through the CDO steps, so a CDO step that names the cause is the
// diagnosis and the events are its evidence; files staying in Incoming Mail (CDO step 2)
// are explained by an SMTP stage that refuses them.
void explained(Findings& findings) {
  if (found_where(findings, [](Cause c) { return info(c).stage == Stage::Cdo && c != Cause::CdoEvents; }))
    demote(findings, Cause::CdoEvents, " (a CDO step below names the cause)");
  // A damaged component opens no message file: every file stays (CDO step 5 explains step 2).
  if (found_where(findings, [](Cause c) {
        return c == Cause::Components ||
               (info(c).stage == Stage::Smtp && c != Cause::VerbsMissing && c != Cause::PickupScanner);
      }))
    demote(findings, Cause::FilesStuck, " (they wait for the SMTP stage, which refuses them: see below)");
}

int rank(Severity s) { return s == Severity::Problem ? 0 : s == Severity::Unchecked ? 1 : s == Severity::Note ? 2 : 3; }

}  // namespace

Report diagnose(const Observations& seen) {
  Report report;
  report.findings = merged(all_rules(seen));
  drop_contradicted(report.findings);
  explained(report.findings);
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    auto sa = info(a.cause).stage, sb = info(b.cause).stage;
    if (sa != sb) return sa < sb;
    if (a.cause != b.cause) return a.cause < b.cause;
    return rank(a.severity) < rank(b.severity);
  });
  report.unchecked = seen.unchecked;
  return report;
}

bool Report::problem() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Problem; });
}

int Report::exit_code() const {
  if (problem()) return 1;
  bool partial = !unchecked.empty() ||
                 std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Unchecked; });
  return partial ? 2 : 0;
}

std::vector<Cause> Report::causes() const {
  std::vector<Cause> out;
  for (const auto& f : findings)
    if (f.severity == Severity::Problem && std::find(out.begin(), out.end(), f.cause) == out.end()) out.push_back(f.cause);
  return out;
}

}  // namespace maillab::doctor
