// truncate: the reply goes out only up to N octets; then the connection is closed (FIN),
// reset (RST), or left open with the rest never coming, as a client sees a transfer that
// breaks off mid-message.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

// What follows the cut, as the Verdict's drop after the reply (None: stays open).
Drop drop_after(const std::string& then) {
  if (then == "reset") return Drop::ResetAfter;
  if (then == "open") return Drop::None;
  return Drop::CloseAfter;
}

class Truncate final : public Fault {
 public:
  Truncate(Trigger t, std::uint64_t bytes, std::string then)
      : Fault(std::move(t)), bytes_(bytes), drop_(drop_after(then)), then_(std::move(then)) {}
  std::string_view kind() const override { return "truncate"; }
  // As strong as a disconnect even when the connection stays open: the exchange is
  // broken off, and no other outcome can repair a reply that never ends.
  void apply(Verdict& v) const override {
    v.rank = Rank::Disconnect;
    v.drop = drop_;
    v.cut_after_bytes = bytes_;
  }
  std::string parameters() const override {
    return "bytes=" + std::to_string(bytes_) + (then_ == "close" ? "" : ",then=" + then_);
  }

 private:
  std::uint64_t bytes_;
  Drop drop_;
  std::string then_;  // as given, for describe()
};

}  // namespace

void register_kind_truncate(KindRegistry& kinds) {
  kinds.add({
      .name = "truncate",
      .summary = "sends only the first N octets of the reply, then closes, resets or keeps the connection",
      .layer = Layer::Reply,
      .params = {{.name = "bytes", .type = ParamType::Count, .help = "octets of the reply sent", .required = true},
                 {.name = "then",
                  .type = ParamType::Choice,
                  .help = "what follows the cut",
                  .fallback = "close",
                  .choices = {"close", "reset", "open"}}},
      .example = "truncate,on=RETR,message=2,bytes=100,then=open",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<Truncate>(std::move(t), a.count("bytes"), a.text("then"));
      },
  });
}

}  // namespace maillab::faults
