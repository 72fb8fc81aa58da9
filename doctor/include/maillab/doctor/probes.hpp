#pragma once
// The doctor's thin I/O shell: it talks to the servers, reads the folders and the
// artefacts, and hands back observations. Nothing is changed except by the two calls that
// say so (a test message with send_test, fix_missing_folders).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "maillab/base/endpoint.hpp"
#include "maillab/connector/channel.hpp"
#include "maillab/doctor/observations.hpp"

namespace maillab::doctor {

// Name resolution is its own seam, so the probes' "host unknown" is tested without a
// single DNS query: a test hands in a resolver that knows only what it is told.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // The numeric addresses of `host`; empty: the host is unknown.
  virtual std::vector<std::string> resolve(const std::string& host) = 0;
};
// The system's resolver (getaddrinfo). A numeric address resolves to itself without a query.
std::unique_ptr<Resolver> system_resolver();

struct ProbeOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{10000};
};

struct Pop3Probe {
  HostPort server;
  std::string user, password;
};
// banner, USER, PASS, STAT, QUIT: the KB's telnet check, nothing else (no RETR, no DELE).
Pop3Transcript probe_pop3(const Pop3Probe& probe, Resolver& resolver, connector::ChannelFactory& channels,
                          const ProbeOptions& options);

struct SmtpProbe {
  HostPort server;
  std::string helo = "doctor.maillab.invalid";
  std::string sender = "postmaster@maillab.invalid";  // MAIL FROM of the probes
  std::vector<std::string> rcpts;
  bool send_test = false;  // send one test message (the only probe that delivers)
};
// EHLO, MAIL FROM without AUTH, RCPT for each address, then RSET and QUIT; with
// send_test a small message after RCPT (DATA, the final dot).
SmtpTranscript probe_smtp(const SmtpProbe& probe, Resolver& resolver, connector::ChannelFactory& channels,
                          const ProbeOptions& options);

// Reads root/Incoming Mail, root/Failed Mail and the PickUp folder ("" for one not given).
FoldersObservation scan_folders(const std::string& root, const std::string& pickup);
// --fix: creates Incoming Mail / Failed Mail under an existing root; returns what it made.
std::vector<std::string> fix_missing_folders(const std::string& root);

// events.jsonl, or Event Viewer's text blocks (Source:/Quelle:/ソース :, Event ID:,
// Description:) in English, German or Japanese. Throws std::runtime_error naming the
// file and line of a record it cannot read.
std::vector<EventRecord> read_events(const std::string& path);
std::vector<EventRecord> parse_events(const std::string& text, const std::string& file_name);
// The connector's diagnostic log, seed 004's format. Throws naming the line it cannot read.
std::vector<LogEntry> read_log(const std::string& path);
std::vector<LogEntry> parse_log(const std::string& text, const std::string& file_name);

}  // namespace maillab::doctor
