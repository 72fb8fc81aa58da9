#pragma once
// The one interface between a sans-I/O protocol session and the TCP shell that runs it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/net/action.hpp"
#include "maillab/net/transcript.hpp"

namespace maillab::net {

struct Peer {
  std::string address;
  std::uint16_t port = 0;
};

class ProtocolSession {
 public:
  virtual ~ProtocolSession() = default;
  // The greeting (the pseudo-command "connect").
  virtual std::vector<Action> start() = 0;
  // Bytes from the client; any split of the same bytes gives the same actions.
  virtual std::vector<Action> feed(std::string_view bytes) = 0;
  // The connection is gone (peer closed, timeout, server stop); nothing half-done stays.
  virtual void abort() = 0;
  // The TLS handshake the session asked for (Action::Kind::StartTls), or the one before
  // start() under implicit TLS, is done: the session starts afresh (RFC 2595 section 4,
  // RFC 3207 section 4.2) and stops offering TLS.
  virtual void secured() = 0;
  virtual bool finished() const = 0;
  virtual const std::shared_ptr<Transcript>& transcript() const = 0;
};

using SessionFactory = std::function<std::unique_ptr<ProtocolSession>(std::uint64_t id, const Peer& peer)>;

}  // namespace maillab::net
