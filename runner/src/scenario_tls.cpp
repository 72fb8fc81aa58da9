#include "maillab/runner/scenario_tls.hpp"

#include <memory>

namespace maillab::runner {
namespace {

namespace cn = maillab::connector;

net::TlsMode server_mode(const yaml::Field& f, const char* upgrade) {
  return f.choice<net::TlsMode>({{"off", net::TlsMode::Off},
                                 {upgrade, net::TlsMode::Offered},
                                 {"required", net::TlsMode::Required},
                                 {"implicit", net::TlsMode::Implicit}});
}

cn::TlsMode client_mode(const yaml::Field& f, const char* upgrade) {
  return f.choice<cn::TlsMode>({{"off", cn::TlsMode::Off}, {"implicit", cn::TlsMode::Implicit}, {upgrade, cn::TlsMode::Upgrade}});
}

// What a connector set up for this server asks for.
cn::TlsMode follow(net::TlsMode server) {
  switch (server) {
    case net::TlsMode::Offered:
    case net::TlsMode::Required: return cn::TlsMode::Upgrade;
    case net::TlsMode::Implicit: return cn::TlsMode::Implicit;
    case net::TlsMode::Off: break;
  }
  return cn::TlsMode::Off;
}

}  // namespace

ScenarioTls read_scenario_tls(const yaml::Field& t) {
  t.only({"pop3", "smtp", "connector"});
  ScenarioTls out;
  if (t["pop3"].present()) out.pop3 = server_mode(t["pop3"], "stls");
  if (t["smtp"].present()) out.smtp = server_mode(t["smtp"], "starttls");
  if (auto c = t["connector"]; c.present()) {
    c.only({"pop3", "smtp", "verify", "trust"});
    if (c["pop3"].present()) out.connector_pop3 = client_mode(c["pop3"], "stls");
    if (c["smtp"].present()) out.connector_smtp = client_mode(c["smtp"], "starttls");
    if (c["verify"].present()) out.verify = c["verify"].boolean();
    if (c["trust"].present()) out.trust_simulators = c["trust"].choice<bool>({{"simulators", true}, {"system", false}});
  }
  return out;
}

ServerTls::ServerTls(const ScenarioTls& tls, const std::vector<std::string>& names) : tls_(tls) {
  if (!tls.any()) return;
  net::CertificateRequest request;
  request.names.insert(request.names.end(), names.begin(), names.end());
  context_ = std::make_shared<net::TlsContext>(net::make_identity(request), request.names);
}

void ServerTls::apply(pop3::ServerConfig& config) const {
  config.session.tls = tls_.pop3;
  if (context_) config.tls_context = context_;
}

void ServerTls::apply(smtp::ServerConfig& config) const {
  config.session.tls = tls_.smtp;
  if (context_) config.tls_context = context_;
}

void configure_connector_tls(const ScenarioTls& tls, const pop3::Server& pop3, const smtp::Server& smtp,
                             const std::filesystem::path& sandbox,
                             cn::Config& config) {
  if (!tls.any() || config.profile == cn::Profile::Sbs2003) return;
  config.tls.pop3 = tls.connector_pop3.value_or(follow(tls.pop3));
  config.tls.smtp = tls.connector_smtp.value_or(follow(tls.smtp));
  config.tls.verify = tls.verify;
  config.tls.ca.clear();
  const auto* identity = pop3.tls_identity() ? pop3.tls_identity() : smtp.tls_identity();
  if (!tls.trust_simulators || !identity) return;
  const auto ca = sandbox / "simulators-ca.pem";
  net::write_pem(ca, identity->ca_pem);
  config.tls.ca = ca.string();
}

}  // namespace maillab::runner
