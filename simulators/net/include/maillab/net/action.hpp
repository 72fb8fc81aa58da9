#pragma once
// What a sans-I/O protocol session asks its transport to do, in order.
#include <chrono>
#include <functional>
#include <vector>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

namespace maillab::net {

struct Action {
  enum class Kind {
    Send,   // text, then body; at most `limit` octets in all; at `bytes_per_second`
    Pause,  // wait `pause`
    Close,  // close after everything before it is sent
    Reset,  // abort with RST
    Stall,  // never answer again; keep the connection open
    Work,   // run `job` (it may touch the disk), then the actions `then` returns; nothing
            // after it is performed before it is done
    StartTls,  // after everything before it is sent: the server side TLS handshake, then
               // ProtocolSession::secured(); a failed handshake closes the connection
  };

  explicit Action(Kind k = Kind::Send, std::string t = {}, std::shared_ptr<const std::string> b = nullptr)
      : kind(k), text(std::move(t)), body(std::move(b)) {}

  Kind kind;
  std::string text;
  std::shared_ptr<const std::string> body;
  std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t bytes_per_second = 0;
  std::chrono::milliseconds pause{0};
  std::function<std::string()> job;  // Work: thread-safe (other sessions' jobs may run at once)
  std::function<std::vector<Action>(std::string)> then;  // Work: on the session's strand

  std::uint64_t size() const { return text.size() + (body ? body->size() : 0); }
};

}  // namespace maillab::net
