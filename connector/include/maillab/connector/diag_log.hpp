#pragma once
// The diagnostic log in the SBS 2003 connector's format (seed 004):
//   [t 0] 07/29/20, 15:49:30: (POP3) [TX] RETR 1
// Levels as the original's setting: None, Minimum, Medium, Maximum. Protocol traffic is
// logged at Maximum. Credentials never reach it: the clients hand over a masked line.
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/connector/clock.hpp"

namespace maillab::connector {

enum class LogLevel { None = 0, Minimum = 1, Medium = 2, Maximum = 3 };
// "None", "Minimum", "Medium", "Maximum" (case-insensitive); nullopt-like: throws.
LogLevel parse_log_level(std::string_view text);

struct SmtpReply;

class DiagLog {
 public:
  using Sink = std::function<void(std::string_view line)>;  // one line, no newline
  DiagLog(LogLevel level, const Clock& clock, Sink sink);
  // A log that drops everything (unit tests that do not look at it).
  static DiagLog& null();

  LogLevel level() const { return level_; }
  bool enabled(LogLevel at) const { return level_ != LogLevel::None && at <= level_; }
  void line(LogLevel at, int thread, std::string_view text);
  // Protocol traffic, at Maximum: "(POP3) [TX] RETR 1".
  void traffic(int thread, std::string_view protocol, bool sent, std::string_view text);
  // Seed 004's block after a failed delivery, from "Failure hrResult" to "pwszProblem:"
  // (twice, as the seed shows: the response and the "Full response details").
  void delivery_failure(int thread, std::uint32_t hr, int message_id, std::string_view command,
                        const SmtpReply& reply, int socket_error);

 private:
  std::string stamp(int thread) const;
  LogLevel level_;
  const Clock& clock_;
  Sink sink_;
  std::mutex mutex_;
};

// Writes the log to a file, appending (the connector's log file under the root).
DiagLog::Sink file_sink(const std::string& path);
// The sink for a log at `level`: the file, or none at all at None (no empty file).
DiagLog::Sink sink_for(LogLevel level, const std::string& path);

}  // namespace maillab::connector
