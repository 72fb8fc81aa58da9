#include "event_clues.hpp"

#include <algorithm>
#include <regex>
#include <string>

#include "mailboxes.hpp"
#include "maillab/smtp/replies.hpp"

namespace maillab::reproduce {
namespace {

// Seed 003's Japanese has kana in every description; seed 000's German source is
// "POP3-Connector" (docs/events.md, "Languages").
Language language_of(const doctor::EventRecord& e) {
  if (e.source == "POP3-Connector") return Language::De;
  const auto& d = e.description;
  for (std::size_t i = 0; i + 1 < d.size(); ++i)
    if (static_cast<unsigned char>(d[i]) == 0xE3 && (static_cast<unsigned char>(d[i + 1]) & 0xFC) == 0x80) return Language::Ja;
  return Language::En;
}

// The user an event names: "... refused the logon of user info: -ERR ...", "... for user
// bob. The error is 86." ("" none).
std::string user_named(const std::string& d) {
  static const std::regex user(R"((?:for|of) user (\S+?)[:.]?(?:\s|$))");
  std::smatch m;
  return std::regex_search(d, m, user) ? m[1].str() : "";
}

// A refused logon's reply goes to the mailbox of the user the event names.
void refused_logon(const doctor::EventRecord& e, const std::string& reply, Model& m) {
  const auto user = user_named(e.description);
  const Mailbox* b = user.empty() ? &mailbox(m, 0) : mailbox_for_user(m, user, true);
  if (b && !has_reply(m, Protocol::Pop3, {"USER", "PASS", "APOP", "AUTH"}, b->thread))
    m.replies.push_back({Protocol::Pop3, "PASS", 0, 1, reply, 0, b->thread});
}

// The reply an event quotes: from "-ERR" to the end, or the "(5xx ...)" in parentheses.
std::string quoted_reply(const std::string& d) {
  if (auto at = d.find("-ERR"); at != std::string::npos) return d.substr(at);
  static const std::regex smtp(R"(\(([45]\d\d [^)]*)\))");
  std::smatch m;
  return std::regex_search(d, m, smtp) ? m[1].str() : "";
}

void event_replies(const doctor::EventRecord& e, Model& m) {
  const auto reply = quoted_reply(e.description);
  if (e.id == 12053 && !reply.empty()) refused_logon(e, reply, m);
  if (e.id == 12051 && !reply.empty() && !has_reply(m, Protocol::Pop3, {"connect"}))
    m.replies.push_back({Protocol::Pop3, "connect", 0, 1, reply, 0});
  // Another event that names a user names a mailbox: one that could not connect (12050),
  // else one that got through (12052's error 86 comes after the download).
  if (const auto user = user_named(e.description); e.id != 12053 && !user.empty()) mailbox_for_user(m, user, e.id == 12050);
  // Error 86: anonymous access is off; the event quotes no reply, so it is the simulator's 530.
  if (e.id == 12052 && !has_reply(m, Protocol::Smtp, {"MAIL"}))
    m.replies.push_back({Protocol::Smtp, "MAIL", 0, 0, std::string(smtp::reply::kNotAuthenticated), 0});
  if (e.id == 1070 && !reply.empty() && !has_reply(m, Protocol::Smtp, {"RCPT"}))
    m.replies.push_back({Protocol::Smtp, "RCPT", 0, 0, reply, 0});
  if (e.id == 1054) m.no_recipient = true;
  if (e.id == 12050 && m.connect_failure == ConnectFailure::None) read_connect_failure(e.description, m);
}

}  // namespace

bool has_reply(const Model& m, Protocol p, std::initializer_list<const char*> verbs, int thread) {
  return std::ranges::any_of(m.replies, [&](const ObservedReply& r) {
    return r.protocol == p && (thread < 0 || r.thread == thread) &&
           std::ranges::any_of(verbs, [&](const char* v) { return r.verb == v; });
  });
}

// The words of event 12050 and of the log's line are the same (docs/connector.md, "Host names").
bool read_connect_failure(const std::string& why, Model& m) {
  static const std::regex unknown(R"(the host name (\S+) could not be resolved)");
  static const std::regex within(R"(within (\d+) ms)");
  std::smatch found;
  if (std::regex_search(why, found, unknown)) {
    m.connect_failure = ConnectFailure::HostUnknown;
    m.pop3_host = found[1];
  } else if (why.find("timed out") != std::string::npos) {
    m.connect_failure = ConnectFailure::TimedOut;
    if (std::regex_search(why, found, within)) m.connect_timeout_ms = std::stoi(found[1]);
  } else if (why.find("refused") != std::string::npos) {
    m.connect_failure = ConnectFailure::Refused;
  } else {
    return false;
  }
  return true;
}

void apply_events(const std::vector<doctor::EventRecord>& events, Model& model) {
  for (const auto& e : events) {
    model.event_ids.push_back(e.id);
    if (const auto lang = language_of(e); lang != Language::En) model.language = lang;
    event_replies(e, model);
  }
}

}  // namespace maillab::reproduce
