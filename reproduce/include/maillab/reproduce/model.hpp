#pragma once
// What `maillab reproduce` infers from a customer's diagnostic log and events: the
// servers' replies as the connector saw them, the mail and the addresses. Plain data: the
// inference fills it in (infer.hpp), the scenario writer turns it into YAML
// (scenario_text.hpp). Only the first retrieval cycle of the log is modelled. Each mailbox
// of the connector downloads on its own thread, the log's "[t N]": one Mailbox per thread.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace maillab::reproduce {

enum class Protocol { Pop3, Smtp };

// One reply the customer's server gave, and to what: `verb` is the command in upper case
// ("USER", "RETR", "."; "connect" for the greeting), `message` the POP3 message number the
// command named (0 none), `occurrence` the 1-based count of that verb in the cycle (SMTP's
// nth-trigger), `line` the log line of the reply (its first line for a multi-line one),
// `thread` the POP3 reply's mailbox (the connector's one SMTP session logs on thread 0).
struct ObservedReply {
  Protocol protocol = Protocol::Pop3;
  std::string verb;
  int message = 0;
  int occurrence = 0;
  std::string text;  // the reply's last line ("250 OK" of an EHLO list), as logged
  int line = 0;
  int thread = 0;
};

// How the POP3 connection ended before any reply, from the log's or the events' words.
enum class ConnectFailure { None, Refused, TimedOut, HostUnknown };

enum class Language { En, De, Ja };
enum class Level { Minimum, Medium, Maximum };

// One mailbox of the connector: the lines of one download thread ("[t N]"), and what the
// events say of its user.
struct Mailbox {
  int thread = 0;
  std::string user;                        // USER, "for user U", the events' "user U" ("" none)
  std::optional<int> message_count;        // "Downloading message n of N", "N messages on the server"
  std::optional<std::uint64_t> total_octets;  // LIST's "+OK N messages (M octets)"
  std::vector<std::string> recipients;     // its "Sending message n to the SMTP recipient A…" lines'
};

struct Model {
  // One per download thread the log shows, in thread order (threads 0..N all, since the
  // connector numbers its mailboxes so); at least one. A user the log and events do not
  // name is "bob" (or "mailboxN" when bob is taken).
  std::vector<Mailbox> mailboxes;
  std::string pop3_host;                   // a host name the log or events name ("" none)
  ConnectFailure connect_failure = ConnectFailure::None;
  int connect_failure_line = 0;
  int connect_failure_thread = 0;
  int connect_timeout_ms = 0;              // "no answer within N ms" (0: not said)
  std::optional<int> downloaded;           // "Retrieval cycle completed: D downloaded, ..."
  int delivered = 0, failed = 0;           // "..., N delivered, N failed, ..."
  std::vector<std::string> recipients;     // "Sending message n to the SMTP recipient A…", in order met
  std::map<int, std::string> recipient_of;  // message n's (first) recipient, from "Sending message n"; the first mailbox's
  bool no_recipient = false;               // event 1054: a global mailbox's message without To/Cc
  bool pickup = false;                     // "Moved message F to the pickup folder.": delivery into PickUp
  // Per message, in the order the delivery stage took them (the download order): the
  // corruption the connector named ("NUL bytes in the message" -> nul), and whether
  // it went out with BODY=8BITMIME (8-bit text).
  std::map<int, std::string> corrupt;
  std::set<int> eightbit;
  // The POP3 server closed the connection ("connection closed by the server"): at which
  // command, and whether its reply's first line had come (a RETR cut off mid-message).
  struct Drop {
    std::string verb;
    int message = 0;
    bool after_reply = false;
    int thread = 0;
  };
  std::optional<Drop> pop3_drop;
  // The delivery stage could not open the message files (events 1046 and 1048, files left
  // in Incoming Mail and none handed on): a MIME component it cannot load (CDO step 5)
  // gives exactly that.
  bool delivery_blocked = false;
  int left = 0;                            // "Retrieval cycle completed: ... N left."
  std::vector<std::string> ehlo;           // the EHLO reply's keywords, "SIZE 5242880" (not the hello line)
  std::vector<ObservedReply> replies;      // in log order
  Level level = Level::Minimum;            // the least level that writes every line seen
  Language language = Language::En;        // from the events' words
  std::vector<int> event_ids;              // the events read, in order
  int lines_read = 0;                      // log entries of the modelled cycle
  int cycles_seen = 0;                     // "Retrieval cycle started." lines in the whole log
  std::vector<std::string> notes;          // what was seen and not modelled, "line N: why"

  const Mailbox& first() const { return mailboxes.front(); }
  bool several() const { return mailboxes.size() > 1; }
};

}  // namespace maillab::reproduce
