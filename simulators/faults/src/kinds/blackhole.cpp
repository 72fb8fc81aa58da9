// blackhole: a firewall that silently drops the packets to the port. The listener stops
// accepting, and SYNs get no answer at all (no RST), so a client's connect times out.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Blackhole final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "blackhole"; }
  Layer layer() const override { return Layer::Listener; }
};

}  // namespace

void register_kind_blackhole(KindRegistry& kinds) {
  kinds.add({
      .name = "blackhole",
      .summary = "the port silently drops connection attempts (a firewall): connects time out, nothing is refused",
      .layer = Layer::Listener,
      .params = {},
      .example = "blackhole",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<Blackhole>(std::move(t)); },
  });
}

}  // namespace maillab::faults
