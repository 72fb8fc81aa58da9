// reply: replaces the reply a session is about to send.
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

class ReplyOverride final : public Fault {
 public:
  ReplyOverride(Trigger t, std::string text, bool close) : Fault(std::move(t)), text_(std::move(text)), close_(close) {}
  std::string_view kind() const override { return "reply"; }
  void apply(Verdict& v) const override {
    v.reply = text_;
    v.close_after_reply = close_ || classify_reply(text_) == Rank::ErrorAndClose;
    v.rank = v.close_after_reply ? Rank::ErrorAndClose : classify_reply(text_);
  }
  std::string parameters() const override { return std::string(close_ ? "close=yes," : "") + "text=" + text_; }

 private:
  std::string text_;
  bool close_;
};

}  // namespace

void register_kind_reply(KindRegistry& kinds) {
  kinds.add({
      .name = "reply",
      .summary = "replaces the reply (an error replaces the command: it is not executed)",
      .layer = Layer::Reply,
      .params = {{.name = "close", .type = ParamType::Flag, .help = "close the connection after it", .fallback = "no"},
                 {.name = "text",
                  .type = ParamType::Line,
                  .help = "the reply to send",
                  .required = true,
                  .rest_of_spec = true}},
      .example = "reply,on=PASS,nth=2,close=yes,text=-ERR no, really",
      .make = [](Trigger t, const KindArgs& a) {
        return std::make_unique<ReplyOverride>(std::move(t), a.text("text"), a.flag("close"));
      },
  });
}

}  // namespace maillab::faults
