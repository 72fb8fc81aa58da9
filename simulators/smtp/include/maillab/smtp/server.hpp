#pragma once
// maillab smtpd in process: SMTP sessions in the shared TCP shell, the World behind them,
// the faults, and where every accepted message went.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "maillab/faults/fault_table.hpp"
#include "maillab/net/tcp_server.hpp"
#include "maillab/smtp/pickup.hpp"
#include "maillab/smtp/session.hpp"
#include "maillab/smtp/world.hpp"

namespace maillab::smtp {

struct ServerConfig {
  HostPort listen{"127.0.0.1", 25};
  SessionConfig session;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};  // RFC 5321 4.5.3.2.7
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
  std::filesystem::path pickup;  // the PickUp directory; empty: no pickup service
  // How often the pickup service looks; 0: only when pickup()->poll() is called (tests,
  // the scenario runner).
  std::chrono::milliseconds pickup_interval{0};
  // A server whose store path is empty keeps delivered mail in memory, the oldest texts
  // dropped past this many bytes (placements are kept).
  std::uint64_t memory_store_bytes = std::uint64_t{256} << 20;
};

class Server {
 public:
  // `store` empty: delivered mail is kept in memory (ServerConfig::memory_store_bytes).
  Server(ServerConfig config, WorldConfig world, std::filesystem::path store);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens, and with a pickup interval takes one pickup pass, before it returns.
  std::uint16_t start();
  void stop();

  std::uint16_t port() const;
  HostPort endpoint() const;
  World& world() { return world_; }
  faults::FaultTable& faults() { return faults_; }
  std::vector<Placement> placements() const { return world_.placements(); }
  std::vector<std::shared_ptr<net::Transcript>> transcripts() const;
  std::size_t active_sessions() const;
  // The certificate, key and CA the server shows; nullptr without TLS.
  const net::TlsIdentity* tls_identity() const;
  Pickup* pickup() { return pickup_.get(); }

 private:
  void poll_pickup();
  void pickup_pass();

  ServerConfig config_;
  faults::FaultTable faults_;
  World world_;
  std::unique_ptr<Pickup> pickup_;
  std::thread poller_;
  std::mutex poller_mutex_;
  std::condition_variable poller_wake_;
  bool stopping_ = false;
  net::TcpServer tcp_;
};

}  // namespace maillab::smtp
