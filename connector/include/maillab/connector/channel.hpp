#pragma once
// The connector's transport seam: a line-oriented byte stream to a server. The POP3 and
// SMTP clients only see this interface, so unit tests drive them with a GoogleMock
// channel and no sockets; TcpChannel is the thin Asio implementation.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "maillab/base/endpoint.hpp"
#include "maillab/connector/channel_error.hpp"
#include "maillab/connector/deadline.hpp"
#include "maillab/connector/tls.hpp"

namespace maillab::connector {

class Resolver;

class Channel {
 public:
  virtual ~Channel() = default;
  // Sends every byte (a pipelined batch is one call); throws ChannelError.
  virtual void write(std::string_view bytes) = 0;
  // The next line with its terminator as received ("\r\n", or a bare "\n" that a corrupt
  // message may carry); valid until the next call. Throws ChannelError on timeout, close,
  // a line longer than the limit, or a passed deadline.
  virtual std::string_view read_line() = 0;
  // Message text: like read_line(), except that a line longer than the limit comes in
  // pieces (only its last piece ends with '\n'), so a message's lines have no length
  // limit; the limit stays for status and reply lines. The default serves whole lines.
  virtual std::string_view read_text() { return read_line(); }
  // After the server's yes to STLS/STARTTLS: the TLS handshake, on the settings the
  // channel was opened with (ChannelOptions::tls). Bytes that came in plain text after
  // that reply are discarded unread, never taken for the TLS session's (the injection
  // RFC 3207 section 4.2 warns of). Throws TlsError; a channel opened without TLS
  // settings refuses (TlsFailure::Handshake).
  virtual void start_tls() { throw TlsError(TlsFailure::Handshake, "this channel has no TLS"); }
  virtual void close() = 0;
};

struct ChannelOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds io_timeout{60000};
  // Reply lines longer than this are refused (a runaway peer); message text is read in
  // pieces of this size instead.
  std::size_t max_line = 1 << 20;
  // Every wait (connect included) ends by this; then ChannelError(Deadline) names it.
  Deadline deadline;
  // Implicit: the handshake before connect() returns; Upgrade: at start_tls().
  TlsSettings tls;
};

// A line without its terminator.
inline std::string_view chomp(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

class ChannelFactory {
 public:
  virtual ~ChannelFactory() = default;
  virtual std::unique_ptr<Channel> connect(const HostPort& to, const ChannelOptions& options) = 0;
};

// Bounds every channel it opens by one more deadline (the cycle's), so each wait of the
// cycle, POP3 and SMTP alike, ends by it.
class DeadlineChannelFactory final : public ChannelFactory {
 public:
  DeadlineChannelFactory(ChannelFactory& inner, const Deadline& deadline) : inner_(inner), deadline_(deadline) {}
  std::unique_ptr<Channel> connect(const HostPort& to, const ChannelOptions& options) override {
    auto bounded = options;
    bounded.deadline = earlier(options.deadline, deadline_);
    return inner_.connect(to, bounded);
  }

 private:
  ChannelFactory& inner_;
  Deadline deadline_;
};

// Asio TCP, with TLS (OpenSSL through Asio's ssl::stream) when options.tls asks for it:
// the certificate is checked against the host name given to connect(). Host names go through `resolver` (resolver.hpp): the system's by default, a
// hosts table of the caller's own where no query may leave the machine.
class TcpChannelFactory final : public ChannelFactory {
 public:
  TcpChannelFactory();
  explicit TcpChannelFactory(Resolver& resolver) : resolver_(resolver) {}
  std::unique_ptr<Channel> connect(const HostPort& to, const ChannelOptions& options) override;

 private:
  Resolver& resolver_;
};

}  // namespace maillab::connector
