// tls-version: the server speaks only an old protocol version (TLS 1.0, with the old
// ciphers it needs), as servers not updated since the 2000s do; a current client refuses it.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class TlsVersion final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "tls-version"; }
  Layer layer() const override { return Layer::Tls; }
  void tls(TlsPlan& plan) const override { plan.tls10_only = true; }
  std::string parameters() const override { return "only=tls1.0"; }
};

}  // namespace

void register_kind_tls_version(KindRegistry& kinds) {
  kinds.add({
      .name = "tls-version",
      .summary = "the TLS handshake offers only this old protocol version",
      .layer = Layer::Tls,
      .params = {{.name = "only", .type = ParamType::Choice, .fallback = "tls1.0", .choices = {"tls1.0"}}},
      .example = "tls-version,only=tls1.0",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<TlsVersion>(std::move(t)); },
  });
}

}  // namespace maillab::faults
