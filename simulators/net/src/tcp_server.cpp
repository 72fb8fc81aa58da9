#include "maillab/net/tcp_server.hpp"

#include "io_loop.hpp"

#include <array>
#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <atomic>
#include <future>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <list>
#include <mutex>
#include <system_error>
#include <thread>


namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

namespace maillab::net {

class Connection;

struct TcpServer::Impl {
  Impl(TcpServerConfig c, SessionFactory f, faults::FaultTable& t)
      : config(std::move(c)), factory(std::move(f)), faults(t) {}

  void accept();
  void update_listener();
  void open_acceptor();
  void keep(const std::shared_ptr<Transcript>& transcript);
  void forget(std::list<std::weak_ptr<Connection>>::iterator it);

  TcpServerConfig config;
  SessionFactory factory;
  faults::FaultTable& faults;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  asio::strand<asio::io_context::executor_type> listener{asio::make_strand(io)};  // acceptor and placeholder
  tcp::acceptor acceptor{listener};
  tcp::socket placeholder{listener};  // bound, not listening: how "refuse" refuses
  tcp::acceptor dropper{listener};    // "blackhole": listening, its queue full (filler)
  tcp::socket filler{listener};
  enum class Port { Open, Refusing, Dropping } port = Port::Open;
  std::atomic<bool> is_listening{false};
  tcp::endpoint bound;
  tcp::endpoint peer;  // of the connection being accepted
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> next_session{1};
  std::atomic<std::size_t> active{0};
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;  // connections, transcripts
  std::list<std::weak_ptr<Connection>> connections;
  std::deque<std::shared_ptr<Transcript>> transcripts;
  // Last, so it goes first: no change of the table reaches a half-destroyed server.
  faults::FaultTable::Subscription listener_follows_faults;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(TcpServer::Impl& server, tcp::socket socket, const tcp::endpoint& peer, bool reject)
      : server_(server),
        socket_(std::move(socket)),
        idle_(socket_.get_executor()),
        pause_(socket_.get_executor()),
        session_(server.factory(server.next_session++, Peer{peer.address().to_string(), peer.port()})),
        reject_(reject) {
    ++server_.active;
  }
  ~Connection() {
    session_->abort();
    --server_.active;
    std::lock_guard lock(server_.mutex);
    server_.connections.erase(registration_);
  }

  void start(std::list<std::weak_ptr<Connection>>::iterator registration) {
    registration_ = registration;
    if (server_.config.implicit_tls) return handshake(true);
    greet();
  }

  const std::shared_ptr<Transcript>& transcript() const { return session_->transcript(); }

  // From any thread.
  void shutdown() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(false, false); });
  }

 private:
  void greet() {
    if (reject_) {
      queue_.emplace_back(Action::Kind::Send, server_.config.too_many_sessions);
      queue_.emplace_back(Action::Kind::Close);
    } else {
      for (auto& a : session_->start()) queue_.push_back(std::move(a));
    }
    pump();
  }

  // The server side of the TLS handshake, as the TLS faults say; `then_greet`: implicit
  // TLS, the greeting follows. Input the session had not consumed is gone with the
  // plain-text stream (RFC 3207 4.2).
  void handshake(bool then_greet) {
    if (!server_.config.tls) {
      session_->transcript()->add('*', "TLS asked for, but the server has no TLS context");
      return close(false, false);
    }
    auto plan = server_.faults.on_tls({"handshake", 0, {}}, faults::TlsStage::Handshake);
    if (plan.handshake == faults::TlsPlan::Handshake::Reset) {
      session_->transcript()->add('*', "reset at the TLS handshake");
      return close(true, false);
    }
    arm_idle();  // a client that never finishes the handshake meets the idle timeout
    if (plan.handshake == faults::TlsPlan::Handshake::Stall) {
      session_->transcript()->add('*', "stalled at the TLS handshake");
      stalled_ = true;
      return read();  // what the client sends is read and ignored
    }
    tls_context_ = server_.config.tls->context_for(plan);
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, *tls_context_);
    tls_->async_handshake(ssl::stream_base::server, [self = shared_from_this(), then_greet](boost::system::error_code ec) {
      self->handshaken(ec, then_greet);
    });
  }

  void handshaken(boost::system::error_code ec, bool then_greet) {
    if (closed_) return;
    if (ec) {
      session_->transcript()->add('*', "TLS handshake failed: " + ec.message());
      return close(false, false);
    }
    auto* native = tls_->native_handle();
    session_->transcript()->add('*', std::string("TLS handshake done: ") + SSL_get_version(native) + " " +
                                         SSL_get_cipher_name(native));
    secured_ = true;
    session_->secured();
    if (then_greet) return greet();
    pump();
  }

  template <class Buffers, class Handler>
  void write_async(const Buffers& bufs, Handler&& handler) {
    if (tls_) return asio::async_write(*tls_, bufs, std::forward<Handler>(handler));
    asio::async_write(socket_, bufs, std::forward<Handler>(handler));
  }

  void pump() {
    while (!queue_.empty() && !closed_) {
      Action a = std::move(queue_.front());
      queue_.pop_front();
      switch (a.kind) {
        case Action::Kind::Send: {
          send_ = std::move(a);
          sent_ = 0;
          std::uint64_t total = std::min(send_.size(), send_.limit);
          if (!send_.bytes_per_second && !tls_) {
            // A reply nearly always fits the socket buffer: written now, it needs no
            // handler and no reactor round; only a rest waits for the socket.
            boost::system::error_code ec;
            sent_ = socket_.write_some(buffers(0, total), ec);
            if (ec && ec != asio::error::would_block) return close(false, false);
            if (sent_ >= total) {
              send_ = Action{};
              break;
            }
          }
          return write_some(total);
        }
        case Action::Kind::Pause:
          pause_.expires_after(a.pause);
          pause_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) self->pump();
          });
          return;
        case Action::Kind::Close:
          return close(false, true);
        case Action::Kind::Reset:
          return close(true, false);
        case Action::Kind::StartTls:
          return handshake(false);
        case Action::Kind::Stall:
          stalled_ = true;
          break;
        case Action::Kind::Work: {
          // Here, on the session's I/O thread: writing a message into the page cache costs
          // about what a socket call costs, while handing it to a pool cost two thread
          // switches per message, the largest item in the SMTP benchmark's profile. A slow
          // disk thus slows the sessions of this thread; --threads spreads them over more.
          auto more = a.then(a.job());
          queue_.insert(queue_.begin(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
          break;
        }
      }
    }
    if (!closed_) read();
  }

  void read() {
    arm_idle();
    auto handler = [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
      if (ec || self->closed_) return self->close(false, false);
      if (!self->stalled_) {
        for (auto& a : self->session_->feed(std::string_view(self->buffer_.data(), n)))
          self->queue_.push_back(std::move(a));
      }
      self->pump();
    };
    if (tls_) return tls_->async_read_some(asio::buffer(buffer_), std::move(handler));
    socket_.async_read_some(asio::buffer(buffer_), std::move(handler));
  }

  // The idle timer is armed once and re-armed only when it fires early: a read just moves
  // the deadline, so no wait is cancelled (and no aborted handler run) per command.
  void arm_idle() {
    deadline_ = std::chrono::steady_clock::now() + server_.config.idle_timeout;
    if (idle_armed_) return;
    idle_armed_ = true;
    idle_.expires_at(deadline_);
    idle_.async_wait([self = shared_from_this()](boost::system::error_code ec) { self->on_idle(ec); });
  }

  void on_idle(boost::system::error_code ec) {
    idle_armed_ = false;
    if (ec || closed_) return;
    if (std::chrono::steady_clock::now() < deadline_) {
      idle_armed_ = true;
      idle_.expires_at(deadline_);
      idle_.async_wait([self = shared_from_this()](boost::system::error_code e) { self->on_idle(e); });
      return;
    }
    session_->transcript()->add('*', "idle timeout");
    close(false, false);  // RFC 1939 and RFC 5321: close without a response, nothing half-done kept
  }

  // send_'s octets [from, from + want): the status line, then the message; either may be empty.
  std::array<asio::const_buffer, 2> buffers(std::uint64_t from, std::uint64_t want) const {
    std::array<asio::const_buffer, 2> bufs{};
    if (from < send_.text.size()) {
      auto n = std::min<std::uint64_t>(want, send_.text.size() - from);
      bufs[0] = asio::buffer(send_.text.data() + from, n);
      want -= n;
      from = 0;
    } else {
      from -= send_.text.size();
    }
    if (want && send_.body) bufs[1] = asio::buffer(send_.body->data() + from, want);
    return bufs;
  }

  // Sends send_ from sent_ up to `total` octets, in slices when the rate is limited.
  void write_some(std::uint64_t total) {
    std::uint64_t slice = total - sent_;
    if (send_.bytes_per_second) slice = std::min<std::uint64_t>(slice, std::max<std::uint64_t>(1, send_.bytes_per_second / 20));
    auto bufs = buffers(sent_, slice);
    write_async(bufs, [self = shared_from_this(), total, slice](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->close(false, false);
                        self->sent_ += slice;
                        if (self->sent_ >= total) {
                          self->send_ = Action{};
                          return self->pump();
                        }
                        auto wait = std::chrono::milliseconds(1000 * slice / self->send_.bytes_per_second);
                        self->pause_.expires_after(wait);
                        self->pause_.async_wait([self, total](boost::system::error_code ec2) {
                          if (!ec2) self->write_some(total);
                        });
                      });
  }

  // `farewell`: a TLS session ends with close_notify, so the client can tell the end of
  // the session from a cut (only where no read is pending: the session's own Close).
  void close(bool reset, bool farewell) {
    boost::system::error_code ignored;
    if (closed_) {
      // stop() during a close_notify: the socket goes now, not after kGoodbyeWait.
      if (!farewell) socket_.close(ignored);
      return;
    }
    closed_ = true;
    session_->abort();
    idle_.cancel();
    pause_.cancel();
    if (secured_ && farewell && !reset) return say_goodbye();
    // close() alone sends the FIN after what is queued (a shutdown first would only cost
    // a call); with SO_LINGER 0 it sends RST instead.
    if (reset) socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    socket_.close(ignored);
  }

  // close_notify, then the socket closes when the client answers or after kGoodbyeWait.
  void say_goodbye() {
    static constexpr std::chrono::seconds kGoodbyeWait{2};
    pause_.expires_after(kGoodbyeWait);
    pause_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      boost::system::error_code ignored;
      if (!ec) self->socket_.close(ignored);
    });
    tls_->async_shutdown([self = shared_from_this()](boost::system::error_code) {
      boost::system::error_code ignored;
      self->pause_.cancel();
      self->socket_.close(ignored);
    });
  }

  TcpServer::Impl& server_;
  tcp::socket socket_;
  std::shared_ptr<ssl::context> tls_context_;       // before tls_: it outlives the stream
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;  // after socket_: it goes first
  bool secured_ = false;
  asio::steady_timer idle_;
  std::chrono::steady_clock::time_point deadline_;
  bool idle_armed_ = false;
  asio::steady_timer pause_;
  std::unique_ptr<ProtocolSession> session_;
  bool reject_;
  bool closed_ = false;
  bool stalled_ = false;
  std::deque<Action> queue_;
  Action send_;
  std::uint64_t sent_ = 0;
  std::array<char, 4096> buffer_{};
  std::list<std::weak_ptr<Connection>>::iterator registration_;
};

void TcpServer::Impl::accept() {
  // The peer's address comes with the accept; no getpeername per connection.
  // A strand per connection only where several threads could run its handlers at once.
  auto executor = config.threads > 1 ? asio::any_io_executor(asio::make_strand(io)) : asio::any_io_executor(io.get_executor());
  acceptor.async_accept(executor, peer, [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) return;
      if (acceptor.is_open()) accept();  // EMFILE and friends: keep serving the others
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    socket.non_blocking(true, ec);  // Connection writes replies directly when the socket takes them
    bool reject = active.load() >= config.max_sessions;
    std::shared_ptr<Connection> conn;
    std::list<std::weak_ptr<Connection>>::iterator it;
    {
      // stop() sets `stopping` before it collects the connections under this lock.
      std::lock_guard lock(mutex);
      if (stopping) return;
      conn = std::make_shared<Connection>(*this, std::move(socket), peer, reject);
      it = connections.insert(connections.end(), conn);
      keep(conn->transcript());
    }
    conn->start(it);
    accept();
  });
}

// Called under `mutex`. Sizes are read at each new session, so a long live session can
// hold more until the next one arrives; each is bounded by its own TranscriptOptions.
void TcpServer::Impl::keep(const std::shared_ptr<Transcript>& transcript) {
  if (config.transcripts_kept == 0) return;
  transcripts.push_back(transcript);
  while (transcripts.size() > config.transcripts_kept) transcripts.pop_front();
  // Newest first: keep sessions while they fit (live ones grow, so read each size once).
  std::size_t total = 0;
  std::size_t fit = 0;
  for (auto it = transcripts.rbegin(); it != transcripts.rend(); ++it, ++fit) {
    total += (*it)->bytes();
    if (total > config.transcript_bytes_kept && fit > 0) break;
  }
  transcripts.erase(transcripts.begin(), transcripts.end() - static_cast<std::ptrdiff_t>(fit));
}

void TcpServer::Impl::open_acceptor() {
  acceptor.open(bound.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(bound);
  acceptor.listen(asio::socket_base::max_listen_connections);
  bound = acceptor.local_endpoint();
  is_listening = true;
}

void TcpServer::Impl::update_listener() {
  if (stopping) return;
  auto want = faults.dropping() ? Port::Dropping : faults.refusing() ? Port::Refusing : Port::Open;
  if (want == port) return;
  boost::system::error_code ec;
  is_listening = false;  // first: whoever is refused must already see it
  acceptor.close(ec);
  placeholder.close(ec);
  dropper.close(ec);
  filler.close(ec);
  port = want;
  if (want == Port::Refusing) {
    // A bound socket that does not listen keeps the port ours; the kernel answers SYN with RST.
    placeholder.open(bound.protocol(), ec);
    placeholder.set_option(tcp::socket::reuse_address(true), ec);
    placeholder.bind(bound, ec);
  } else if (want == Port::Dropping) {
    // A listener whose accept queue is full and never served: the kernel drops further SYNs
    // without an answer, as a firewall would. Backlog 0 holds one connection, the filler's.
    dropper.open(bound.protocol(), ec);
    dropper.set_option(tcp::acceptor::reuse_address(true), ec);
    dropper.bind(bound, ec);
    dropper.listen(0, ec);
    filler.open(bound.protocol(), ec);
    filler.connect(bound, ec);
  } else {
    try {
      open_acceptor();
      accept();
    } catch (const boost::system::system_error&) {
      // Someone took the port meanwhile; stay closed rather than take the server down.
      acceptor.close(ec);
      port = Port::Refusing;
    }
  }
}

TcpServer::TcpServer(TcpServerConfig config, SessionFactory factory, faults::FaultTable& faults)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(factory), faults)) {}

TcpServer::~TcpServer() { stop(); }

std::uint16_t TcpServer::start() {
  auto& s = *impl_;
  try {
    auto address = asio::ip::make_address(s.config.listen.host == "localhost" ? "127.0.0.1" : s.config.listen.host);
    s.bound = tcp::endpoint(address, s.config.listen.port);
    s.open_acceptor();
  } catch (const boost::system::system_error& e) {
    // Asio says only "bind: Address already in use"; the reader wants to know which address.
    s.acceptor.close();
    throw std::system_error(e.code(), "cannot listen on " + s.config.listen.str());
  }
  s.work.emplace(s.io.get_executor());
  s.listener_follows_faults = s.faults.subscribe([&s] {
    // From outside the server (the in-process API, the scenario runner) the change has
    // taken effect when add()/remove() returns, so a test can connect right after it
    // without waiting; from one of the server's own threads it cannot wait for itself.
    if (s.io.get_executor().running_in_this_thread()) {
      asio::post(s.listener, [&s] { s.update_listener(); });
      return;
    }
    std::promise<void> done;
    asio::post(s.listener, [&s, &done] {
      s.update_listener();
      done.set_value();
    });
    done.get_future().wait();
  });
  // No I/O thread runs yet, so the faults installed before start() apply here, before the
  // first connection could be accepted.
  s.update_listener();
  if (s.acceptor.is_open()) s.accept();
  for (unsigned i = 0; i < std::max(1u, s.config.threads); ++i) s.threads.emplace_back([&s] { run_io(s.io, s.config.busy_poll); });
  return s.bound.port();
}

void TcpServer::stop() {
  auto& s = *impl_;
  if (s.threads.empty() || s.stopping.exchange(true)) return;
  s.listener_follows_faults.reset();
  asio::post(s.listener, [&s] {
    boost::system::error_code ec;
    s.acceptor.close(ec);
    s.placeholder.close(ec);
    s.dropper.close(ec);
    s.filler.close(ec);
    s.is_listening = false;
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(s.mutex);
    for (auto& weak : s.connections)
      if (auto c = weak.lock()) open.push_back(std::move(c));
  }
  // Outside the lock: the last reference may go here, and ~Connection takes the lock.
  for (auto& c : open) c->shutdown();
  open.clear();
  s.work.reset();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

std::uint16_t TcpServer::port() const { return impl_->bound.port(); }
HostPort TcpServer::endpoint() const { return HostPort{impl_->bound.address().to_string(), impl_->bound.port()}; }
std::size_t TcpServer::active_sessions() const { return impl_->active.load(); }
bool TcpServer::listening() const { return impl_->is_listening.load(); }

std::vector<std::shared_ptr<Transcript>> TcpServer::transcripts() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->transcripts.begin(), impl_->transcripts.end()};
}

}  // namespace maillab::net
