#pragma once
// A probe's dialog over a connector Channel: every line typed and received is recorded as
// a person at the terminal would see it; a broken connection ends it with the reason.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "maillab/connector/channel.hpp"
#include "maillab/connector/replies.hpp"
#include "maillab/doctor/observations.hpp"

namespace maillab::doctor {

class Dialog {
 public:
  Dialog(connector::Channel& channel, std::vector<DialogLine>& lines, std::string& broke_off)
      : channel_(channel), lines_(lines), broke_off_(broke_off) {}
  // Sends `line` + CRLF, recorded as `shown` (a password as ****). False once broken.
  bool send(const std::string& line, const std::string& shown);
  bool send(const std::string& line) { return send(line, line); }
  // Raw bytes recorded as one line `shown` (a test message's text).
  bool send_raw(const std::string& bytes, const std::string& shown);
  // One line; nullopt once broken.
  std::optional<std::string> line();
  // One SMTP reply, every line recorded; nullopt once broken.
  std::optional<connector::SmtpReply> smtp_reply(std::vector<std::string>* raw_lines = nullptr);
  bool broken() const { return !broke_off_.empty(); }

 private:
  connector::Channel& channel_;
  std::vector<DialogLine>& lines_;
  std::string& broke_off_;
};

// How a connect attempt failed, from the channel's error.
ConnectOutcome outcome_of(const connector::ChannelError& error);

}  // namespace maillab::doctor

namespace maillab::doctor {
struct ProbeOptions;
class Resolver;
// Resolves `to.host` through the seam, then connects to the first address; on failure
// fills `outcome` and `error` and returns null.
std::unique_ptr<connector::Channel> open_channel(const HostPort& to, Resolver& resolver,
                                                 connector::ChannelFactory& channels, const ProbeOptions& options,
                                                 ConnectOutcome& outcome, std::string& error);
}  // namespace maillab::doctor
