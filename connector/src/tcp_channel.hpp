#pragma once
// The plain TCP channel, and the hooks the TLS channel (tls_channel.cpp) overrides: it
// reads and writes through its ssl::stream once TLS is on, and shares the rest (the
// line buffer, the deadlines, connect and close).
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
#include <boost/asio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "maillab/connector/channel.hpp"

namespace maillab::connector {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class TcpChannel : public Channel {
 public:
  TcpChannel(const HostPort& to, const ChannelOptions& options, Resolver& resolver);

  void write(std::string_view bytes) override;
  std::string_view read_line() override { return next(false); }
  std::string_view read_text() override { return next(true); }
  void close() override;

 protected:
  using IoHandler = std::function<void(const boost::system::error_code&, std::size_t)>;
  virtual void start_write(asio::const_buffer bytes, IoHandler done);
  virtual void start_read(asio::mutable_buffer into, IoHandler done);
  // Runs the pending operation; true when the deadline (not the timeout) stopped it.
  bool run(std::chrono::milliseconds timeout, std::optional<boost::system::error_code>& result);
  ChannelError deadline_error() const;
  // Drops what was read and not yet taken; returns how many bytes that was.
  std::size_t discard_buffered();
  tcp::socket& socket() { return socket_; }
  const ChannelOptions& options() const { return options_; }

 private:
  std::string_view next(bool pieces);
  void fill();

  ChannelOptions options_;
  asio::io_context io_{1};
  tcp::socket socket_;
  std::string buffer_;
  std::size_t start_ = 0, scan_ = 0;
};

// tls_channel.cpp: a TcpChannel that speaks TLS as options.tls says.
std::unique_ptr<Channel> make_tls_channel(const HostPort& to, const ChannelOptions& options, Resolver& resolver);

}  // namespace maillab::connector
