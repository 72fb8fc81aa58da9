#pragma once
// What was said in one session, line by line; readable while the session runs. Bounded in
// bytes (a hostile client's long session cannot grow it without limit), and client lines
// carrying a password or a SASL response are masked unless asked otherwise.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::net {

struct TranscriptLine {
  char from;  // 'C' client, 'S' server, '*' an event (disconnect, reset, stall, delay)
  std::string text;
};

struct TranscriptOptions {
  // Text kept per session; past it one marker line says the rest was not kept. 0 keeps
  // nothing (a server not asked for transcripts spends nothing on them).
  std::size_t max_bytes = 256 * 1024;
  bool show_secrets = false;  // PASS, AUTH initial responses and SASL lines as sent
};

// A received line as a transcript shows it: control characters escaped as \xNN.
std::string printable(std::string_view line);
// True when a command line holds control characters (TAB aside) or DEL: refused by
// every protocol here.
bool has_control_chars(std::string_view line);

// Whether a client line is a SASL response (the line after "AUTH PLAIN" or "AUTH LOGIN"'s
// challenges), which is all secret.
enum class ClientLine { Command, SaslResponse };

class Transcript {
 public:
  explicit Transcript(std::uint64_t session, TranscriptOptions options = {}) : session_(session), options_(options) {}
  std::uint64_t session() const { return session_; }
  bool recording() const { return options_.max_bytes > 0; }
  void add(char from, std::string text);
  // A line from the client, escaped and masked as the options say.
  void client(std::string_view line, ClientLine kind = ClientLine::Command);
  std::vector<TranscriptLine> lines() const;
  std::size_t bytes() const;
  // "C: USER bob\nS: +OK\n..."
  std::string str() const;

 private:
  const std::uint64_t session_;
  const TranscriptOptions options_;
  mutable std::mutex mutex_;
  std::vector<TranscriptLine> lines_;
  std::size_t bytes_ = 0;
  bool full_ = false;
};

}  // namespace maillab::net
