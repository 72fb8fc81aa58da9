#include "http_option.hpp"

#include <iostream>

#include "daemon.hpp"

namespace maillab::app {

void add_http_options(CLI::App& app, HttpOptions& o) {
  app.add_option("--http", o.address,
                 "HOST:PORT of the control API (HTTP/1.1 + JSON, docs/api.md); port 0 picks a free port; "
                 "loopback unless --http-token is given");
  app.add_option("--http-token", o.token, "bearer token every control API request must carry (required off loopback)");
  app.add_option("--http-read-timeout", o.read_timeout, "seconds a client has to send a whole request (then 408)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--http-max-connections", o.max_connections, "control API connections at once, streams included (then 503)")
      ->capture_default_str()->check(CLI::Range(1, 4096));
}

console::HttpConfig http_config(const HttpOptions& o) {
  console::HttpConfig config;
  try {
    config.listen = parse_host_port(o.address);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--http: ") + e.what());
  }
  config.token = o.token;
  config.read_timeout = std::chrono::milliseconds(static_cast<long long>(o.read_timeout * 1000));
  config.max_connections = o.max_connections;
  console::check_exposure(config);
  return config;
}

HttpControl start_http(const HttpOptions& o, console::Targets targets) {
  HttpControl control;
  if (o.address.empty()) return control;
  auto config = http_config(o);
  control.api = std::make_unique<console::Api>(std::move(targets), console::ApiOptions{o.token});
  control.server = std::make_unique<console::HttpServer>(config, *control.api);
  control.server->start();
  catch_signals();  // the line below is the last a script waits for
  std::cout << "maillab http listening on " << control.server->endpoint().str() << std::endl;
  return control;
}

}  // namespace maillab::app
