// competing-client: another POP3 client logs on just before the session and takes
// (RETR, DELE, QUIT) some or all of the messages.
#include <algorithm>

#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class CompetingClient final : public Fault {
 public:
  // `take` 0: all of them.
  CompetingClient(Trigger t, std::uint64_t take) : Fault(std::move(t)), take_(take) {}
  std::string_view kind() const override { return "competing-client"; }
  Layer layer() const override { return Layer::Maildrop; }
  void plan(MaildropPlan& p) const override {
    bool all = take_ == 0 || (p.take && *p.take == 0);
    p.take = all ? 0 : std::max(p.take.value_or(0), take_);
  }
  std::string parameters() const override { return take_ ? "take=" + std::to_string(take_) : "take=all"; }

 private:
  std::uint64_t take_;
};

}  // namespace

void register_kind_competing_client(KindRegistry& kinds) {
  kinds.add({
      .name = "competing-client",
      .summary = "another client takes (RETR, DELE, QUIT) N messages just before the session",
      .layer = Layer::Maildrop,
      .params = {{.name = "take", .type = ParamType::CountOrAll, .help = "how many", .fallback = "all"}},
      .example = "competing-client,take=3",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<CompetingClient>(std::move(t), a.count("take"));
      },
  });
}

}  // namespace maillab::faults
