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

namespace maillab::connector {

class ChannelError : public std::runtime_error {
 public:
  enum class Kind { Connect, Timeout, Closed, LineTooLong };
  ChannelError(Kind kind, int socket_error, const std::string& what)
      : std::runtime_error(what), kind_(kind), socket_error_(socket_error) {}
  Kind kind() const { return kind_; }
  // The Winsock number the original's log prints as dwSocketError (10061 refused ...).
  int socket_error() const { return socket_error_; }

 private:
  Kind kind_;
  int socket_error_;
};

class Channel {
 public:
  virtual ~Channel() = default;
  // Sends every byte (a pipelined batch is one call); throws ChannelError.
  virtual void write(std::string_view bytes) = 0;
  // The next line with its terminator as received ("\r\n", or a bare "\n" that a corrupt
  // message may carry); valid until the next call. Throws ChannelError on timeout, close
  // or a line longer than the limit.
  virtual std::string_view read_line() = 0;
  virtual void close() = 0;
};

struct ChannelOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds io_timeout{60000};
  std::size_t max_line = 1 << 20;  // real mail has long lines; this only stops a runaway peer
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

// Asio TCP.
class TcpChannelFactory final : public ChannelFactory {
 public:
  std::unique_ptr<Channel> connect(const HostPort& to, const ChannelOptions& options) override;
};

}  // namespace maillab::connector
