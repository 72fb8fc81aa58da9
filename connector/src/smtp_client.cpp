#include "maillab/connector/smtp_client.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "maillab/base/codec.hpp"

namespace maillab::connector {

SmtpClient::SmtpClient(Channel& channel, DiagLog& log, int thread, SmtpStyle style)
    : channel_(channel), log_(log), thread_(thread), style_(style) {}

// `accepted` runs as soon as a 250 is read, before anything else (even the log line):
// after a 250 to the final dot the message is the server's, and until the caller records
// that, a crash sends it again (RFC 1047's window), so nothing may come in between.
SmtpReply SmtpClient::read_reply(const std::function<void()>& accepted) {
  SmtpReplyReader reader;
  for (;;) {
    auto line = chomp(channel_.read_line());
    std::optional<SmtpReply> reply;
    try {
      reply = reader.feed(line);
    } catch (const std::runtime_error& e) {
      log_.traffic(thread_, "SMTP", false, line);
      throw SmtpError(e.what(), {}, "SMTP_RESPONSE");
    }
    if (reply && reply->code == 250 && accepted) accepted();
    log_.traffic(thread_, "SMTP", false, line);
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

// RFC 3207: STARTTLS only when EHLO lists it (else a downgrade, refused), then EHLO
// again, forgetting what the plain-text EHLO said (section 4.2).
void SmtpClient::start_tls(const std::string& domain) {
  if (!ext_.starttls) throw TlsError(TlsFailure::NotOffered, "EHLO does not list STARTTLS");
  send_line("STARTTLS");
  auto reply = read_reply();
  if (reply.code != 220) throw TlsError(TlsFailure::Refused, reply.first_line());
  channel_.start_tls();
  log_.line(LogLevel::Maximum, thread_, "(SMTP) TLS is on.");
  send_line("EHLO " + domain);
  reply = read_reply();
  if (reply.code != 250) throw SmtpError("SMTP EHLO refused after STARTTLS: " + reply.first_line(), reply, "SMTP_EHLO");
  ext_ = SmtpExtensions::from_ehlo(reply);
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

// The envelope's commands as this client's style writes them.
SmtpClient::Commands SmtpClient::commands(const Envelope& envelope, bool eightbit, std::size_t size) const {
  const char* colon = style_.seed_syntax ? ": " : ":";
  Commands c;
  c.mail = fmt::format("MAIL FROM{}<{}>", colon, envelope.sender);
  if (ext_.size && style_.size_param) c.mail += fmt::format(" SIZE={}", size);
  if (ext_.eightbit && eightbit) c.mail += " BODY=8BITMIME";
  if (ext_.dsn) c.mail += " RET=FULL";
  for (const auto& r : envelope.recipients)
    c.rcpts.push_back(fmt::format("RCPT TO{}<{}>{}", colon, r, ext_.dsn ? " NOTIFY=FAILURE" : ""));
  return c;
}

// MAIL, RCPTs and DATA in one write; every reply is read, the transaction judged after.
SmtpClient::Replies SmtpClient::exchange_pipelined(const Commands& c) {
  std::string batch = c.mail + "\r\n";
  log_.traffic(thread_, "SMTP", true, c.mail);
  for (auto& r : c.rcpts) {
    log_.traffic(thread_, "SMTP", true, r);
    batch += r + "\r\n";
  }
  log_.traffic(thread_, "SMTP", true, "DATA");
  batch += "DATA\r\n";
  channel_.write(batch);
  Replies out;
  out.mail = read_reply();
  for (std::size_t i = 0; i < c.rcpts.size(); ++i) out.rcpts.push_back(read_reply());
  out.data = read_reply();
  return out;
}

// One command at a time, stopping where the transaction has failed.
SmtpClient::Replies SmtpClient::exchange_sequential(const Commands& c) {
  Replies out;
  send_line(c.mail);
  out.mail = read_reply();
  if (out.mail.code != 250) return out;
  for (auto& r : c.rcpts) {
    send_line(r);
    out.rcpts.push_back(read_reply());
  }
  if (std::any_of(out.rcpts.begin(), out.rcpts.end(), [](auto& r) { return r.code / 100 == 2; })) {
    send_line("DATA");
    out.data = read_reply();
  }
  return out;
}

// The envelope's verdict; `out.command` empty when the message may be sent.
SmtpOutcome SmtpClient::judge(const Envelope& envelope, const Replies& r) {
  SmtpOutcome out;
  if (r.mail.code != 250) {
    out.reply = r.mail;
    out.command = "SMTP_MAIL";
    abandon_data(r.data);
    return out;
  }
  for (std::size_t i = 0; i < r.rcpts.size(); ++i) {
    if (r.rcpts[i].code / 100 == 2) out.accepted_recipients.push_back(envelope.recipients[i]);
    else out.refused_recipients.push_back(envelope.recipients[i] + ": " + r.rcpts[i].first_line());
  }
  if (out.accepted_recipients.empty()) {
    out.reply = r.rcpts.empty() ? r.mail : r.rcpts.front();
    out.command = "SMTP_RCPT";
    abandon_data(r.data);
  } else if (r.data.code != 354) {
    out.reply = r.data;
    out.command = "SMTP_DATA";
  }
  return out;
}

// Dot-stuffing at line starts, written in pieces of up to 64 KB, then the final dot.
void SmtpClient::write_body(std::string_view message) {
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
}

SmtpOutcome SmtpClient::send(const Envelope& envelope, bool eightbit, std::string_view message,
                             const std::function<void()>& accepted) {
  sent_body_ = false;
  auto c = commands(envelope, eightbit, message.size());
  auto replies = style_.pipelining && ext_.pipelining ? exchange_pipelined(c) : exchange_sequential(c);
  auto out = judge(envelope, replies);
  if (!out.command.empty()) return out;
  sent_body_ = true;
  write_body(message);
  out.reply = read_reply(accepted);
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
