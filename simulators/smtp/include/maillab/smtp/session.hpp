#pragma once
// One SMTP session as a state machine without I/O (RFC 5321 with SIZE, PIPELINING,
// 8BITMIME, ENHANCEDSTATUSCODES, DSN, AUTH PLAIN/LOGIN, CHUNKING/BDAT, BINARYMIME).
// Bytes in, actions out; the World decides about recipients and stores accepted mail.
// A message is stored once, only after the final dot or the last BDAT, and never half.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/faults/fault_table.hpp"
#include "maillab/net/protocol_session.hpp"
#include "maillab/net/tls.hpp"
#include "maillab/smtp/world.hpp"

namespace maillab::smtp {

using net::Action;

struct SessionConfig {
  std::size_t max_command_line = 512;  // RFC 5321 4.5.3.1.4, CRLF included
  unsigned max_errors = 10;            // protocol errors before 421 and close
  // STARTTLS (RFC 3207): offered in EHLO until TLS is on; Required refuses MAIL and AUTH
  // before it. Implicit: the connection is TLS from the start (RFC 8314).
  net::TlsMode tls = net::TlsMode::Off;
  net::TranscriptOptions transcript;
};

class Session final : public net::ProtocolSession {
 public:
  Session(const SessionConfig& config, World& world, faults::FaultTable& faults, std::uint64_t id, net::Peer peer);
  ~Session() override = default;

  std::vector<Action> start() override;
  std::vector<Action> feed(std::string_view bytes) override;
  void abort() override { closed_ = true; }
  // TLS is on: the session starts afresh, a new EHLO is needed (RFC 3207 section 4.2).
  void secured() override;
  bool tls_active() const { return tls_active_; }
  bool finished() const override { return closed_ || stalled_; }
  const std::shared_ptr<net::Transcript>& transcript() const override { return transcript_; }

 private:
  enum class Mode { Command, Data, Bdat, AuthPlain, AuthLoginUser, AuthLoginPass };
  struct Reply {
    std::string text;  // CRLF-terminated, one or more lines
    bool close = false;
    bool protocol_error = false;
    bool start_tls = false;  // STARTTLS accepted: the handshake follows the reply
  };
  static Reply line(std::string_view text, bool error = false) { return Reply{std::string(text) + "\r\n", false, error}; }

  void command(std::string_view line, std::vector<Action>& out);
  void respond(Reply reply, const faults::Verdict& verdict, std::vector<Action>& out);
  void end_of_message(std::vector<Action>& out);
  void reset_transaction();
  void take_data_line(std::string_view segment, bool complete, std::vector<Action>& out);
  void add_data(std::string_view bytes);
  void chunk_done(const faults::Verdict& verdict, std::vector<Action>& out);

  Reply dispatch(const std::string& verb, std::string_view args);
  Reply handle_HELO(std::string_view args);
  Reply handle_EHLO(std::string_view args);
  Reply handle_MAIL(std::string_view args);
  Reply handle_RCPT(std::string_view args);
  Reply handle_DATA(std::string_view args);
  Reply handle_BDAT(std::string_view args);
  Reply handle_RSET(std::string_view args);
  Reply handle_NOOP(std::string_view args);
  Reply handle_QUIT(std::string_view args);
  Reply handle_VRFY(std::string_view args);
  Reply handle_HELP(std::string_view args);
  Reply handle_AUTH(std::string_view args);
  Reply handle_ETRN(std::string_view args);
  Reply handle_STARTTLS(std::string_view args);
  // STARTTLS is offered now (the mode, TLS not yet on, no tls-not-offered fault for `verb`).
  bool offers_tls(std::string_view verb) const;
  Reply auth_step(std::string_view line);

  const SessionConfig& config_;
  World& world_;
  faults::FaultTable& faults_;
  const net::Peer peer_;
  std::shared_ptr<net::Transcript> transcript_;

  Mode mode_ = Mode::Command;
  bool closed_ = false;
  bool stalled_ = false;
  bool greeted_ = false;
  bool tls_active_ = false;
  bool upgrading_ = false;  // STARTTLS accepted: what the client sends before the handshake is dropped
  std::string user_;  // authenticated user
  bool authenticated_ = false;
  unsigned errors_ = 0;
  std::string buffer_;  // the partial command line, or the partial data line
  bool discarding_ = false;
  bool line_flushed_ = false;  // part of the current data line is already in data_

  bool have_mail_ = false;
  Envelope envelope_;
  std::string data_;
  std::uint64_t size_limit_ = 0;  // the world's, read once per message
  bool too_big_ = false;
  bool bdat_ = false;
  std::uint64_t bdat_left_ = 0;
  bool bdat_last_ = false;
  std::string bdat_refusal_;  // a refused BDAT still reads its chunk, then says this
  std::string auth_user_;     // AUTH LOGIN's user, until the password proves it
  std::uint64_t messages_ = 0;
};

}  // namespace maillab::smtp
