// disconnect and reset: close the connection (FIN) or abort it (RST) before or after the
// reply. One file for both: they are one fault that differs only in how the socket ends.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class Disconnect final : public Fault {
 public:
  // With `cut_after`, only that many bytes of the reply go out first (kept for the
  // `bytes=` spelling; `truncate` is the kind that does only that).
  Disconnect(Trigger t, bool reset, bool after, std::optional<std::uint64_t> cut_after)
      : Fault(std::move(t)), reset_(reset), after_(after || cut_after), cut_after_(cut_after) {}
  std::string_view kind() const override { return reset_ ? "reset" : "disconnect"; }
  void apply(Verdict& v) const override {
    v.rank = Rank::Disconnect;
    if (after_) v.drop = reset_ ? Drop::ResetAfter : Drop::CloseAfter;
    else v.drop = reset_ ? Drop::ResetBefore : Drop::CloseBefore;
    v.cut_after_bytes = cut_after_;
  }
  std::string parameters() const override {
    if (cut_after_) return "bytes=" + std::to_string(*cut_after_);
    return after_ ? "when=after" : "when=before";
  }

 private:
  bool reset_;
  bool after_;
  std::optional<std::uint64_t> cut_after_;
};

KindSpec ending(std::string name, std::string how, bool reset) {
  return {
      .name = name,
      .summary = how + " before or after the reply; with `bytes`, after N octets of it",
      .layer = Layer::Reply,
      .params = {{.name = "when", .type = ParamType::Choice, .fallback = "before", .choices = {"before", "after"}},
                 {.name = "bytes", .type = ParamType::Count, .help = "octets of the reply sent first"}},
      .example = name + ",on=RETR,when=after",
      .make = [reset](Trigger t, const KindArgs& a) {
        return std::make_unique<Disconnect>(std::move(t), reset, a.text("when") == "after", a.maybe_count("bytes"));
      },
  };
}

}  // namespace

void register_kind_disconnect(KindRegistry& kinds) {
  kinds.add(ending("disconnect", "closes the connection (FIN)", false));
  kinds.add(ending("reset", "aborts the connection (RST)", true));
}

}  // namespace maillab::faults
