// refuse: the listener stops accepting; connections are refused while it is installed.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Refuse final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "refuse"; }
  Layer layer() const override { return Layer::Listener; }
};

}  // namespace

void register_kind_refuse(KindRegistry& kinds) {
  kinds.add({
      .name = "refuse",
      .summary = "the listener closes; the port stays bound, so connections are refused",
      .layer = Layer::Listener,
      .params = {},
      .example = "refuse",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<Refuse>(std::move(t)); },
  });
}

}  // namespace maillab::faults
