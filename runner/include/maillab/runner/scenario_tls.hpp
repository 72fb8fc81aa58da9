#pragma once
// A scenario's `tls:` block (docs/scenarios.md, "TLS"): how the two simulators offer TLS
// and what the connector asks for, mapped to their options. Kept apart from scenario.cpp
// and runner.cpp so that each of those holds one line of it.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "maillab/base/yaml.hpp"
#include "maillab/connector/config.hpp"
#include "maillab/net/tls.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/smtp/server.hpp"

namespace maillab::runner {

struct ScenarioTls {
  net::TlsMode pop3 = net::TlsMode::Off;  // the ISP's POP3 server
  net::TlsMode smtp = net::TlsMode::Off;  // the SMTP server
  // The connector's TLS (robust; sbs2003 has none). Default: what the server offers
  // (stls for stls/required, implicit for implicit).
  std::optional<connector::TlsMode> connector_pop3, connector_smtp;
  bool verify = true;
  bool trust_simulators = true;  // false: the system's trust store, which lacks their CA
  bool any() const { return pop3 != net::TlsMode::Off || smtp != net::TlsMode::Off; }
};

// tls: {pop3: stls, smtp: starttls, connector: {pop3: stls, smtp: starttls, verify: on, trust: simulators|system}}
ScenarioTls read_scenario_tls(const yaml::Field& field);

// What both simulators are started with: the scenario's modes and one certificate for
// localhost, 127.0.0.1 and the simulated host names, so the connector trusts both
// through one CA file.
class ServerTls {
 public:
  ServerTls(const ScenarioTls& tls, const std::vector<std::string>& names);
  void apply(pop3::ServerConfig& config) const;
  void apply(smtp::ServerConfig& config) const;

 private:
  const ScenarioTls& tls_;
  std::shared_ptr<net::TlsContext> context_;
};

// After the servers started: writes their CA into `sandbox` and gives the connector its
// TLS settings. Under sbs2003 the connector stays in plain text: the 2003 product has
// no TLS, and its configuration refuses any (connector::validate).
void configure_connector_tls(const ScenarioTls& tls, const pop3::Server& pop3, const smtp::Server& smtp,
                             const std::filesystem::path& sandbox,
                             connector::Config& config);

}  // namespace maillab::runner
