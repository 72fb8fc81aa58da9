#include "maillab/smtp/server.hpp"

#include <cstdio>

#include "maillab/smtp/replies.hpp"

namespace maillab::smtp {

namespace {

net::TcpServerConfig tcp_config(const ServerConfig& c) {
  net::TcpServerConfig t;
  t.listen = c.listen;
  t.idle_timeout = c.idle_timeout;
  t.max_sessions = c.max_sessions;
  t.threads = c.threads;
  t.busy_poll = c.busy_poll;
  t.transcripts_kept = c.transcripts_kept;
  t.transcript_bytes_kept = c.transcript_bytes_kept;
  t.too_many_sessions = std::string(reply::kTooManySessions) + "\r\n";
  t.tls = c.tls_context;
  t.implicit_tls = c.session.tls == net::TlsMode::Implicit;
  return t;
}

// A server not asked to keep transcripts has its sessions record none; one offering TLS
// has a certificate.
ServerConfig recording_as_asked(ServerConfig c, const WorldConfig& world) {
  if (c.transcripts_kept == 0) c.session.transcript.max_bytes = 0;
  c.tls_context = net::tls_context_for(c.session.tls, std::move(c.tls_context), {world.hostname});
  return c;
}

}  // namespace

Server::Server(ServerConfig config, WorldConfig world, std::filesystem::path store)
    : config_(recording_as_asked(std::move(config), world)),
      world_(std::move(world), std::move(store), faults_, config_.memory_store_bytes),
      pickup_(config_.pickup.empty() ? nullptr : std::make_unique<Pickup>(config_.pickup, world_)),
      tcp_(tcp_config(config_),
           [this](std::uint64_t id, const net::Peer& peer) {
             return std::make_unique<Session>(config_.session, world_, faults_, id, peer);
           },
           faults_) {}

Server::~Server() { stop(); }

std::uint16_t Server::start() {
  auto port = tcp_.start();
  if (pickup_ && config_.pickup_interval.count() > 0) {
    // What waits in PickUp when the service starts is taken before start() returns, so a
    // caller that waited for the listening server sees the first pass done.
    pickup_pass();
    poller_ = std::thread([this] { poll_pickup(); });
  }
  return port;
}

void Server::pickup_pass() {
  try {
    pickup_->poll();
  } catch (const std::exception& e) {
    // The service goes on: the next pass tries again.
    std::fprintf(stderr, "maillab smtpd: pickup pass failed: %s\n", e.what());
  }
}

void Server::poll_pickup() {
  std::unique_lock lock(poller_mutex_);
  while (!poller_wake_.wait_for(lock, config_.pickup_interval, [this] { return stopping_; })) {
    lock.unlock();
    pickup_pass();
    lock.lock();
  }
}

void Server::stop() {
  {
    std::lock_guard lock(poller_mutex_);
    stopping_ = true;
  }
  poller_wake_.notify_all();
  if (poller_.joinable()) poller_.join();
  tcp_.stop();
}
std::uint16_t Server::port() const { return tcp_.port(); }
HostPort Server::endpoint() const { return tcp_.endpoint(); }
std::vector<std::shared_ptr<net::Transcript>> Server::transcripts() const { return tcp_.transcripts(); }
std::size_t Server::active_sessions() const { return tcp_.active_sessions(); }
const net::TlsIdentity* Server::tls_identity() const {
  return config_.tls_context ? &config_.tls_context->identity() : nullptr;
}

}  // namespace maillab::smtp
