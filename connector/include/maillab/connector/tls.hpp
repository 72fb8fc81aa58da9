#pragma once
// TLS as the connector's clients ask for it: the settings of one connection, and the
// reasons a TLS connection fails. The POP3 and SMTP clients see only these types and
// Channel::start_tls(); OpenSSL lives in the channel (tls_channel.cpp) alone.
#include <string>
#include <string_view>

#include "maillab/connector/channel_error.hpp"

namespace maillab::connector {

enum class TlsMode {
  Off,       // plain text
  Implicit,  // TLS from the first byte (RFC 8314: POP3S on 995, SMTPS on 465)
  Upgrade,   // plain text upgraded with STLS (RFC 2595) or STARTTLS (RFC 3207)
};

// "off" | "implicit" | "stls" (POP3) or "starttls" (SMTP; "stls" is taken too).
TlsMode parse_tls_mode(std::string_view text);
std::string_view tls_mode_name(TlsMode mode, bool smtp);

// One connection's TLS.
struct TlsSettings {
  TlsMode mode = TlsMode::Off;
  // Check the certificate chain against `ca_file` (PEM; empty: the system's trust store)
  // and the certificate's names against the host name connected to.
  bool verify = true;
  std::string ca_file;
};

// Why a TLS connection failed, in the words a user of a mail client meets.
enum class TlsFailure {
  Expired,       // the certificate's notAfter has passed
  NotYetValid,   // its notBefore lies ahead
  NameMismatch,  // valid, but not for the host name (or address) connected to
  Untrusted,     // self-signed, or no trusted CA issued it
  OldProtocol,   // the server offers only a protocol version below TLS 1.2
  Handshake,     // the handshake broke off (reset, stall, an alert)
  NotOffered,    // STLS/STARTTLS missing from CAPA/EHLO: a downgrade, refused
  Refused,       // STLS/STARTTLS answered with an error (-ERR, 454)
};
std::string_view tls_failure_name(TlsFailure reason);

// A TLS failure; a ChannelError (Kind::Tls), so every path that handles a broken
// connection handles it too. what() is the reason in words, with the detail.
class TlsError : public ChannelError {
 public:
  TlsError(TlsFailure reason, const std::string& detail);
  TlsFailure reason() const { return reason_; }

 private:
  TlsFailure reason_;
};

// The failure OpenSSL's verify result (X509_V_*) and the handshake's error reason
// (ERR_GET_REASON) name. verify_result 0 (X509_V_OK) with no known reason: Handshake.
TlsFailure classify_tls_failure(long verify_result, int ssl_reason);

}  // namespace maillab::connector
