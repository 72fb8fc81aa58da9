// hide-drop: the session logs on to a drop that looks empty (the wrong mailbox behind
// the account); the messages stay where they are.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class HideDrop final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "hide-drop"; }
  Layer layer() const override { return Layer::Maildrop; }
  void plan(MaildropPlan& p) const override { p.hide_all = true; }
};

}  // namespace

void register_kind_hide_drop(KindRegistry& kinds) {
  kinds.add({
      .name = "hide-drop",
      .summary = "the account logs on to an empty drop; the mail stays where it is",
      .layer = Layer::Maildrop,
      .params = {},
      .example = "hide-drop",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<HideDrop>(std::move(t)); },
  });
}

}  // namespace maillab::faults
