#pragma once
// maillab pop3d in process: POP3 sessions in the shared TCP shell. start() returns once
// the server listens (rethrowing a bind error) and gives the bound port; stop() closes
// every session and joins the I/O threads. Mailboxes, faults and transcripts can be read
// and changed while it runs.
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "maillab/base/endpoint.hpp"
#include "maillab/faults/fault_table.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/pop3/session.hpp"
#include "maillab/net/tcp_server.hpp"

namespace maillab::pop3 {

struct ServerConfig {
  HostPort listen{"127.0.0.1", 1110};
  SessionConfig session;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};  // RFC 1939's minimum
  std::size_t max_sessions = 4096;
  unsigned threads = 1;
  std::chrono::microseconds busy_poll{0};  // net::TcpServerConfig::busy_poll
  // Transcripts of the last sessions kept for transcripts(); none unless asked.
  std::size_t transcripts_kept = 0;
  std::size_t transcript_bytes_kept = std::size_t{16} << 20;  // over all kept sessions
  // The certificate shown when session.tls is not Off; none given: one is made at
  // construction for localhost, 127.0.0.1 and the server's host name (tls_identity()
  // holds its CA).
  std::shared_ptr<net::TlsContext> tls_context;
};

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t start();
  void stop();

  std::uint16_t port() const;
  HostPort endpoint() const;
  Mailboxes& mailboxes();
  faults::FaultTable& faults();
  // The most recent sessions' transcripts, oldest first (live ones included).
  std::vector<std::shared_ptr<net::Transcript>> transcripts() const;
  std::size_t active_sessions() const;
  // The certificate, key and CA the server shows; nullptr without TLS.
  const net::TlsIdentity* tls_identity() const;
  bool listening() const;

 private:
  // Declaration order matters: the TCP shell goes first, before what its sessions use.
  ServerConfig config_;
  Mailboxes mailboxes_;
  faults::FaultTable faults_;
  net::TcpServer tcp_;
};

}  // namespace maillab::pop3
