// tls-handshake: the handshake never completes: the server resets the connection as the
// client starts it, or says nothing more (the client's ClientHello goes unanswered).
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class TlsHandshake final : public Fault {
 public:
  TlsHandshake(Trigger t, bool stall) : Fault(std::move(t)), stall_(stall) {}
  std::string_view kind() const override { return "tls-handshake"; }
  Layer layer() const override { return Layer::Tls; }
  void tls(TlsPlan& plan) const override {
    plan.handshake = stall_ ? TlsPlan::Handshake::Stall : TlsPlan::Handshake::Reset;
  }
  std::string parameters() const override { return stall_ ? "then=stall" : "then=reset"; }

 private:
  bool stall_;
};

}  // namespace

void register_kind_tls_handshake(KindRegistry& kinds) {
  kinds.add({
      .name = "tls-handshake",
      .summary = "the TLS handshake fails: the connection is reset, or the server never answers (it stays open)",
      .layer = Layer::Tls,
      .params = {{.name = "then", .type = ParamType::Choice, .required = true, .choices = {"reset", "stall"}}},
      .example = "tls-handshake,then=reset",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<TlsHandshake>(std::move(t), a.text("then") == "stall");
      },
  });
}

}  // namespace maillab::faults
