#pragma once
// TLS for the simulators' shell: how a server offers it, the certificate it shows, and
// the OpenSSL context built from it. Sessions see only TlsMode (what to advertise and
// refuse); the handshake is the shell's (Action::Kind::StartTls, TcpServerConfig::tls).
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/faults/fault.hpp"

namespace boost::asio::ssl {
class context;
}

namespace maillab::net {

enum class TlsMode {
  Off,       // no TLS: STLS/STARTTLS unknown, as before
  Offered,   // plain text, upgraded on STLS (RFC 2595) or STARTTLS (RFC 3207)
  Required,  // as Offered, and logging on or sending mail is refused until then
  Implicit,  // TLS from the first byte (RFC 8314: POP3S, SMTPS)
};

// "off", "implicit", "required" and the protocol's word for Offered ("stls", "starttls").
std::optional<TlsMode> tls_mode_from_name(std::string_view name, std::string_view offered_word);
bool tls_active_from_start(TlsMode mode);

// A certificate and its key (PEM), with the chain a client needs to trust it (ca_pem:
// the issuing CA's certificate; empty when the certificate was given). ca_key_pem signs
// the certificates the TLS faults show; it is never written out.
struct TlsIdentity {
  std::string certificate_pem;
  std::string key_pem;
  std::string ca_pem;
  std::string ca_key_pem;
};

// What a certificate made at start-up says. Names that parse as an IP address become
// IP SANs, the others DNS SANs; the first is the subject's CN.
struct CertificateRequest {
  std::vector<std::string> names{"localhost", "127.0.0.1"};
  std::chrono::seconds not_before{-3600};                 // from now
  std::chrono::seconds not_after{std::chrono::hours(24 * 365)};  // from now
  bool self_signed = false;  // no CA: the leaf signs itself (ca_pem is the leaf)
  const TlsIdentity* issuer = nullptr;  // its CA signs the leaf; none: a new CA is made
};

// A fresh CA (in memory, never written unless asked), or the issuer's, and a leaf it signs.
TlsIdentity make_identity(const CertificateRequest& request);
// The PEM files given with --cert/--key; an error names the file.
TlsIdentity read_identity(const std::filesystem::path& certificate, const std::filesystem::path& key);
// Writes `pem` to `path` (mode 0644) so a client can be told to trust it.
void write_pem(const std::filesystem::path& path, const std::string& pem);

// The server side OpenSSL contexts (Asio's ssl::context) of one identity: the good one,
// and those the TLS faults ask for (made on first use from the identity's CA, or from a
// CA of their own when the certificate was given; `names` are the good one's).
class TlsContext {
 public:
  explicit TlsContext(const TlsIdentity& identity,
                      std::vector<std::string> names = CertificateRequest{}.names);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  const TlsIdentity& identity() const { return identity_; }
  // Thread-safe; the context lives as long as the returned pointer.
  std::shared_ptr<boost::asio::ssl::context> context_for(const faults::TlsPlan& plan);

 private:
  struct Impl;
  TlsIdentity identity_;
  std::unique_ptr<Impl> impl_;
};

// What a server runs with: `given` when set; none when `mode` is Off; otherwise a context
// with a certificate made now for localhost, 127.0.0.1 and `host_names`.
std::shared_ptr<TlsContext> tls_context_for(TlsMode mode, std::shared_ptr<TlsContext> given,
                                            const std::vector<std::string>& host_names);

}  // namespace maillab::net
