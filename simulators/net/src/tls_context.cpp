#include <algorithm>

#include <boost/asio/ssl/context.hpp>

#include "maillab/net/tls.hpp"

namespace maillab::net {

struct TlsContext::Impl {
  boost::asio::ssl::context context{boost::asio::ssl::context::tls_server};
};

TlsContext::TlsContext(const TlsIdentity& identity) : identity_(identity), impl_(std::make_unique<Impl>()) {
  auto& c = impl_->context;
  c.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::single_dh_use);
  c.use_certificate_chain(boost::asio::buffer(identity.certificate_pem));
  c.use_private_key(boost::asio::buffer(identity.key_pem), boost::asio::ssl::context::pem);
}

TlsContext::~TlsContext() = default;

void* TlsContext::asio_context() { return &impl_->context; }

std::shared_ptr<TlsContext> tls_context_for(TlsMode mode, std::shared_ptr<TlsContext> given,
                                            const std::vector<std::string>& host_names) {
  if (given || mode == TlsMode::Off) return given;
  CertificateRequest request;
  for (const auto& name : host_names)
    if (std::find(request.names.begin(), request.names.end(), name) == request.names.end()) request.names.push_back(name);
  return std::make_shared<TlsContext>(make_identity(request));
}

}  // namespace maillab::net
