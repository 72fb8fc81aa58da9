#include "maillab/pop3/server.hpp"

#include "maillab/pop3/replies.hpp"

namespace maillab::pop3 {

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
ServerConfig recording_as_asked(ServerConfig c) {
  if (c.transcripts_kept == 0) c.session.transcript.max_bytes = 0;
  c.tls_context = net::tls_context_for(c.session.tls, std::move(c.tls_context), {c.session.hostname});
  return c;
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(recording_as_asked(std::move(config))),
      tcp_(tcp_config(config_),
           [this](std::uint64_t id, const net::Peer&) {
             return std::make_unique<Session>(config_.session, mailboxes_, faults_, id);
           },
           faults_) {}

Server::~Server() { stop(); }

std::uint16_t Server::start() { return tcp_.start(); }
void Server::stop() { tcp_.stop(); }
std::uint16_t Server::port() const { return tcp_.port(); }
HostPort Server::endpoint() const { return tcp_.endpoint(); }
Mailboxes& Server::mailboxes() { return mailboxes_; }
faults::FaultTable& Server::faults() { return faults_; }
std::vector<std::shared_ptr<net::Transcript>> Server::transcripts() const { return tcp_.transcripts(); }
std::size_t Server::active_sessions() const { return tcp_.active_sessions(); }
bool Server::listening() const { return tcp_.listening(); }
const net::TlsIdentity* Server::tls_identity() const {
  return config_.tls_context ? &config_.tls_context->identity() : nullptr;
}

}  // namespace maillab::pop3
