#pragma once
// What was said in one session, line by line; readable while the session runs.
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

// A received line as a transcript shows it: control characters escaped as \xNN.
std::string printable(std::string_view line);
// True when a command line holds control characters (TAB aside) or DEL: refused by
// every protocol here.
bool has_control_chars(std::string_view line);

class Transcript {
 public:
  explicit Transcript(std::uint64_t session) : session_(session) {}
  std::uint64_t session() const { return session_; }
  void add(char from, std::string text);
  std::vector<TranscriptLine> lines() const;
  // "C: USER bob\nS: +OK\n..."
  std::string str() const;

 private:
  const std::uint64_t session_;
  mutable std::mutex mutex_;
  std::vector<TranscriptLine> lines_;
};

}  // namespace maillab::net
