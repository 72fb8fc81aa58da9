#pragma once
// The HTTP/1.1 shell (Boost.Beast) around an Api: its own I/O threads, apart from the mail
// servers' own, with every input bounded: header and body sizes (431, 413), a deadline
// for reading a request (408), and a cap on connections at once (503). Errors are JSON.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "maillab/base/endpoint.hpp"
#include "maillab/console/api.hpp"

namespace maillab::console {

struct HttpConfig {
  HostPort listen{"127.0.0.1", 0};
  std::string token;  // required (non-empty) when `listen` is not a loopback address
  std::size_t max_body = std::size_t{1} << 20;
  std::size_t max_header = 16 * 1024;
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};  // a whole request
  std::size_t max_connections = 64;  // streams included
  unsigned threads = 4;  // a connector cycle or a scenario run holds one while it runs
  std::chrono::milliseconds stream_interval{std::chrono::milliseconds(200)};
};

// Throws std::invalid_argument (naming --http) when a non-loopback address has no token.
void check_exposure(const HttpConfig& config);
bool is_loopback(const std::string& host);

class HttpServer {
 public:
  HttpServer(HttpConfig config, Api& api);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens and starts the I/O threads; rethrows a bind error. Returns the bound port.
  std::uint16_t start();
  void stop();
  HostPort endpoint() const;
  std::size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillab::console
