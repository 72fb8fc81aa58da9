#pragma once
// The seeds' telnet sessions as data: a dialog of lines typed ("> user bob") and replies
// expected ("+OK", a trailing * for a prefix), plus "(connect failed)", "(closed)" and
// "(skip to .)" for a multi-line reply. Run over loopback with short timeouts, so a
// server that does not answer fails the check instead of hanging the run.
#include <string>
#include <vector>

#include "maillab/base/endpoint.hpp"

namespace maillab::runner {

struct TelnetResult {
  bool ok = true;
  std::string why;                  // the first mismatch
  std::vector<std::string> record;  // what a person at the terminal would have seen
};

// `host_label` is the name the seeds type (mail-host.fabrikam.com) for the messages.
TelnetResult run_telnet(const HostPort& to, const std::string& host_label, const std::string& session);

// A reply line against an expected one: exact, or a prefix when `expected` ends in '*'.
bool reply_matches(const std::string& got, const std::string& expected);

struct RetrievedMessage {
  std::string uid;
  std::string text;  // as the client stores it: dot-unstuffed, CRLF
};

// A standard POP3 client with "leave a copy of messages on server" (KB 885685's Outlook
// Express check): USER/PASS, UIDL, RETR every message, QUIT; never DELE. Throws
// std::runtime_error naming the reply that stopped it.
std::vector<RetrievedMessage> retrieve_leaving_copies(const HostPort& to, const std::string& user,
                                                      const std::string& password);

}  // namespace maillab::runner
