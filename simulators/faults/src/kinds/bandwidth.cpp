// bandwidth: sends the reply at a limited rate.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Bandwidth final : public Fault {
 public:
  Bandwidth(Trigger t, std::uint64_t bps) : Fault(std::move(t)), bps_(bps) {}
  std::string_view kind() const override { return "bandwidth"; }
  void apply(Verdict& v) const override { v.bytes_per_second = bps_; }
  std::string parameters() const override { return "bps=" + std::to_string(bps_); }

 private:
  std::uint64_t bps_;
};

}  // namespace

void register_kind_bandwidth(KindRegistry& kinds) {
  kinds.add({
      .name = "bandwidth",
      .summary = "sends the reply at that many octets per second (the slowest of several applies)",
      .layer = Layer::Reply,
      .params = {{.name = "bps", .type = ParamType::Count, .help = "bytes per second", .required = true, .min = 1}},
      .example = "bandwidth,bps=4096",
      .make = [](Trigger t, const KindArgs& a) { return std::make_unique<Bandwidth>(std::move(t), a.count("bps")); },
  });
}

}  // namespace maillab::faults
