#include <algorithm>
#include <map>
#include <mutex>

#include <boost/asio/ssl/context.hpp>

#include "maillab/net/tls.hpp"

namespace maillab::net {
namespace {

namespace ssl = boost::asio::ssl;
using Certificate = faults::TlsPlan::Certificate;

std::shared_ptr<ssl::context> server_context(const TlsIdentity& identity, bool tls10_only) {
  auto c = std::make_shared<ssl::context>(ssl::context::tls_server);
  c->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                 ssl::context::single_dh_use);
  if (tls10_only) {
    // OpenSSL 3 refuses TLS 1.0 at its default security level; a server of that age
    // spoke it with SHA-1 signatures, so level 0.
    SSL_CTX_set_security_level(c->native_handle(), 0);
    SSL_CTX_set_min_proto_version(c->native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(c->native_handle(), TLS1_VERSION);
    SSL_CTX_set_cipher_list(c->native_handle(), "DEFAULT:@SECLEVEL=0");
  }
  c->use_certificate_chain(boost::asio::buffer(identity.certificate_pem));
  c->use_private_key(boost::asio::buffer(identity.key_pem), ssl::context::pem);
  return c;
}

// What a certificate with `problem` says, for the good one's names.
CertificateRequest request_for(Certificate problem, const std::vector<std::string>& names, const TlsIdentity* ca) {
  CertificateRequest r;
  r.names = names;
  r.issuer = ca;
  switch (problem) {
    case Certificate::Expired:
      r.not_before = -std::chrono::hours(24 * 30);
      r.not_after = -std::chrono::hours(24);
      break;
    case Certificate::NotYetValid:
      r.not_before = std::chrono::hours(24);
      r.not_after = std::chrono::hours(24 * 30);
      break;
    case Certificate::SelfSigned:
      r.self_signed = true;
      r.issuer = nullptr;
      break;
    case Certificate::WrongHost:
      r.names = {"wrong-host.invalid"};
      break;
    case Certificate::Good:
    case Certificate::NewEachSession:
      break;
  }
  return r;
}

}  // namespace

struct TlsContext::Impl {
  std::vector<std::string> names;
  std::shared_ptr<ssl::context> good;
  std::mutex mutex;  // the rest
  std::optional<TlsIdentity> own_ca;  // signs the variants of a given certificate
  std::map<std::pair<Certificate, bool>, std::shared_ptr<ssl::context>> variants;

  const TlsIdentity& ca(const TlsIdentity& identity) {
    if (!identity.ca_key_pem.empty()) return identity;
    if (!own_ca) own_ca = make_identity({});
    return *own_ca;
  }
};

TlsContext::TlsContext(const TlsIdentity& identity, std::vector<std::string> names)
    : identity_(identity), impl_(std::make_unique<Impl>()) {
  impl_->names = std::move(names);
  impl_->good = server_context(identity_, false);
}

TlsContext::~TlsContext() = default;

std::shared_ptr<ssl::context> TlsContext::context_for(const faults::TlsPlan& plan) {
  if (plan.certificate == Certificate::Good && !plan.tls10_only) return impl_->good;
  std::lock_guard lock(impl_->mutex);
  auto key = std::make_pair(plan.certificate, plan.tls10_only);
  if (auto it = impl_->variants.find(key); it != impl_->variants.end()) return it->second;
  auto identity = plan.certificate == Certificate::Good
                      ? identity_
                      : make_identity(request_for(plan.certificate, impl_->names, &impl_->ca(identity_)));
  auto context = server_context(identity, plan.tls10_only);
  // A certificate new each session is made each time; the others once.
  if (plan.certificate != Certificate::NewEachSession) impl_->variants[key] = context;
  return context;
}

std::shared_ptr<TlsContext> tls_context_for(TlsMode mode, std::shared_ptr<TlsContext> given,
                                            const std::vector<std::string>& host_names) {
  if (given || mode == TlsMode::Off) return given;
  CertificateRequest request;
  for (const auto& name : host_names)
    if (std::find(request.names.begin(), request.names.end(), name) == request.names.end()) request.names.push_back(name);
  return std::make_shared<TlsContext>(make_identity(request), request.names);
}

}  // namespace maillab::net
