// TLS under the clients: Asio's ssl::stream (OpenSSL) over the TcpChannel's socket, from
// the first byte (implicit) or from start_tls() on (STLS/STARTTLS). It verifies the
// certificate's chain and its names against the host name connected to, and turns a
// failed handshake into a TlsError naming the reason; it never goes on in plain text.
#include <utility>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ssl.hpp>
#include <fmt/format.h>

#include "maillab/connector/resolver.hpp"
#include "tcp_channel.hpp"

namespace maillab::connector {
namespace {

namespace ssl = asio::ssl;

// TLS 1.2 at least (RFC 8996 retired 1.0 and 1.1): a server offering only those fails
// the handshake as an old protocol, whatever the system's OpenSSL defaults say.
ssl::context client_context(const TlsSettings& tls) {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  if (!tls.verify) {
    ctx.set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (tls.ca_file.empty()) ctx.set_default_verify_paths(ec);
  else ctx.load_verify_file(tls.ca_file, ec);
  if (ec)
    throw TlsError(TlsFailure::Untrusted, fmt::format("the CA file {} cannot be read: {}",
                                                      tls.ca_file.empty() ? "(system store)" : tls.ca_file, ec.message()));
  return ctx;
}

// What OpenSSL said, for the event: the verify result's words when a check failed, else
// the handshake error's.
std::string failure_detail(long verify_result, const boost::system::error_code& ec) {
  if (verify_result != X509_V_OK) return X509_verify_cert_error_string(verify_result);
  return ec.message();
}

class TlsChannel final : public TcpChannel {
 public:
  TlsChannel(const HostPort& to, const ChannelOptions& options, Resolver& resolver)
      : TcpChannel(to, options, resolver), ctx_(client_context(options.tls)), host_(to.host) {
    if (options.tls.mode == TlsMode::Implicit) handshake();
  }

  // The server said yes to STLS/STARTTLS. Whatever came after that reply in plain text
  // was not protected by TLS, so it is dropped unread (RFC 3207 section 4.2).
  void start_tls() override {
    if (stream_) throw TlsError(TlsFailure::Refused, "TLS is already on");
    discard_buffered();
    handshake();
  }

 protected:
  void start_write(asio::const_buffer bytes, IoHandler done) override {
    if (!stream_) return TcpChannel::start_write(bytes, std::move(done));
    asio::async_write(*stream_, bytes, std::move(done));
  }
  void start_read(asio::mutable_buffer into, IoHandler done) override {
    if (!stream_) return TcpChannel::start_read(into, std::move(done));
    stream_->async_read_some(into, std::move(done));
  }

 private:
  void expect_peer(SSL* handle) {
    if (!options().tls.verify) return;
    auto* param = SSL_get0_param(handle);
    if (is_address_literal(host_)) X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str());
    else X509_VERIFY_PARAM_set1_host(param, host_.c_str(), host_.size());
  }

  void handshake() {
    stream_.emplace(socket(), ctx_);
    auto* handle = stream_->native_handle();
    if (!is_address_literal(host_)) SSL_set_tlsext_host_name(handle, host_.c_str());  // SNI
    expect_peer(handle);
    std::optional<boost::system::error_code> result;
    stream_->async_handshake(ssl::stream_base::client, [&](const boost::system::error_code& e) { result = e; });
    if (run(options().io_timeout, result)) throw deadline_error();
    if (!result)
      throw TlsError(TlsFailure::Handshake,
                     fmt::format("no answer within {} ms", options().io_timeout.count()));
    if (!*result) return;
    const long verified = options().tls.verify ? SSL_get_verify_result(handle) : X509_V_OK;
    const int reason = result->category() == asio::error::get_ssl_category()
                           ? ERR_GET_REASON(static_cast<unsigned long>(result->value()))
                           : 0;
    throw TlsError(classify_tls_failure(verified, reason), failure_detail(verified, *result));
  }

  ssl::context ctx_;
  std::string host_;
  std::optional<ssl::stream<tcp::socket&>> stream_;
};

}  // namespace

std::unique_ptr<Channel> make_tls_channel(const HostPort& to, const ChannelOptions& options, Resolver& resolver) {
  return std::make_unique<TlsChannel>(to, options, resolver);
}

}  // namespace maillab::connector
