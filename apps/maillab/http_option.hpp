#pragma once
// --http HOST:PORT and --http-token for the commands that can be controlled while they run
// (pop3d, smtpd, lab): the console module's API and its Beast shell.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "maillab/console/api.hpp"
#include "maillab/console/http_server.hpp"

namespace maillab::app {

struct HttpOptions {
  std::string address;  // "" : no control API
  std::string token;
  double read_timeout = 10;  // seconds
  std::size_t max_connections = 64;
};

void add_http_options(CLI::App& app, HttpOptions& o);

// The running control API: the Api and its HTTP server, stopped (server first) by stop()
// or when destroyed.
struct HttpControl {
  std::unique_ptr<console::Api> api;
  std::unique_ptr<console::HttpServer> server;
  HttpControl() = default;
  HttpControl(HttpControl&&) = default;
  void stop() {
    server.reset();
    api.reset();
  }
  ~HttpControl() { stop(); }
};

// Checks the options before anything starts (throws std::invalid_argument naming --http).
console::HttpConfig http_config(const HttpOptions& o);
// Starts it when --http was given and prints "maillab http listening on HOST:PORT".
HttpControl start_http(const HttpOptions& o, console::Targets targets);

}  // namespace maillab::app
