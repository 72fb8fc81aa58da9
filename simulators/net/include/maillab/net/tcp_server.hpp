#pragma once
// The Asio shell every simulator runs in: accepts on loopback (or any address), runs one
// ProtocolSession per connection on its own strand, performs its Actions (gather writes
// of shared buffers, pauses, rate limits, FIN or RST, stalls), drops idle sessions, and
// follows the Listener fault layer (refuse), and upgrades a connection to TLS on the
// session's StartTls action or from the first byte (implicit TLS). start() returns once it listens and gives
// the bound port, rethrowing a bind error; stop() closes every session and joins.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maillab/base/endpoint.hpp"
#include "maillab/faults/fault_table.hpp"
#include "maillab/net/protocol_session.hpp"
#include "maillab/net/tls.hpp"

namespace maillab::net {

// How many sessions' transcripts a server keeps when asked to keep any (tests, the
// scenario runner, --transcripts).
inline constexpr std::size_t kTranscriptsWhenAsked = 1000;

struct TcpServerConfig {
  HostPort listen{"127.0.0.1", 0};
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
  std::size_t max_sessions = 4096;
  unsigned threads = 1;
  // After its last event an I/O thread keeps polling this long before it sleeps (0: it
  // sleeps at once). Trades CPU for the latency of the next reply (src/io_loop.hpp).
  std::chrono::microseconds busy_poll{0};
  // Transcripts of the most recent sessions kept for transcripts(): none unless asked,
  // and never more text than transcript_bytes_kept over all of them (oldest go first).
  std::size_t transcripts_kept = 0;
  std::size_t transcript_bytes_kept = std::size_t{16} << 20;
  std::string too_many_sessions;  // the line (CRLF included) sent to a connection over max_sessions
  // Set: a session's StartTls action is performed with it (without it the connection is
  // closed); with implicit_tls every connection starts with the handshake (RFC 8314).
  std::shared_ptr<TlsContext> tls;
  bool implicit_tls = false;
};

class TcpServer {
 public:
  TcpServer(TcpServerConfig config, SessionFactory factory, faults::FaultTable& faults);
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  std::uint16_t start();
  void stop();

  std::uint16_t port() const;
  HostPort endpoint() const;
  std::vector<std::shared_ptr<Transcript>> transcripts() const;
  std::size_t active_sessions() const;
  bool listening() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillab::net
