// stall: the session stops answering and keeps the connection open.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Stall final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "stall"; }
  void apply(Verdict& v) const override {
    v.rank = Rank::Disconnect;
    v.drop = Drop::Stall;
  }
};

}  // namespace

void register_kind_stall(KindRegistry& kinds) {
  kinds.add({
      .name = "stall",
      .summary = "never answers again; the connection stays open",
      .layer = Layer::Reply,
      .params = {},
      .example = "stall,on=connect,probability=0.500000,seed=9",
      .make = [](Trigger t, const KindArgs&) { return std::make_unique<Stall>(std::move(t)); },
  });
}

}  // namespace maillab::faults
