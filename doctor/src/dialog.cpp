#include "dialog.hpp"

namespace maillab::doctor {

bool Dialog::send_raw(const std::string& bytes, const std::string& shown) {
  if (broken()) return false;
  try {
    channel_.write(bytes);
    lines_.push_back({true, shown});
    return true;
  } catch (const connector::ChannelError& e) {
    broke_off_ = e.what();
    return false;
  }
}

bool Dialog::send(const std::string& line, const std::string& shown) { return send_raw(line + "\r\n", shown); }

std::optional<std::string> Dialog::line() {
  if (broken()) return std::nullopt;
  try {
    std::string text(connector::chomp(channel_.read_line()));
    lines_.push_back({false, text});
    return text;
  } catch (const connector::ChannelError& e) {
    broke_off_ = e.what();
    return std::nullopt;
  }
}

std::optional<connector::SmtpReply> Dialog::smtp_reply(std::vector<std::string>* raw_lines) {
  connector::SmtpReplyReader reader;
  while (auto text = line()) {
    if (raw_lines) raw_lines->push_back(*text);
    try {
      if (auto reply = reader.feed(*text)) return reply;
    } catch (const std::exception& e) {
      broke_off_ = std::string("not an SMTP reply: ") + e.what();
      return std::nullopt;
    }
  }
  return std::nullopt;
}

ConnectOutcome outcome_of(const connector::ChannelError& error) {
  if (error.kind() == connector::ChannelError::Kind::Timeout) return ConnectOutcome::TimedOut;
  switch (error.socket_error()) {
    case 10061: return ConnectOutcome::Refused;
    case 10060: return ConnectOutcome::TimedOut;
    case 11001: return ConnectOutcome::HostUnknown;
    default: return ConnectOutcome::OtherError;
  }
}

}  // namespace maillab::doctor

#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {

std::unique_ptr<connector::Channel> open_channel(const HostPort& to, Resolver& resolver,
                                                 connector::ChannelFactory& channels, const ProbeOptions& options,
                                                 ConnectOutcome& outcome, std::string& error) {
  auto addresses = resolver.resolve(to.host);
  if (addresses.empty()) {
    outcome = ConnectOutcome::HostUnknown;
    error = "the host name " + to.host + " is not known";
    return nullptr;
  }
  connector::ChannelOptions o;
  o.connect_timeout = options.connect_timeout;
  o.io_timeout = options.io_timeout;
  o.max_line = 64 * 1024;
  try {
    return channels.connect(HostPort{addresses.front(), to.port}, o);
  } catch (const connector::ChannelError& e) {
    outcome = outcome_of(e);
    error = e.what();
    return nullptr;
  }
}

}  // namespace maillab::doctor
