// What the diagnostic log proves: the replies it records (a refused logon, 530, 550 5.7.1
// ...), and seed 004's block "Failure hrResult (0x800ccc6f) trying to deliver message id
// N:" with "Command: [SMTP_DOT]": a refusal after the final dot. The same message refused
// and left on the server (no "DELE N" in that cycle) in more than one retrieval cycle is
// seed 004's slowdown; a connector that DELEs it after setting it aside does not refetch.
#include <fmt/format.h>

#include <map>
#include <set>

#include "rules.hpp"

namespace maillab::doctor {
namespace {

struct DotFailure {
  int cycle;
  std::string message_id;
  std::string response;
  int line;
};

constexpr std::string_view kFailure = "Failure hrResult (";
constexpr std::string_view kDele = "(POP3) [TX] DELE ";

// "pszResponse: 554 5.1.0 Sender denied" and "Command: [SMTP_DOT]" in the block after entry i.
std::optional<DotFailure> dot_failure(const std::vector<LogEntry>& log, std::size_t i, int cycle) {
  const auto& head = log[i].text;
  auto id_at = head.find("message id ");
  if (id_at == std::string::npos) return std::nullopt;
  auto id = head.substr(id_at + 11);
  if (id.ends_with(':')) id.pop_back();
  bool at_dot = false;
  for (std::size_t j = i + 1; j < log.size() && j < i + 14; ++j) {
    if (log[j].text.starts_with("Command: [SMTP_DOT]")) at_dot = true;
    if (log[j].text.starts_with("pszResponse: ") && at_dot)
      return DotFailure{cycle, id, log[j].text.substr(13), log[i].line};
  }
  return std::nullopt;
}

std::optional<Cause> reply_cause(std::string_view text) {
  // The connector's own lines for the download stage's failures (its 12050 and 12051).
  if (text.find("Could not open connection to the host") != std::string_view::npos) return Cause::ConnectFailed;
  if (text.starts_with("greeting: ")) return Cause::BannerNotOk;
  if (text.starts_with("(POP3) [RX] -ERR")) {
    if (text.find("[IN-USE]") != std::string_view::npos) return Cause::CompetingClient;
    if (text.find("Logon failure") != std::string_view::npos) return Cause::LogonFailure;
    return std::nullopt;
  }
  if (!text.starts_with("(SMTP) [RX] ")) return std::nullopt;
  auto reply = text.substr(12);
  auto cause = refusal_cause(reply);
  // 552 and 554 are read from the failure block, where it says whether they came after the dot.
  if (cause == Cause::SizeLimit || cause == Cause::SenderDenied) return std::nullopt;
  return cause;
}

using Deleted = std::set<std::pair<int, std::string>>;  // (cycle, message number) DELEd

Findings dot_findings(const std::vector<DotFailure>& failures, const Deleted& deleted) {
  std::map<std::string, std::set<int>> cycles_of;  // message id -> cycles it was refused in and kept
  for (const auto& f : failures)
    if (!deleted.count({f.cycle, f.message_id})) cycles_of[f.message_id].insert(f.cycle);
  std::vector<std::string> evidence;
  bool again = false;
  for (const auto& f : failures)
    evidence.push_back(fmt::format("log line {} (cycle {}): message id {} refused after the final dot: {}", f.line, f.cycle,
                                   f.message_id, f.response));
  for (const auto& [id, cycles] : cycles_of) again = again || cycles.size() > 1;
  Findings out;
  // The slowdown is what the refusals do run after run; the refusal itself stays a cause.
  if (again)
    out.push_back(finding(Cause::Slowdown, Severity::Problem,
                          "the same messages are downloaded and refused after the final dot run after run", evidence));
  for (std::size_t k = 0; k < failures.size(); ++k) {
    auto cause = refusal_cause(failures[k].response).value_or(Cause::SenderDenied);
    if (cause == Cause::Quota || cause == Cause::SizeLimit || cause == Cause::SenderDenied)
      out.push_back(finding(cause, Severity::Problem, "the log shows a message refused after the final dot", {evidence[k]}));
    else
      out.push_back(finding(cause, Severity::Problem, "the log shows a message refused", {evidence[k]}));
  }
  return out;
}

}  // namespace

Findings log_rules(const std::vector<LogEntry>& log) {
  Findings out;
  std::vector<DotFailure> failures;
  Deleted deleted;
  int cycle = 1;
  bool started = false;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& text = log[i].text;
    if (text.starts_with("Retrieval cycle started.")) cycle += started ? 1 : 0, started = true;
    if (text.starts_with(kDele)) deleted.insert({cycle, text.substr(kDele.size())});
    if (text.starts_with(kFailure)) {
      if (auto f = dot_failure(log, i, cycle)) failures.push_back(*f);
    }
    if (auto cause = reply_cause(text))
      out.push_back(finding(*cause, Severity::Problem, "the log records a refusal",
                            {fmt::format("log line {}: {}", log[i].line, text)}));
  }
  auto dots = dot_findings(failures, deleted);
  out.insert(out.end(), dots.begin(), dots.end());
  if (out.empty() && !log.empty())
    out.push_back(finding(Cause::SenderDenied, Severity::Ok, fmt::format("no refusal among {} log entries", log.size())));
  return out;
}

}  // namespace maillab::doctor
