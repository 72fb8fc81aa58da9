#include "maillab/connector/smtp_client.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "maillab/base/codec.hpp"

namespace maillab::connector {

SmtpClient::SmtpClient(Channel& channel, DiagLog& log, int thread, SmtpStyle style)
    : channel_(channel), log_(log), thread_(thread), style_(style) {}

SmtpReply SmtpClient::read_reply() {
  SmtpReplyReader reader;
  for (;;) {
    auto line = chomp(channel_.read_line());
    log_.traffic(thread_, "SMTP", false, line);
    std::optional<SmtpReply> reply;
    try {
      reply = reader.feed(line);
    } catch (const std::runtime_error& e) {
      throw SmtpError(e.what(), {}, "SMTP_RESPONSE");
    }
    if (reply) return *reply;
  }
}

void SmtpClient::send_line(const std::string& line, std::string_view logged) {
  log_.traffic(thread_, "SMTP", true, logged.empty() ? std::string_view(line) : logged);
  channel_.write(line + "\r\n");
}

void SmtpClient::open(const std::string& domain) {
  auto greeting = read_reply();
  if (greeting.code != 220) throw SmtpError("SMTP greeting refused: " + greeting.first_line(), greeting, "SMTP_CONNECTED");
  send_line("EHLO " + domain);
  auto reply = read_reply();
  if (reply.code == 250) {
    ext_ = SmtpExtensions::from_ehlo(reply);
    return;
  }
  if (reply.code == 421) throw SmtpError("SMTP EHLO refused: " + reply.first_line(), reply, "SMTP_EHLO");
  send_line("HELO " + domain);
  reply = read_reply();
  if (reply.code != 250) throw SmtpError("SMTP HELO refused: " + reply.first_line(), reply, "SMTP_HELO");
  ext_ = {};
}

void SmtpClient::authenticate(const std::string& user, const std::string& password) {
  bool plain = std::find(ext_.auth.begin(), ext_.auth.end(), "PLAIN") != ext_.auth.end();
  bool login = std::find(ext_.auth.begin(), ext_.auth.end(), "LOGIN") != ext_.auth.end();
  SmtpReply reply;
  if (plain || !login) {
    send_line("AUTH PLAIN " + base64_encode(std::string(1, '\0') + user + std::string(1, '\0') + password),
              "AUTH PLAIN ****");
    reply = read_reply();
  } else {
    send_line("AUTH LOGIN");
    reply = read_reply();
    if (reply.code == 334) {
      send_line(base64_encode(user), "****");
      reply = read_reply();
    }
    if (reply.code == 334) {
      send_line(base64_encode(password), "****");
      reply = read_reply();
    }
  }
  if (reply.code != 235) throw SmtpError("SMTP authentication refused: " + reply.first_line(), reply, "SMTP_AUTH");
}

void SmtpClient::abandon_data(const SmtpReply& data_reply) {
  if (data_reply.code != 354) return;
  channel_.write(".\r\n");
  read_reply();
}

SmtpOutcome SmtpClient::send(const Envelope& envelope, bool eightbit, std::string_view message) {
  const char* colon = style_.seed_syntax ? ": " : ":";
  std::string mail = fmt::format("MAIL FROM{}<{}>", colon, envelope.sender);
  if (ext_.size && style_.size_param) mail += fmt::format(" SIZE={}", message.size());
  if (ext_.eightbit && eightbit) mail += " BODY=8BITMIME";
  if (ext_.dsn) mail += " RET=FULL";
  std::vector<std::string> rcpts;
  for (const auto& r : envelope.recipients)
    rcpts.push_back(fmt::format("RCPT TO{}<{}>{}", colon, r, ext_.dsn ? " NOTIFY=FAILURE" : ""));

  // The commands, pipelined when offered; otherwise one by one, stopping where the
  // transaction has failed. Either way the replies are judged below.
  SmtpReply mail_reply, data_reply;
  std::vector<SmtpReply> rcpt_replies;
  if (style_.pipelining && ext_.pipelining) {
    std::string batch = mail + "\r\n";
    log_.traffic(thread_, "SMTP", true, mail);
    for (auto& r : rcpts) {
      log_.traffic(thread_, "SMTP", true, r);
      batch += r + "\r\n";
    }
    log_.traffic(thread_, "SMTP", true, "DATA");
    batch += "DATA\r\n";
    channel_.write(batch);
    mail_reply = read_reply();
    for (std::size_t i = 0; i < rcpts.size(); ++i) rcpt_replies.push_back(read_reply());
    data_reply = read_reply();
  } else {
    send_line(mail);
    mail_reply = read_reply();
    if (mail_reply.code == 250) {
      for (auto& r : rcpts) {
        send_line(r);
        rcpt_replies.push_back(read_reply());
      }
      if (std::any_of(rcpt_replies.begin(), rcpt_replies.end(), [](auto& r) { return r.code / 100 == 2; })) {
        send_line("DATA");
        data_reply = read_reply();
      }
    }
  }

  SmtpOutcome out;
  if (mail_reply.code != 250) {
    out.reply = mail_reply;
    out.command = "SMTP_MAIL";
    abandon_data(data_reply);
    return out;
  }
  for (std::size_t i = 0; i < rcpt_replies.size(); ++i) {
    if (rcpt_replies[i].code / 100 == 2) out.accepted_recipients.push_back(envelope.recipients[i]);
    else out.refused_recipients.push_back(envelope.recipients[i] + ": " + rcpt_replies[i].first_line());
  }
  if (out.accepted_recipients.empty()) {
    out.reply = rcpt_replies.empty() ? mail_reply : rcpt_replies.front();
    out.command = "SMTP_RCPT";
    abandon_data(data_reply);
    return out;
  }
  if (data_reply.code != 354) {
    out.reply = data_reply;
    out.command = "SMTP_DATA";
    return out;
  }
  // Dot-stuffing at line starts, written in pieces of up to 64 KB.
  std::string chunk;
  chunk.reserve(70 * 1024);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') chunk += '.';
    chunk += c;
    line_start = c == '\n';
    if (chunk.size() >= 64 * 1024) {
      channel_.write(chunk);
      chunk.clear();
    }
  }
  if (!line_start) chunk += "\r\n";
  chunk += ".\r\n";
  log_.traffic(thread_, "SMTP", true, ".");
  channel_.write(chunk);
  out.reply = read_reply();
  out.command = "SMTP_DOT";
  out.delivered = out.reply.code == 250;
  return out;
}

void SmtpClient::reset() {
  send_line("RSET");
  read_reply();
}

void SmtpClient::quit() {
  send_line("QUIT");
  read_reply();
}

}  // namespace maillab::connector
