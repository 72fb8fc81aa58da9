#include "maillab/connector/diag_log.hpp"

#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "maillab/base/ascii.hpp"
#include "maillab/connector/hr_result.hpp"
#include "maillab/connector/replies.hpp"

namespace maillab::connector {

LogLevel parse_log_level(std::string_view text) {
  auto t = ascii::lower(text);
  if (t == "none") return LogLevel::None;
  if (t == "minimum") return LogLevel::Minimum;
  if (t == "medium") return LogLevel::Medium;
  if (t == "maximum") return LogLevel::Maximum;
  throw std::invalid_argument("logging level must be None, Minimum, Medium or Maximum, not '" +
                              std::string(text) + "'");
}

DiagLog::DiagLog(LogLevel level, const Clock& clock, Sink sink)
    : level_(level), clock_(clock), sink_(std::move(sink)) {}

DiagLog& DiagLog::null() {
  static SystemClock clock;
  static DiagLog log(LogLevel::None, clock, [](std::string_view) {});
  return log;
}

std::string DiagLog::stamp(int thread) const {
  auto t = std::chrono::system_clock::to_time_t(clock_.now());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%m/%d/%y, %H:%M:%S", &tm);
  return fmt::format("[t {}] {}: ", thread, buf);
}

void DiagLog::line(LogLevel at, int thread, std::string_view text) {
  if (!enabled(at)) return;
  auto out = stamp(thread);
  out += text;
  std::lock_guard lock(mutex_);
  sink_(out);
}

void DiagLog::traffic(int thread, std::string_view protocol, bool sent, std::string_view text) {
  if (!enabled(LogLevel::Maximum)) return;
  // Seed 004 prints the end of DATA as "(SMTP) [TX]" with the dot on the next line.
  auto body = text == "." ? std::string("\n.") : " " + std::string(text);
  line(LogLevel::Maximum, thread, fmt::format("({}) [{}]{}", protocol, sent ? "TX" : "RX", body));
}

void DiagLog::delivery_failure(int thread, std::uint32_t hr, int message_id, std::string_view command,
                               const SmtpReply& reply, int socket_error) {
  if (!enabled(LogLevel::Maximum)) return;
  auto hex = hr_hex(hr);
  line(LogLevel::Maximum, thread, fmt::format("Failure hrResult ({}) trying to deliver message id {}:", hex, message_id));
  auto block = [&] {
    line(LogLevel::Maximum, thread, "SMTPRESPONSE: * * * !Failed! * * *");
    line(LogLevel::Maximum, thread, "* * * * * *");
    line(LogLevel::Maximum, thread, fmt::format("* * * {} * * *", hex));
    line(LogLevel::Maximum, thread, fmt::format("Command: [{}]", command));
    line(LogLevel::Maximum, thread, "Completed: Yes.");
    line(LogLevel::Maximum, thread, "IxpResult:");
    // The seed's arrows, as printed there.
    line(LogLevel::Maximum, thread, fmt::format("\u2014> \u2014> \u2014> hrResult: {}", hex));
    line(LogLevel::Maximum, thread, fmt::format("pszResponse: {}", reply.first_line()));
    line(LogLevel::Maximum, thread, fmt::format("uiServerError: {}", reply.code));
    line(LogLevel::Maximum, thread, fmt::format("dwSocketError: {}", socket_error));
    line(LogLevel::Maximum, thread, "pwszProblem:");
  };
  block();
  line(LogLevel::Maximum, thread, fmt::format("Unfamiliar error delivering mail: {}", reply.code));
  line(LogLevel::Maximum, thread, "Full response details:");
  block();
}

DiagLog::Sink file_sink(const std::string& path) {
  auto out = std::make_shared<std::ofstream>(path, std::ios::app | std::ios::binary);
  if (!*out) throw std::runtime_error("cannot open the diagnostic log " + path);
  return [out](std::string_view line) {
    out->write(line.data(), static_cast<std::streamsize>(line.size()));
    out->put('\n');
    out->flush();
  };
}

DiagLog::Sink sink_for(LogLevel level, const std::string& path) {
  if (level == LogLevel::None) return [](std::string_view) {};
  return file_sink(path);
}

}  // namespace maillab::connector
