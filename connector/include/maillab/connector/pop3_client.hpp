#pragma once
// The connector's POP3 client (RFC 1939, CAPA from RFC 2449, AUTH PLAIN from RFC 5034)
// over a Channel. Every exchange goes to the diagnostic log as seed 004 shows it, with
// credentials masked.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/connector/channel.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/replies.hpp"

namespace maillab::connector {

enum class Pop3Auth { UserPass, Apop, Plain };
Pop3Auth parse_pop3_auth(std::string_view text);  // "user" | "apop" | "plain"

class Pop3Error : public std::runtime_error {
 public:
  enum class Kind { Greeting, Logon, Protocol };
  Pop3Error(Kind kind, std::string reply, std::uint32_t hr)
      : std::runtime_error(reply), kind_(kind), reply_(std::move(reply)), hr_(hr) {}
  Kind kind() const { return kind_; }
  const std::string& reply() const { return reply_; }
  std::uint32_t hr() const { return hr_; }

 private:
  Kind kind_;
  std::string reply_;
  std::uint32_t hr_;
};

struct Pop3Entry {
  int number = 0;
  std::uint64_t size = 0;
  std::string uid;  // "" when the server has no UIDL
};

// Receives a message as it streams in; lines keep their terminators, byte-stuffing removed.
// A line longer than the channel's limit comes in pieces: only a line's last piece ends
// with '\n', so a piece that does not is continued by the next.
class Pop3MessageSink {
 public:
  virtual ~Pop3MessageSink() = default;
  virtual void begin(const Pop3Entry& entry) = 0;
  virtual void line(std::string_view bytes) = 0;
  virtual void end(const Pop3Entry& entry) = 0;
  // The server answered -ERR to this RETR; the session goes on.
  virtual void refused(const Pop3Entry& entry, const Pop3Status& status) = 0;
};

class Pop3Client {
 public:
  Pop3Client(Channel& channel, DiagLog& log, int thread);

  // Reads the greeting; throws Pop3Error(Greeting) unless it is +OK.
  void greet();
  // CAPA; a server without it (-ERR) is fine.
  void capabilities();
  // STLS and the handshake (Channel::start_tls), then CAPA again. Throws TlsError when
  // CAPA did not list STLS or the server refuses it.
  void start_tls();
  void login(const std::string& user, const std::string& password, Pop3Auth auth);
  // UIDL (when the server has it) and LIST, merged by message number.
  std::vector<Pop3Entry> listing();
  // RETR each entry, pipelined when the server offers PIPELINING and `pipeline` is set.
  // `total` is the drop's message count, for "Downloading message n of total." lines.
  void retrieve(const std::vector<Pop3Entry>& entries, std::size_t total, Pop3MessageSink& sink, bool pipeline);
  // DELE each number (pipelined likewise); throws Pop3Error on a -ERR.
  void dele(const std::vector<int>& numbers, bool pipeline);
  // QUIT: the server's UPDATE state commits the deletions. Throws when it answers -ERR.
  void quit();

  bool offers_pipelining() const { return pipelining_; }
  bool offers_uidl() const { return uidl_; }
  bool offers_stls() const { return stls_; }

 private:
  Pop3Status command(std::string_view line, std::string_view logged = {});
  Pop3Status read_status();
  void receive_one(const Pop3Entry& e, Pop3MessageSink& sink);
  void send(std::string_view line, std::string_view logged = {});

  Channel& channel_;
  DiagLog& log_;
  int thread_;
  std::string timestamp_;  // APOP's <...> from the greeting
  bool pipelining_ = false, uidl_ = true, sasl_plain_ = false, stls_ = false;
};

}  // namespace maillab::connector
