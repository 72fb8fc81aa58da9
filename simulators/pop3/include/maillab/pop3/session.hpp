#pragma once
// One POP3 session as a state machine without I/O: bytes in, actions out (RFC 1939,
// RFC 2449 CAPA and response codes, RFC 5034 AUTH PLAIN/LOGIN). The server's Asio code
// only performs the actions. Faults act here, on the reply about to be sent, through
// the FaultTable (reply layer), and on the maildrop as it is locked (content and
// maildrop layers). What touches the disk (the maildrop scan at logon, reading messages
// for Content faults or past the wire cache, the deletions at UPDATE) leaves as a Work
// action; input that arrives meanwhile waits until its result is in.
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/faults/fault_table.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/net/protocol_session.hpp"
#include "maillab/net/tls.hpp"

namespace maillab::pop3 {

struct SessionConfig {
  std::string banner;          // empty: reply::kBanner
  std::string hostname = "mail-host.fabrikam.com";  // for the APOP timestamp
  bool apop = false;           // APOP, and the banner's <timestamp>
  std::string apop_nonce = "maillab";  // makes the timestamp unique per server run
  bool user_pass = true;       // USER/PASS
  std::size_t max_line = 512;  // octets, CRLF included (RFC 2449 asks clients for 255)
  unsigned max_errors = 10;    // protocol errors before the session is closed
  // STLS (RFC 2595): offered in CAPA until TLS is on; Required refuses USER, PASS, APOP
  // and AUTH before it. Implicit: the connection is TLS from the start (RFC 8314).
  net::TlsMode tls = net::TlsMode::Off;
  net::TranscriptOptions transcript;
};

using net::Action;

enum class State { Authorization, Transaction, Update, Closed };

class Session final : public net::ProtocolSession {
 public:
  Session(const SessionConfig& config, Mailboxes& mailboxes, faults::FaultTable& faults, std::uint64_t id,
          std::shared_ptr<net::Transcript> transcript = nullptr);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The greeting (the pseudo-command "connect").
  std::vector<Action> start() override;
  // Bytes from the client; any split of the same bytes gives the same actions.
  std::vector<Action> feed(std::string_view bytes) override;
  // The connection is gone (peer closed, timeout, server stop): no UPDATE, lock released.
  void abort() override;
  // TLS is on (after STLS, or before start() under implicit TLS): AUTHORIZATION afresh.
  void secured() override;
  bool tls_active() const { return tls_active_; }

  State state() const { return state_; }
  bool finished() const override { return state_ == State::Closed || stalled_; }
  std::uint64_t id() const { return id_; }
  const std::string& user() const { return user_; }
  const std::shared_ptr<net::Transcript>& transcript() const override { return transcript_; }

 private:
  struct Reply;
  // Runs off the session's strand (it may touch the disk, never the session) and returns
  // what finishes the command on the strand.
  using Work = std::function<std::function<Reply()>()>;
  struct Reply {
    explicit Reply(std::string s = {}, std::shared_ptr<const std::string> b = nullptr, bool c = false,
                   bool error = false)
        : status(std::move(s)), body(std::move(b)), close(c), protocol_error(error) {}
    std::string status;
    std::shared_ptr<const std::string> body;  // multi-line replies, already stuffed and terminated
    bool close = false;
    bool protocol_error = false;  // counts towards max_errors
    bool start_tls = false;       // STLS accepted: the handshake follows the reply
    Work work;                    // set: the reply is what the work's continuation returns
  };
  struct Message {
    StoredMessage stored;
    std::shared_ptr<const std::string> corrupted;  // the wire form a Content fault made
    std::uint64_t size = 0;                        // of what this session serves
    bool deleted = false;
    // Without touching the disk: nullptr when the wire form must be read first.
    std::shared_ptr<const std::string> wire() const { return corrupted ? corrupted : stored.cached(); }
  };

  void line(std::string_view line, std::vector<Action>& out);
  Reply dispatch(const std::string& verb, std::string_view args);
  void emit(Reply reply, const faults::Verdict& verdict, std::vector<Action>& out);
  void defer(Work work, const faults::Verdict& verdict, std::vector<Action>& out);
  void error_limit(std::vector<Action>& out);

  Reply handle_USER(std::string_view args);
  Reply handle_PASS(std::string_view args);
  Reply handle_APOP(std::string_view args);
  Reply handle_AUTH(std::string_view args);
  Reply handle_STAT(std::string_view args);
  Reply handle_LIST(std::string_view args);
  Reply handle_RETR(std::string_view args);
  Reply handle_TOP(std::string_view args);
  Reply handle_DELE(std::string_view args);
  Reply handle_NOOP(std::string_view args);
  Reply handle_RSET(std::string_view args);
  Reply handle_UIDL(std::string_view args);
  Reply handle_CAPA(std::string_view args);
  Reply handle_QUIT(std::string_view args);
  Reply handle_STLS(std::string_view args);
  // Required TLS not yet on and `verb` logs on: the refusal.
  bool refused_before_tls(std::string_view verb) const;
  // STLS is offered now (the mode, TLS not yet on, no tls-not-offered fault for `verb`).
  bool offers_tls(std::string_view verb) const;
  // RETR and TOP: the message's wire form, or -ERR [SYS/TEMP] when it cannot be read.
  Reply serve(const Message& m, std::optional<std::uint64_t> top_lines);
  static Reply serve_wire(std::shared_ptr<const std::string> wire, std::uint64_t size,
                          std::optional<std::uint64_t> top_lines);
  Reply sasl_step(std::string_view line);

  Reply log_on(const std::string& user, std::string_view password, bool apop_digest);
  // Off the strand: the session's view of the maildrop, Content faults applied.
  static std::vector<Message> read_messages(std::vector<StoredMessage> stored, faults::FaultTable& faults,
                                            const std::string& user);
  // On the strand, with what the logon work read (nothing: unreadable): TRANSACTION, or
  // the lock given back.
  Reply logged_on(const std::string& user, std::optional<std::vector<Message>> messages);
  // The message a number argument names; nullptr and `error` set when there is none.
  Message* message_arg(std::string_view arg, Reply& error);
  std::uint64_t drop_size() const;
  std::size_t drop_count() const;

  const SessionConfig& config_;
  Mailboxes& mailboxes_;
  faults::FaultTable& faults_;
  const std::uint64_t id_;
  std::shared_ptr<net::Transcript> transcript_;

  State state_ = State::Authorization;
  bool stalled_ = false;
  bool tls_active_ = false;
  bool upgrading_ = false;  // STLS accepted: what the client sends before the handshake is dropped
  std::string buffer_;
  bool waiting_ = false;  // for a Work action's result
  std::string pending_;   // input that came meanwhile
  bool discarding_ = false;  // inside an overlong line
  unsigned errors_ = 0;
  std::string timestamp_;    // APOP
  std::string user_;         // from USER, AUTH or APOP
  bool have_user_ = false;
  enum class Sasl { None, PlainResponse, LoginUser, LoginPass } sasl_ = Sasl::None;
  std::shared_ptr<Maildrop> maildrop_;
  std::vector<Message> messages_;
};

}  // namespace maillab::pop3
