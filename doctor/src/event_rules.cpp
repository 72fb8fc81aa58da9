// What events prove. The seeds' ids: 1046 (+1048) the CDO stage, 12052 "the error is 86"
// anonymous access, 1070 the recipient policy (KB 842293). The connector's own ids
// (docs/events.md) each point at the step that explains them.
#include <fmt/format.h>

#include "rules.hpp"

namespace maillab::doctor {
namespace {

struct IdRule {
  int id;
  Cause cause;
};
// 1048 alone and 1053 (a transient refusal) prove nothing by themselves; 1052 and 12054
// are read from their text below.
const IdRule kById[] = {
    {1046, Cause::CdoEvents},       {1070, Cause::RecipientPolicy}, {12050, Cause::ConnectFailed},
    {12051, Cause::BannerNotOk},    {12053, Cause::LogonFailure},   {1050, Cause::MissingFolders},
    {1051, Cause::CorruptFiles},    {1054, Cause::FailedMail},      {1055, Cause::SmtpStopped},
    {1056, Cause::ChangedFiles},    {12055, Cause::SizeLimit},
};

std::optional<Cause> cause_of(const EventRecord& e) {
  // 1056 says why the file cannot be delivered: a damaged MIME component is CDO step 5, no
  // sign of a program changing the file (step 4h).
  if (e.id == 1056 && e.description.find("MIME component") != std::string::npos) return Cause::Components;
  for (const auto& r : kById)
    if (r.id == e.id) return r.cause;
  if (e.id == 12052) return e.description.find("86") != std::string::npos ? std::optional(Cause::AnonymousDisabled) : std::nullopt;
  if (e.id == 1052) {
    // "... rejected by the SMTP server (554 5.1.0 Sender denied) ...": the reply inside.
    auto open = e.description.find('(');
    return open == std::string::npos ? std::nullopt : refusal_cause(std::string_view(e.description).substr(open + 1));
  }
  if (e.id == 12054 && e.description.find("[IN-USE]") != std::string::npos) return Cause::CompetingClient;
  return std::nullopt;
}

std::string shown(const EventRecord& e) {
  return fmt::format("event {} ({}): {}", e.id, e.where, e.description);
}

}  // namespace

Findings event_rules(const std::vector<EventRecord>& events) {
  Findings out;
  const EventRecord* completed_with_errors = nullptr;
  for (const auto& e : events)
    if (e.id == 1048 && !completed_with_errors) completed_with_errors = &e;
  for (const auto& e : events) {
    auto cause = cause_of(e);
    if (!cause) continue;
    std::vector<std::string> evidence{shown(e)};
    if (*cause == Cause::CdoEvents && completed_with_errors) evidence.push_back(shown(*completed_with_errors));
    out.push_back(finding(*cause, Severity::Problem, fmt::format("the event log shows event {}", e.id), evidence));
  }
  if (out.empty() && !events.empty())
    out.push_back(finding(Cause::CdoEvents, Severity::Ok, fmt::format("none of the {} events names a documented cause", events.size())));
  return out;
}

}  // namespace maillab::doctor
