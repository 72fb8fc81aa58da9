#pragma once
// What the doctor looks at, as data: the probes and readers fill these in, the rules read
// them. Nothing here does I/O, so every rule is tested with hand-made observations.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace maillab::doctor {

// How a connection attempt ended before any reply (telnet's "Connect failed.").
enum class ConnectOutcome { Connected, Refused, TimedOut, HostUnknown, OtherError };

// One line of a dialog as a person at the terminal sees it: what was typed or received.
struct DialogLine {
  bool sent = false;
  std::string text;  // without the line end; a password shows as ****
};

// The KB's telnet check (download stage, steps 2-6).
struct Pop3Transcript {
  std::string host;  // as given (HOST of HOST:PORT)
  std::uint16_t port = 0;
  ConnectOutcome outcome = ConnectOutcome::Connected;
  std::string connect_error;            // the socket's words when not Connected
  std::vector<DialogLine> lines;        // the whole dialog
  std::optional<std::string> banner;    // nullopt: none came (closed or timed out)
  std::optional<std::string> user_reply, pass_reply, stat_reply, quit_reply;
  std::string broke_off;                // why the dialog stopped early ("" when it ran to QUIT)
};

// Seed 002's verb check and the SMTP stage's probes.
struct SmtpTranscript {
  std::string host;
  std::uint16_t port = 0;
  ConnectOutcome outcome = ConnectOutcome::Connected;
  std::string connect_error;
  std::vector<DialogLine> lines;
  std::optional<std::string> banner;
  std::vector<std::string> ehlo;  // the reply's lines, "250-TURN" ...; empty: none
  std::optional<std::string> mail_reply;  // MAIL FROM without AUTH
  struct Rcpt {
    std::string address;
    std::string reply;
  };
  std::vector<Rcpt> rcpts;
  bool test_sent = false;                  // --send-test: DATA was sent
  std::optional<std::string> data_reply;   // to DATA (354 ...)
  std::optional<std::string> dot_reply;    // to the final dot
  std::string broke_off;
};

// One file of a connector folder, as read (never changed).
struct FileObservation {
  std::string name;
  std::uint64_t size = 0;
  bool readable = true;    // false: open failed (access denied)
  bool locked = false;     // another process holds a lock on it (a scanner)
  std::string read_error;  // the open's error when not readable
  std::string content;     // the bytes, when readable and not over the reading limit
  bool content_read = false;
};

struct FolderObservation {
  std::string path;
  bool exists = false;
  std::vector<FileObservation> files;  // sorted by name
};

// The connector's root (--root) and the SMTP PickUp folder (--pickup).
struct FoldersObservation {
  std::optional<FolderObservation> root;  // the root itself (exists or not)
  // The root exists but holds neither folder, and no event or log line: the connector has
  // never run a cycle on it.
  bool never_ran = false;
  // The connector's service as the Service Control Manager records it (the Services
  // console's Status column); nullopt: not looked at.
  std::optional<bool> service_started;
  // CDO step 5: each MIME component that differs from the CD's file, with why (the
  // components folder compared file by file, as a system file check does); nullopt: the
  // folder does not exist (the connector never loaded them), nothing to compare.
  std::optional<std::vector<std::string>> damaged_components;
  std::optional<FolderObservation> incoming, failed, pickup;
  std::uint64_t size_limit = 0;  // bytes a message may have (0: unknown); EHLO SIZE fills it
};

// One event, from events.jsonl or from a text block as Event Viewer prints it.
struct EventRecord {
  int id = 0;
  std::string source;
  std::string description;
  std::string where;  // "FILE:LINE" of the record, for the evidence
};

// One entry of the connector's diagnostic log (seed 004's format).
struct LogEntry {
  int line = 0;       // 1-based line of the file where the entry starts
  std::string text;   // after "[t N] DATE, TIME: ", continuation lines joined with '\n'
  // The N of "[t N]": the connector's mailbox whose download thread wrote it (each mailbox
  // downloads on its own thread; the cycle's and the SMTP session's lines are on 0).
  // -1: an entry made without a stamp.
  int thread = -1;
};

struct Observations {
  std::optional<Pop3Transcript> pop3;
  std::optional<SmtpTranscript> smtp;
  FoldersObservation folders;
  std::optional<std::vector<EventRecord>> events;
  std::string events_file;
  std::optional<std::vector<LogEntry>> log;
  std::string log_file;
  bool expect_mail = false;      // --expect-mail: an empty drop is a problem
  bool expect_exchange = false;  // --expect-exchange: any SMTP server must list Exchange's verbs
  std::vector<std::string> unchecked;  // inputs that could not be read, with why
};

}  // namespace maillab::doctor
