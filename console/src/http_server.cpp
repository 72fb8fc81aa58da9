// The Beast shell: accept, read one request under a deadline and size limits, hand it to
// Api::handle, write the answer; GET /api/stream turns the connection into a stream of
// server-sent events polled from the Api. Nothing here knows a route.
#include "maillab/console/http_server.hpp"

#include <utility>  // before Boost 1.74 Asio, which forgets it
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

namespace maillab::console {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

void check_exposure(const HttpConfig& config) {
  if (!is_loopback(config.listen.host) && config.token.empty())
    throw std::invalid_argument("--http '" + config.listen.str() +
                                "': not a loopback address; give --http-token TOKEN so only its holders can change faults");
}

namespace {

struct Shared {
  HttpConfig config;
  Api& api;
  std::atomic<std::size_t> connections{0};
};

std::string error_json(int status, const std::string& message) {
  return nlohmann::json{{"error", message}, {"status", status}}.dump();
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Shared& shared)
      : stream_(std::move(socket)), deadline_(stream_.get_executor()), shared_(shared) {
    ++shared_.connections;
  }
  ~Connection() { --shared_.connections; }

  void start() { read(); }

  // Over the cap: one 503 and close, nothing read.
  void refuse() { reply(503, error_json(503, "too many connections to the control API; try again"), false); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(shared_.config.max_body);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.config.max_header));
    timed_out_ = false;
    read_done_ = false;
    deadline_.expires_after(shared_.config.read_timeout);
    // A deadline that fired just as the read completed is stale: its read is answered.
    deadline_.async_wait([self = shared_from_this(), read = ++reads_](boost::system::error_code ec) {
      if (ec || read != self->reads_ || self->read_done_) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(boost::system::error_code ec) {
    read_done_ = true;
    deadline_.cancel();
    if (timed_out_)
      return reply(408, error_json(408, "the request did not arrive within the read deadline"), false);
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == asio::error::eof) return close();
    if (ec == http::error::body_limit)
      return reply(413, error_json(413, "the body is larger than " + std::to_string(shared_.config.max_body) + " bytes"),
                   false);
    if (ec == http::error::header_limit) return reply(431, error_json(431, "the request's header is too large"), false);
    if (ec) return reply(400, error_json(400, "not an HTTP/1.1 request: " + ec.message()), false);
    answer(parser_->release());
  }

  void answer(http::request<http::string_body> request) {
    Request r{std::string(request.method_string()), std::string(request.target()), std::move(request.body()),
              std::string(request[http::field::authorization])};
    Response response = shared_.api.handle(r);
    if (response.stream && request.method() == http::verb::get) return start_stream();
    keep_alive_ = request.keep_alive();
    write(std::move(response), keep_alive_);
  }

  void reply(int status, std::string body, bool keep_alive) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    write(std::move(r), keep_alive);
  }

  void write(Response r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "maillab");
    res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(shared_.config.read_timeout);  // a client that does not read is dropped
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](boost::system::error_code ec, std::size_t) {
      self->stream_.expires_never();
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  void start_stream() {
    auto head = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nServer: maillab\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
        "Connection: close\r\n\r\n");
    *head += shared_.api.stream_poll(cursor_);
    send_stream(head);
  }

  void send_stream(std::shared_ptr<std::string> text) {
    stream_.expires_after(shared_.config.read_timeout);
    asio::async_write(stream_, asio::buffer(*text), [self = shared_from_this(), text](boost::system::error_code ec, std::size_t) {
      self->stream_.expires_never();
      if (ec) return self->close();
      self->wait_stream();
    });
  }

  void wait_stream() {
    deadline_.expires_after(shared_.config.stream_interval);
    deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->close();
      auto text = std::make_shared<std::string>(self->shared_.api.stream_poll(self->cursor_));
      // A comment line now and then, so a client that went away is noticed.
      if (text->empty() && ++self->idle_polls_ % 50 == 0) *text = ": keep-alive\n\n";
      if (text->empty()) return self->wait_stream();
      self->send_stream(text);
    });
  }

  void close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  asio::steady_timer deadline_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool timed_out_ = false;
  bool read_done_ = false;
  std::uint64_t reads_ = 0;
  bool keep_alive_ = false;
  Api::StreamCursor cursor_;
  unsigned idle_polls_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpConfig c, Api& api) : shared{std::move(c), api, {}}, acceptor(io) {}
  Shared shared;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        bool over = shared.connections.load() >= shared.config.max_connections;
        auto connection = std::make_shared<Connection>(std::move(socket), shared);
        if (over)
          connection->refuse();
        else
          connection->start();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(HttpConfig config, Api& api) : impl_(std::make_unique<Impl>(std::move(config), api)) {
  check_exposure(impl_->shared.config);
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::start() {
  const auto& listen = impl_->shared.config.listen;
  auto host = listen.host == "localhost" ? std::string("127.0.0.1") : listen.host;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("--http '" + listen.str() + "': not an IP address");
  tcp::endpoint endpoint(address, listen.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint, ec);
  if (ec) throw std::runtime_error("--http '" + listen.str() + "': cannot listen: " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->accept();
  impl_->work.emplace(impl_->io.get_executor());
  for (unsigned i = 0; i < std::max(1u, impl_->shared.config.threads); ++i)
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  return acceptor.local_endpoint().port();
}

void HttpServer::stop() {
  if (impl_->threads.empty()) return;
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

HostPort HttpServer::endpoint() const {
  auto e = impl_->acceptor.local_endpoint();
  return HostPort{e.address().to_string(), e.port()};
}

std::size_t HttpServer::connections() const { return impl_->shared.connections.load(); }

}  // namespace maillab::console
