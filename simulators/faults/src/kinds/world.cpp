// world: overrides one named setting of the simulated world while installed
// ("anonymous-access" = "off", "profile" = "iis", ...); what the names mean is the
// simulator's business.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class WorldSetting final : public Fault {
 public:
  WorldSetting(Trigger t, std::string key, std::string value)
      : Fault(std::move(t)), key_(std::move(key)), value_(std::move(value)) {}
  std::string_view kind() const override { return "world"; }
  Layer layer() const override { return Layer::World; }
  void setting(std::string& key, std::string& value) const override {
    key = key_;
    value = value_;
  }
  std::string parameters() const override { return "set=" + key_ + ",value=" + value_; }

 private:
  std::string key_;
  std::string value_;
};

}  // namespace

void register_kind_world(KindRegistry& kinds) {
  kinds.add({
      .name = "world",
      .summary = "overrides one setting of the simulated world (the simulator names them)",
      .layer = Layer::World,
      .params = {{.name = "set", .type = ParamType::Line, .help = "the world setting to change", .required = true},
                 {.name = "value", .type = ParamType::Line, .help = "its value", .fallback = ""}},
      .example = "world,set=anonymous-access,value=off",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<WorldSetting>(std::move(t), a.text("set"), a.text("value"));
      },
  });
}

}  // namespace maillab::faults
