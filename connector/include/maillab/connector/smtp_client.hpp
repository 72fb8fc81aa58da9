#pragma once
// The connector's SMTP client: EHLO with HELO fallback, AUTH PLAIN/LOGIN, PIPELINING,
// SIZE, 8BITMIME and DSN (RFC 3461) as seed 004's log shows them:
//   MAIL FROM: <> RET=FULL / RCPT TO: <bla@test.de> NOTIFY=FAILURE / DATA / .
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/connector/channel.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/message_file.hpp"
#include "maillab/connector/replies.hpp"

namespace maillab::connector {

// The session cannot go on (greeting refused, connection lost mid-command ...).
class SmtpError : public std::runtime_error {
 public:
  SmtpError(const std::string& what, SmtpReply reply, std::string command)
      : std::runtime_error(what), reply_(std::move(reply)), command_(std::move(command)) {}
  const SmtpReply& reply() const { return reply_; }
  const std::string& command() const { return command_; }

 private:
  SmtpReply reply_;
  std::string command_;
};

struct SmtpStyle {
  bool pipelining = true;   // use PIPELINING when offered
  bool seed_syntax = false;  // "MAIL FROM: <>" with the space, as the 2003 connector sent it
  bool size_param = true;   // SIZE= when offered
};

// How one message fared.
struct SmtpOutcome {
  bool delivered = false;
  SmtpReply reply;          // the reply that decided it
  std::string command;      // SMTP_MAIL, SMTP_RCPT, SMTP_DATA or SMTP_DOT
  std::vector<std::string> refused_recipients;  // each "address: reply"
  std::vector<std::string> accepted_recipients;
};

class SmtpClient {
 public:
  SmtpClient(Channel& channel, DiagLog& log, int thread, SmtpStyle style);

  // Greeting and EHLO (HELO after a 5xx to EHLO); throws SmtpError.
  void open(const std::string& domain);
  // After open(): STARTTLS, the handshake (Channel::start_tls) and EHLO again. Throws
  // TlsError when EHLO did not list STARTTLS or the server refuses it (454 ...).
  void start_tls(const std::string& domain);
  // AUTH PLAIN, or LOGIN when PLAIN is not offered; throws SmtpError on refusal.
  void authenticate(const std::string& user, const std::string& password);
  // One transaction for `message` (CRLF text, no envelope); dot-stuffing happens here,
  // written out in pieces of up to 64 KB. `accepted` runs the moment the 250 to the final
  // dot is read (the caller records the delivery there: RFC 1047's window); it must not throw.
  SmtpOutcome send(const Envelope& envelope, bool eightbit, std::string_view message,
                   const std::function<void()>& accepted = {});
  void reset();  // RSET
  void quit();

  const SmtpExtensions& extensions() const { return ext_; }
  // Whether the last send() began writing the message's text (after which a broken
  // session may have left it accepted).
  bool sent_body() const { return sent_body_; }

 private:
  struct Commands {
    std::string mail;
    std::vector<std::string> rcpts;
  };
  struct Replies {
    SmtpReply mail;
    std::vector<SmtpReply> rcpts;
    SmtpReply data;  // code 0: DATA was not sent
  };
  Commands commands(const Envelope& envelope, bool eightbit, std::size_t size) const;
  Replies exchange_pipelined(const Commands& c);
  Replies exchange_sequential(const Commands& c);
  SmtpOutcome judge(const Envelope& envelope, const Replies& r);
  void write_body(std::string_view message);
  SmtpReply read_reply(const std::function<void()>& accepted = {});
  // After a pipelined DATA the server may have said 354 although the transaction failed:
  // end that empty message.
  void abandon_data(const SmtpReply& data_reply);
  void send_line(const std::string& line, std::string_view logged = {});

  Channel& channel_;
  DiagLog& log_;
  int thread_;
  SmtpStyle style_;
  SmtpExtensions ext_;
  bool sent_body_ = false;
};

}  // namespace maillab::connector
