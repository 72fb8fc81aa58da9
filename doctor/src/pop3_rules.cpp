// KB 885685's telnet check (download stage, steps 2-6) read as the KB reads it.
#include <fmt/format.h>

#include <sstream>

#include "maillab/base/ascii.hpp"
#include "rules.hpp"

namespace maillab::doctor {
namespace {

bool is_ok(const std::optional<std::string>& reply) { return reply && reply->starts_with("+OK"); }
bool in_use(const std::string& reply) { return reply.find("[IN-USE]") != std::string::npos; }

// Step 2: the connection and the banner. nullopt: go on with the logon.
std::optional<Findings> connection(const Pop3Transcript& t) {
  if (t.outcome != ConnectOutcome::Connected)
    return Findings{finding(Cause::ConnectFailed, Severity::Problem, "the POP3 server cannot be reached",
                            {connect_failed_line(t.host, t.port, t.outcome, t.connect_error)})};
  if (!t.banner)
    return Findings{finding(Cause::BannerNotOk, Severity::Problem, "no banner came: " + t.broke_off,
                            {fmt::format("connected to {}:{}, then: {}", t.host, t.port, t.broke_off)})};
  if (!t.banner->starts_with("+OK"))
    return Findings{finding(Cause::BannerNotOk, Severity::Problem, "the banner does not start with +OK",
                            {"< " + *t.banner})};
  return std::nullopt;
}

std::vector<std::string> logon_lines(const Pop3Transcript& t) {
  auto out = exchange_of(t.lines, "USER");
  for (auto& line : exchange_of(t.lines, "PASS")) out.push_back(line);
  return out;
}

// Steps 3-4: USER, PASS.
std::optional<Finding> logon(const Pop3Transcript& t) {
  const auto evidence = logon_lines(t);
  for (const auto* reply : {&t.user_reply, &t.pass_reply}) {
    if (!*reply) return finding(Cause::LogonFailure, Severity::Unchecked, "the logon did not finish: " + t.broke_off, evidence);
    if (is_ok(*reply)) continue;
    if (in_use(**reply))
      return finding(Cause::CompetingClient, Severity::Problem, "the mailbox is locked by another session", evidence);
    return finding(Cause::LogonFailure, Severity::Problem, "the logon is refused", evidence);
  }
  return std::nullopt;
}

// Step 5: the drop listing "+OK <number of messages> <total size of messages in bytes>".
Finding drop_listing(const Pop3Transcript& t, bool expect_mail) {
  const auto evidence = exchange_of(t.lines, "STAT");
  if (!t.stat_reply) return finding(Cause::EmptyDrop, Severity::Unchecked, "STAT got no reply: " + t.broke_off, evidence);
  if (!is_ok(t.stat_reply)) {
    if (in_use(*t.stat_reply))
      return finding(Cause::CompetingClient, Severity::Problem, "the mailbox is in use by another client", evidence);
    return finding(Cause::EmptyDrop, Severity::Unchecked, "STAT is refused", evidence);
  }
  std::istringstream in(t.stat_reply->substr(3));
  long long count = -1, octets = -1;
  in >> count >> octets;
  if (count != 0)
    return finding(Cause::EmptyDrop, Severity::Ok, fmt::format("{} messages ({} octets) wait on the server", count, octets),
                   evidence);
  return finding(Cause::EmptyDrop, expect_mail ? Severity::Problem : Severity::Note,
                 expect_mail ? "the drop listing is empty (+OK 0 0) although mail is expected"
                             : "the drop listing is empty (+OK 0 0); if mail is expected, step 5 applies",
                 evidence);
}

Finding quit(const Pop3Transcript& t) {
  const auto evidence = exchange_of(t.lines, "QUIT");
  if (is_ok(t.quit_reply)) return finding(Cause::QuitReply, Severity::Ok, "QUIT is answered +OK", evidence);
  return finding(Cause::QuitReply, Severity::Problem,
                 t.quit_reply ? "QUIT is not answered +OK" : "QUIT got no reply: " + t.broke_off, evidence);
}

}  // namespace

Findings pop3_rules(const Pop3Transcript& t, bool expect_mail) {
  if (auto stop = connection(t)) return *stop;
  Findings out{finding(Cause::BannerNotOk, Severity::Ok, "the banner starts with +OK", {"< " + *t.banner})};
  if (auto refused = logon(t)) {
    out.push_back(*refused);
    return out;
  }
  out.push_back(finding(Cause::LogonFailure, Severity::Ok, "USER and PASS are accepted", logon_lines(t)));
  out.push_back(drop_listing(t, expect_mail));
  out.push_back(quit(t));
  return out;
}

Finding finding(Cause cause, Severity severity, std::string summary, std::vector<std::string> evidence) {
  return Finding{cause, severity, std::move(summary), std::move(evidence)};
}

std::string shown(const DialogLine& line) { return (line.sent ? "> " : "< ") + line.text; }

std::vector<std::string> exchange_of(const std::vector<DialogLine>& lines, std::string_view verb) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (!l.sent || !ascii::upper(l.text.substr(0, verb.size())).starts_with(ascii::upper(verb))) continue;
    out.push_back(shown(l));
    for (std::size_t j = i + 1; j < lines.size() && !lines[j].sent; ++j) out.push_back(shown(lines[j]));
  }
  return out;
}

std::string connect_failed_line(const std::string& host, unsigned port, ConnectOutcome outcome,
                                const std::string& error) {
  const char* why = outcome == ConnectOutcome::Refused      ? "refused"
                    : outcome == ConnectOutcome::TimedOut    ? "timed out"
                    : outcome == ConnectOutcome::HostUnknown ? "host unknown"
                                                             : "failed";
  return fmt::format("Connecting to {}... Could not open connection to the host on port {}: Connect failed. ({}{}{})",
                     host, port, why, error.empty() ? "" : ": ", error);
}

int smtp_code(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code;
}

std::string enhanced_code(std::string_view line) {
  if (line.size() < 9) return "";
  auto rest = line.substr(4);
  auto end = rest.find(' ');
  auto word = std::string(rest.substr(0, end));
  if (word.size() >= 5 && (word[0] == '2' || word[0] == '4' || word[0] == '5') && word[1] == '.') return word;
  return "";
}

}  // namespace maillab::doctor
