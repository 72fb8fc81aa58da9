// corrupt: serves a message corrupt, in one of the ways of corruption.hpp.
#include "maillab/faults/corruption.hpp"
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Corrupt final : public Fault {
 public:
  Corrupt(Trigger t, Corruption how) : Fault(std::move(t)), how_(how) {}
  std::string_view kind() const override { return "corrupt"; }
  Layer layer() const override { return Layer::Content; }
  void corrupt(std::string& text) const override { apply_corruption(how_, text); }
  std::string parameters() const override { return "kind=" + std::string(corruption_name(how_)); }

 private:
  Corruption how_;
};

}  // namespace

void register_kind_corrupt(KindRegistry& kinds) {
  kinds.add({
      .name = "corrupt",
      .summary = "serves the message corrupt (LIST/STAT sizes match what is served)",
      .layer = Layer::Content,
      .params = {{.name = "kind", .type = ParamType::Choice, .required = true, .choices = corruption_names()}},
      .example = "corrupt,message=2,kind=bare-lf",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<Corrupt>(std::move(t), *corruption_from_name(a.text("kind")));
      },
  });
}

}  // namespace maillab::faults
