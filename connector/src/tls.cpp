// TLS settings and failures as types; the only OpenSSL here is its numbering of verify
// results and handshake errors, read by classify_tls_failure().
#include "maillab/connector/tls.hpp"

#include <openssl/sslerr.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>

namespace maillab::connector {

TlsMode parse_tls_mode(std::string_view text) {
  if (text == "off") return TlsMode::Off;
  if (text == "implicit") return TlsMode::Implicit;
  if (text == "stls" || text == "starttls") return TlsMode::Upgrade;
  throw std::invalid_argument("TLS must be off, implicit, stls (POP3) or starttls (SMTP), not '" + std::string(text) +
                              "'");
}

std::string_view tls_mode_name(TlsMode mode, bool smtp) {
  switch (mode) {
    case TlsMode::Implicit: return "implicit";
    case TlsMode::Upgrade: return smtp ? "starttls" : "stls";
    case TlsMode::Off: break;
  }
  return "off";
}

std::string_view tls_failure_name(TlsFailure reason) {
  switch (reason) {
    case TlsFailure::Expired: return "the server's certificate has expired";
    case TlsFailure::NotYetValid: return "the server's certificate is not yet valid";
    case TlsFailure::NameMismatch: return "the server's certificate is for another host name";
    case TlsFailure::Untrusted: return "the server's certificate is not trusted (self-signed or from an unknown CA)";
    case TlsFailure::OldProtocol: return "the server offers only an old protocol version (below TLS 1.2)";
    case TlsFailure::Handshake: return "the TLS handshake failed";
    case TlsFailure::NotOffered: return "the server does not offer TLS; the downgrade to plain text was refused";
    case TlsFailure::Refused: return "the server refused to start TLS";
  }
  return "the TLS handshake failed";
}

TlsError::TlsError(TlsFailure reason, const std::string& detail)
    : ChannelError(Kind::Tls, 0,
                   std::string(tls_failure_name(reason)) + (detail.empty() ? "" : " (" + detail + ")")),
      reason_(reason) {}

TlsFailure classify_tls_failure(long verify_result, int ssl_reason) {
  switch (verify_result) {
    case X509_V_OK: break;
    case X509_V_ERR_CERT_HAS_EXPIRED: return TlsFailure::Expired;
    case X509_V_ERR_CERT_NOT_YET_VALID: return TlsFailure::NotYetValid;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return TlsFailure::NameMismatch;
    default: return TlsFailure::Untrusted;  // self-signed, unknown issuer, bad chain
  }
  switch (ssl_reason) {
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_WRONG_SSL_VERSION:
    case SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED: return TlsFailure::OldProtocol;
    default: return TlsFailure::Handshake;
  }
}

}  // namespace maillab::connector
