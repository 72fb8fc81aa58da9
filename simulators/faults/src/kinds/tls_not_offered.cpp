// tls-not-offered: a server configured for STLS/STARTTLS stops offering it, as a
// downgrade by a middlebox looks: CAPA and EHLO do not list it, and the command is
// unknown. A client that requires TLS must give up; one that does not sends in the clear.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class TlsNotOffered final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "tls-not-offered"; }
  Layer layer() const override { return Layer::Tls; }
  TlsStage tls_stage() const override { return TlsStage::Offer; }
  void tls(TlsPlan& plan) const override { plan.not_offered = true; }
};

}  // namespace

void register_kind_tls_not_offered(KindRegistry& kinds) {
  kinds.add({
      .name = "tls-not-offered",
      .summary = "STLS/STARTTLS is neither advertised nor understood (a downgrade); implicit TLS is unaffected",
      .layer = Layer::Tls,
      .params = {},
      .example = "tls-not-offered",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<TlsNotOffered>(std::move(t)); },
  });
}

}  // namespace maillab::faults
