// The Asio shell under the clients: blocking calls with deadlines, one io_context per
// channel (each mailbox runs on its own thread), no protocol knowledge.
#include "tcp_channel.hpp"

#include <cerrno>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "maillab/connector/resolver.hpp"

namespace maillab::connector {

namespace {

// What a Windows log would print for the same failure.
int winsock_error(const boost::system::error_code& ec) {
  switch (ec.value()) {
    case ECONNREFUSED: return 10061;
    case ETIMEDOUT: return 10060;
    case ECONNRESET: return 10054;
    case ECONNABORTED: return 10053;
    case EHOSTUNREACH: return 10065;
    case ENETUNREACH: return 10051;
    case EPIPE: return 10054;
    default: return ec ? 10000 + (ec.value() % 1000) : 0;
  }
}

// The addresses the resolver gives, in its order; a name it does not know is a failed
// connect with Winsock's 11001, as the product's log would show.
std::vector<tcp::endpoint> endpoints_of(const HostPort& to, Resolver& resolver) {
  std::vector<tcp::endpoint> out;
  try {
    for (const auto& a : resolver.resolve(to.host)) out.emplace_back(asio::ip::make_address(a), to.port);
  } catch (const HostNotFound& e) {
    throw ChannelError(ChannelError::Kind::Connect, 11001, e.what());
  }
  return out;
}

}  // namespace

TcpChannel::TcpChannel(const HostPort& to, const ChannelOptions& options, Resolver& resolver)
    : options_(options), socket_(io_) {
  auto endpoints = endpoints_of(to, resolver);
  std::optional<boost::system::error_code> result;
  asio::async_connect(socket_, endpoints,
                      [&](const boost::system::error_code& e, const tcp::endpoint&) { result = e; });
  if (run(options.connect_timeout, result)) throw deadline_error();
  // No answer at all (a firewall dropping the SYN) reads differently from a refusal (RST).
  if (!result)
    throw ChannelError(ChannelError::Kind::Connect, 10060,
                       fmt::format("Could not open connection to the host, on port {}: Connect failed (Connection "
                                   "timed out: no answer within {} ms)",
                                   to.port, options.connect_timeout.count()));
  if (*result)
    throw ChannelError(ChannelError::Kind::Connect, winsock_error(*result),
                       "Could not open connection to the host, on port " + std::to_string(to.port) +
                           ": Connect failed (" + result->message() + ")");
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  buffer_.reserve(64 * 1024);
}

void TcpChannel::write(std::string_view bytes) {
  std::optional<boost::system::error_code> result;
  start_write(asio::buffer(bytes.data(), bytes.size()), [&](const boost::system::error_code& e, std::size_t) { result = e; });
  if (run(options_.io_timeout, result)) throw deadline_error();
  if (!result) throw ChannelError(ChannelError::Kind::Timeout, 10060, "timed out sending to the server");
  if (*result) throw ChannelError(ChannelError::Kind::Closed, winsock_error(*result), "connection lost: " + result->message());
}

void TcpChannel::close() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void TcpChannel::start_write(asio::const_buffer bytes, IoHandler done) {
  asio::async_write(socket_, bytes, std::move(done));
}

void TcpChannel::start_read(asio::mutable_buffer into, IoHandler done) { socket_.async_read_some(into, std::move(done)); }

std::size_t TcpChannel::discard_buffered() {
  auto n = buffer_.size() - start_;
  buffer_.clear();
  start_ = scan_ = 0;
  return n;
}

// A line, or with `pieces` the next max_line bytes of one that is longer.
std::string_view TcpChannel::next(bool pieces) {
  for (;;) {
    auto nl = buffer_.find('\n', scan_);
    if (nl != std::string::npos) {
      std::string_view line(buffer_.data() + start_, nl + 1 - start_);
      start_ = scan_ = nl + 1;
      return line;
    }
    scan_ = buffer_.size();
    if (buffer_.size() - start_ > options_.max_line) {
      if (!pieces) throw ChannelError(ChannelError::Kind::LineTooLong, 0, "the server sent a line longer than the limit");
      std::string_view piece(buffer_.data() + start_, options_.max_line);
      start_ += options_.max_line;
      return piece;
    }
    if (start_ > 0) {  // keep the unread tail only
      buffer_.erase(0, start_);
      scan_ -= start_;
      start_ = 0;
    }
    fill();
  }
}

// Runs the pending operation for the timeout or what is left to the deadline, whichever
// is shorter. True when it did not complete because the deadline came.
bool TcpChannel::run(std::chrono::milliseconds timeout, std::optional<boost::system::error_code>& result) {
  auto budget = wait_budget(timeout, options_.deadline);
  io_.restart();
  io_.run_for(budget.wait);
  if (!result) {  // out of time: cancel and let the handler run before `result` dies
    boost::system::error_code ec;
    socket_.cancel(ec);
    io_.restart();
    io_.run();
    result.reset();
    return budget.deadline_bound;
  }
  return false;
}

ChannelError TcpChannel::deadline_error() const {
  return ChannelError(ChannelError::Kind::Deadline, 10060, deadline_passed(options_.deadline));
}

void TcpChannel::fill() {
  std::optional<boost::system::error_code> result;
  std::size_t n = 0;
  auto old = buffer_.size();
  buffer_.resize(old + 64 * 1024);
  start_read(asio::buffer(buffer_.data() + old, 64 * 1024), [&](const boost::system::error_code& e, std::size_t got) {
    result = e;
    n = got;
  });
  bool deadline = run(options_.io_timeout, result);
  buffer_.resize(old + n);
  if (deadline) throw deadline_error();
  if (!result) throw ChannelError(ChannelError::Kind::Timeout, 10060, "timed out waiting for the server");
  if (*result)
    throw ChannelError(ChannelError::Kind::Closed, *result == asio::error::eof ? 0 : winsock_error(*result),
                       "connection closed by the server");
}

TcpChannelFactory::TcpChannelFactory() : resolver_(system_resolver()) {}

std::unique_ptr<Channel> TcpChannelFactory::connect(const HostPort& to, const ChannelOptions& options) {
  if (options.tls.mode != TlsMode::Off) return make_tls_channel(to, options, resolver_);
  return std::make_unique<TcpChannel>(to, options, resolver_);
}

}  // namespace maillab::connector
