#pragma once
// --tls, --cert, --key and --ca-out, the same for pop3d and smtpd (docs/pop3d.md and
// docs/smtpd.md, "TLS").
#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "maillab/net/tls.hpp"

namespace maillab::app {

struct TlsOptions {
  std::string mode = "off";
  std::string cert;
  std::string key;
  std::string ca_out;
};

// `offered_word`: the protocol's name for plain text upgraded on request ("stls", "starttls").
void add_tls_options(CLI::App& app, TlsOptions& o, const std::string& offered_word);
net::TlsMode tls_mode(const TlsOptions& o, std::string_view offered_word);
// The certificate given with --cert/--key; nullptr when there is none (the server makes one).
std::shared_ptr<net::TlsContext> given_tls_context(const TlsOptions& o);
// Once listening, before the start-up line (so a client reading it finds the file):
// writes the CA of a certificate made at start-up (--ca-out, or
// $TMPDIR/maillab-COMMAND-PORT-ca.pem); returns the line that says where it is (empty
// without TLS).
std::string write_tls_ca(const TlsOptions& o, const net::TlsIdentity* identity, const std::string& command,
                  std::uint16_t port);

}  // namespace maillab::app
