#pragma once
// Why a connection to a server failed or broke (a header of its own: tls.hpp's TlsError
// is one, and channel.hpp's options hold TLS settings).
#include <stdexcept>
#include <string>

namespace maillab::connector {

class ChannelError : public std::runtime_error {
 public:
  enum class Kind { Connect, Timeout, Closed, LineTooLong, Deadline, Tls };
  ChannelError(Kind kind, int socket_error, const std::string& what)
      : std::runtime_error(what), kind_(kind), socket_error_(socket_error) {}
  Kind kind() const { return kind_; }
  // The Winsock number the original's log prints as dwSocketError (10061 refused ...).
  int socket_error() const { return socket_error_; }

 private:
  Kind kind_;
  int socket_error_;
};

}  // namespace maillab::connector
