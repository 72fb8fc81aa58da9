#include "tls_options.hpp"

#include <filesystem>

namespace maillab::app {

void add_tls_options(CLI::App& app, TlsOptions& o, const std::string& offered_word) {
  app.add_option("--tls", o.mode,
                 "off; " + offered_word + " (offered on request); required (" + offered_word +
                     " before logging on or sending); implicit (TLS from the first byte, RFC 8314)")
      ->capture_default_str()
      ->check(CLI::IsMember(std::vector<std::string>{"off", offered_word, "required", "implicit"}));
  app.add_option("--cert", o.cert, "PEM certificate (chain) to show; without it one is made at start-up")
      ->check(CLI::ExistingFile);
  app.add_option("--key", o.key, "PEM private key of --cert")->check(CLI::ExistingFile);
  app.add_option("--ca-out", o.ca_out,
                 "where the CA of a certificate made at start-up is written (default: $TMPDIR/maillab-<command>-<port>-ca.pem)");
}

net::TlsMode tls_mode(const TlsOptions& o, std::string_view offered_word) {
  auto mode = net::tls_mode_from_name(o.mode, offered_word);
  if (!mode) throw std::invalid_argument("--tls '" + o.mode + "': unknown mode");
  if (*mode == net::TlsMode::Off && (!o.cert.empty() || !o.key.empty() || !o.ca_out.empty()))
    throw std::invalid_argument("--cert, --key and --ca-out need --tls");
  if (o.cert.empty() != o.key.empty()) throw std::invalid_argument("--cert and --key go together");
  if (!o.cert.empty() && !o.ca_out.empty())
    throw std::invalid_argument("--ca-out: the CA of a given --cert is not known to maillab");
  return *mode;
}

std::shared_ptr<net::TlsContext> given_tls_context(const TlsOptions& o) {
  if (o.cert.empty()) return nullptr;
  return std::make_shared<net::TlsContext>(net::read_identity(o.cert, o.key));
}

std::string write_tls_ca(const TlsOptions& o, const net::TlsIdentity* identity, const std::string& command,
                         std::uint16_t port) {
  if (!identity) return {};
  if (!o.cert.empty()) return "maillab " + command + ": TLS (" + o.mode + ") with the certificate " + o.cert;
  std::filesystem::path ca = o.ca_out;
  if (ca.empty())
    ca = std::filesystem::temp_directory_path() / ("maillab-" + command + "-" + std::to_string(port) + "-ca.pem");
  net::write_pem(ca, identity->ca_pem);
  return "maillab " + command + ": TLS (" + o.mode + ") with a certificate made at start-up; its CA is " + ca.string();
}

}  // namespace maillab::app
