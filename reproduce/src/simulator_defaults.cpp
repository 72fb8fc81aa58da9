// What the simulators answer when no fault acts (simulators/pop3 and smtp replies.hpp,
// and the few replies built there with a host name or a number in them). A reply the
// customer's server gave that equals one of these needs no fault.
#include <map>
#include <regex>
#include <string>

#include "maillab/pop3/replies.hpp"
#include "maillab/reproduce/log_compare.hpp"
#include "maillab/reproduce/scenario_text.hpp"
#include "maillab/smtp/replies.hpp"

namespace maillab::reproduce {
namespace {

const std::map<std::string, std::string>& pop3_defaults() {
  namespace r = pop3::reply;
  static const std::map<std::string, std::string> table{
      {"connect", std::string(r::kBanner)}, {"CAPA", std::string(r::kCapa)},
      {"USER", std::string(r::kUserOk)},    {"PASS", std::string(r::kLogonOk)},
      {"APOP", std::string(r::kLogonOk)},   {"AUTH", std::string(r::kLogonOk)},
      {"UIDL", std::string(r::kUidlFollows)}, {"LIST", std::string(r::kListFollows)},
      {"RETR", std::string(r::kRetrOk)},    {"QUIT", std::string(r::kQuit)},
  };
  return table;
}

const std::map<std::string, std::string>& smtp_defaults() {
  namespace r = smtp::reply;
  static const std::map<std::string, std::string> table{
      {"connect", "220 mail1.example.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready"},
      {"EHLO", "250 OK"},
      {"HELO", "250 mail1.example.com Hello [127.0.0.1]"},
      {"MAIL", std::string(r::kSenderOk)},
      {"RCPT", std::string(r::kRecipientOk)},
      {"DATA", std::string(r::kStartMailInput)},
      {".", std::string(r::kQueued)},
      {"RSET", std::string(r::kResetOk)},
      {"AUTH", std::string(r::kAuthOk)},
      {"QUIT", "221 2.0.0 mail1.example.com Service closing transmission channel"},
  };
  return table;
}

}  // namespace

bool simulator_default(Protocol protocol, const std::string& verb, int message, const std::string& reply) {
  // LIST's count and octets are the scenario's messages (the writer makes them so).
  static const std::regex listing(R"(^\+OK \d+ messages \(\d+ octets\)$)");
  if (protocol == Protocol::Pop3 && verb == "LIST" && std::regex_match(reply, listing)) return true;
  // The queue id the SMTP simulator puts in its 250 after the dot counts the session's mail.
  static const std::regex queued(R"(^250 2\.6\.0 <\d+@[^>\s]+> Queued mail for delivery$)");
  if (protocol == Protocol::Smtp && verb == "." && std::regex_match(reply, queued)) return true;
  if (protocol == Protocol::Pop3 && verb == "DELE") return reply == "+OK message " + std::to_string(message) + " deleted";
  const auto& table = protocol == Protocol::Pop3 ? pop3_defaults() : smtp_defaults();
  auto it = table.find(verb);
  return it != table.end() && mask_line(it->second) == mask_line(reply);
}

}  // namespace maillab::reproduce
