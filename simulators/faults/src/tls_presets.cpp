#include "maillab/faults/tls_presets.hpp"

#include <string>

#include "maillab/base/ascii.hpp"

namespace maillab::faults {

void add_tls_presets(PresetRegistry& r, std::string_view upgrade_command) {
  std::string command(upgrade_command);
  r.add({"certificate-expired", "the server's certificate has expired (clients: \"certificate has expired\")", "",
         {"tls-certificate,problem=expired"}});
  r.add({"certificate-not-yet-valid", "the server's certificate is not valid yet (a clock set wrong)", "",
         {"tls-certificate,problem=not-yet-valid"}});
  r.add({"certificate-self-signed", "the server shows a self-signed certificate (clients: \"self-signed certificate\")",
         "", {"tls-certificate,problem=self-signed"}});
  r.add({"certificate-name-mismatch", "the certificate is for another host name (clients: \"hostname mismatch\")", "",
         {"tls-certificate,problem=wrong-host"}});
  r.add({"certificate-changed", "every session shows a new certificate (valid, but not the one a client pinned)", "",
         {"tls-certificate,problem=new-each-session"}});
  r.add({"tls-too-old", "the server speaks only TLS 1.0 (clients: \"unsupported protocol\" or \"legacy sigalg disallowed\")", "",
         {"tls-version,only=tls1.0"}});
  r.add({"tls-handshake-reset", "the connection is reset as the TLS handshake starts", "",
         {"tls-handshake,then=reset"}});
  r.add({"tls-handshake-stall", "the TLS handshake is never answered (the client times out)", "",
         {"tls-handshake,then=stall"}});
  r.add({ascii::lower(command) + "-not-offered",
         command + " is not offered (a downgrade): clients that require TLS give up, others send in the clear", "",
         {"tls-not-offered"}});
}

}  // namespace maillab::faults
