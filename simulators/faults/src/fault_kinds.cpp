#include "maillab/faults/fault_kinds.hpp"

#include <algorithm>

namespace maillab::faults {

Rank classify_reply(std::string_view text) {
  if (text.starts_with("+")) return Rank::Normal;
  if (text.starts_with("-ERR")) {
    return text.starts_with("-ERR [SYS/TEMP]") || text.starts_with("-ERR [IN-USE]") ? Rank::SoftError
                                                                                   : Rank::HardError;
  }
  if (text.size() >= 3 && std::all_of(text.begin(), text.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.starts_with("421")) return Rank::ErrorAndClose;
    if (text[0] == '4') return Rank::SoftError;
    if (text[0] == '5') return Rank::HardError;
    return Rank::Normal;
  }
  return Rank::HardError;  // neither +OK nor a reply code: a broken reply
}

ReplyOverride::ReplyOverride(Trigger t, std::string text, bool close)
    : Fault(std::move(t)), text_(std::move(text)), close_(close) {}

void ReplyOverride::apply(Verdict& v) const {
  v.reply = text_;
  v.close_after_reply = close_ || classify_reply(text_) == Rank::ErrorAndClose;
  v.rank = v.close_after_reply ? Rank::ErrorAndClose : classify_reply(text_);
}

std::string ReplyOverride::parameters() const { return std::string(close_ ? "close=yes," : "") + "text=" + text_; }

void Delay::apply(Verdict& v) const {
  v.delay += ms_;
  v.rank = std::max(v.rank, Rank::Delay);
}

void Bandwidth::apply(Verdict& v) const { v.bytes_per_second = bps_; }

Disconnect::Disconnect(Trigger t, bool reset, bool after, std::optional<std::uint64_t> cut_after)
    : Fault(std::move(t)), reset_(reset), after_(after || cut_after), cut_after_(cut_after) {}

void Disconnect::apply(Verdict& v) const {
  v.rank = Rank::Disconnect;
  if (after_) {
    v.drop = reset_ ? Drop::ResetAfter : Drop::CloseAfter;
  } else {
    v.drop = reset_ ? Drop::ResetBefore : Drop::CloseBefore;
  }
  v.cut_after_bytes = cut_after_;
}

std::string Disconnect::parameters() const {
  if (cut_after_) return "bytes=" + std::to_string(*cut_after_);
  return after_ ? "when=after" : "when=before";
}

void Stall::apply(Verdict& v) const {
  v.rank = Rank::Disconnect;
  v.drop = Drop::Stall;
}

void CompetingClient::plan(MaildropPlan& p) const {
  bool all = take_ == 0 || (p.take && *p.take == 0);
  p.take = all ? 0 : std::max(p.take.value_or(0), take_);
}

}  // namespace maillab::faults
