// delay: waits before the reply.
#include <algorithm>

#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Delay final : public Fault {
 public:
  Delay(Trigger t, std::chrono::milliseconds ms) : Fault(std::move(t)), ms_(ms) {}
  std::string_view kind() const override { return "delay"; }
  void apply(Verdict& v) const override {
    v.delay += ms_;
    v.rank = std::max(v.rank, Rank::Delay);
  }
  std::string parameters() const override { return "ms=" + std::to_string(ms_.count()); }

 private:
  std::chrono::milliseconds ms_;
};

}  // namespace

void register_kind_delay(KindRegistry& kinds) {
  kinds.add({
      .name = "delay",
      .summary = "waits before the reply",
      .layer = Layer::Reply,
      .params = {{.name = "ms", .type = ParamType::Count, .help = "milliseconds", .required = true}},
      .example = "delay,on=RETR,ms=250",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<Delay>(std::move(t), std::chrono::milliseconds(a.count("ms")));
      },
  });
}

}  // namespace maillab::faults
