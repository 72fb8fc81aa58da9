// reject-login: the server refuses the credentials (USER/PASS, APOP and SASL alike), a
// wrong password as the ISP sees it.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class RejectLogin final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "reject-login"; }
  Layer layer() const override { return Layer::Maildrop; }
  void plan(MaildropPlan& p) const override { p.reject_login = true; }
};

}  // namespace

void register_kind_reject_login(KindRegistry& kinds) {
  kinds.add({
      .name = "reject-login",
      .summary = "every logon is refused, right password or not",
      .layer = Layer::Maildrop,
      .params = {},
      .example = "reject-login,user=alice,times=1",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<RejectLogin>(std::move(t)); },
  });
}

}  // namespace maillab::faults
