#include "log_lines.hpp"

#include <array>

namespace maillab::reproduce {
namespace {

bool has(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Seed 004's failure block, every line of it (docs/connector.md, "The diagnostic log").
bool failure_block(std::string_view t) {
  static constexpr std::array<std::string_view, 13> kStarts{
      "Failure hrResult ", "SMTPRESPONSE:", "* * *", "Command: [", "Completed: ", "IxpResult:",
      "\u2014> ",          "pszResponse:",  "uiServerError:", "dwSocketError:", "pwszProblem:",
      "Unfamiliar error delivering mail", "Full response details:"};
  for (auto s : kStarts)
    if (t.starts_with(s)) return true;
  return false;
}

}  // namespace

LineKind line_kind(std::string_view t) {
  if (t.starts_with("(POP3) ") || t.starts_with("(SMTP) ")) return LineKind::Traffic;
  if (t == "Retrieval cycle started.") return LineKind::CycleStarted;
  if (t.starts_with("Retrieval cycle completed")) return LineKind::CycleCompleted;
  if (t.starts_with("Connecting to ") && has(t, " for user ")) return LineKind::Connecting;
  if (has(t, " messages on the server, ")) return LineKind::OnServer;
  if (t.starts_with("Downloading message ")) return LineKind::Downloading;
  if (t.starts_with("Sending message ")) return LineKind::Sending;
  if (t.starts_with("Could not open a connection to the POP3 server ")) return LineKind::ConnectFailed;
  if (t.starts_with("logon: ") || t.starts_with("greeting: ") || t.starts_with("The POP3 session on ") ||
      t.starts_with("connection closed by the server") || t.starts_with("connection lost: "))
    return LineKind::DownloadProblem;
  if (failure_block(t)) return LineKind::FailureBlock;
  if (t.starts_with("Moved message ") || t.starts_with("Message file ") || t.starts_with("Message "))
    return LineKind::Delivery;
  return LineKind::Other;
}

Level level_of(LineKind kind) {
  switch (kind) {
    case LineKind::Traffic:
    case LineKind::Downloading:
    case LineKind::Sending:
    case LineKind::FailureBlock: return Level::Maximum;
    case LineKind::Connecting:
    case LineKind::OnServer:
    case LineKind::Delivery: return Level::Medium;
    default: return Level::Minimum;
  }
}

bool download_side(std::string_view text) {
  if (text.starts_with("(POP3) ")) return true;
  const auto kind = line_kind(text);
  return kind == LineKind::Connecting || kind == LineKind::OnServer || kind == LineKind::Downloading ||
         kind == LineKind::ConnectFailed || kind == LineKind::DownloadProblem;
}

}  // namespace maillab::reproduce
