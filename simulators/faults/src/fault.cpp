#include "maillab/faults/fault.hpp"

#include "maillab/base/ascii.hpp"

#include <algorithm>
#include <cctype>

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

Fault::Fault(Trigger trigger) : trigger_(std::move(trigger)), rng_(trigger_.seed) {
  trigger_.verb = ascii::upper(trigger_.verb);
  if (trigger_.verb == "CONNECT") trigger_.verb = "connect";
}

// '*' matches any run of characters; everything else itself, case-insensitively.
static bool glob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i)
      if (glob(pattern.substr(1), text.substr(i))) return true;
    return false;
  }
  return !text.empty() && ascii::lower(pattern[0]) == ascii::lower(text[0]) &&
         glob(pattern.substr(1), text.substr(1));
}

bool Fault::matches(const Event& event) const {
  if (!trigger_.sender.empty() && !glob(trigger_.sender, event.sender)) return false;
  if (!trigger_.recipient.empty()) {
    if (!event.recipients) return false;
    if (std::none_of(event.recipients->begin(), event.recipients->end(),
                     [&](const std::string& r) { return glob(trigger_.recipient, r); }))
      return false;
  }
  if (trigger_.verb != "*" && trigger_.verb != event.verb) return false;
  if (trigger_.message != 0 && trigger_.message != event.message) return false;
  if (!trigger_.user.empty() && trigger_.user != event.user) return false;
  return true;
}

bool Fault::fires(const Event& event) {
  if (!matches(event)) return false;
  ++seen_;
  if (trigger_.nth && seen_ != *trigger_.nth) return false;
  if (trigger_.times && fired_ >= *trigger_.times) return false;
  if (trigger_.probability < 1.0) {
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    if (draw(rng_) >= trigger_.probability) return false;
  }
  ++fired_;
  return true;
}

std::string Fault::describe() const {
  std::string out(kind());
  if (trigger_.verb != "*") out += ",on=" + trigger_.verb;
  if (trigger_.message) out += ",message=" + std::to_string(trigger_.message);
  if (!trigger_.user.empty()) out += ",user=" + trigger_.user;
  if (!trigger_.sender.empty()) out += ",sender=" + trigger_.sender;
  if (!trigger_.recipient.empty()) out += ",rcpt=" + trigger_.recipient;
  if (trigger_.nth) out += ",nth=" + std::to_string(*trigger_.nth);
  if (trigger_.times) out += ",times=" + std::to_string(*trigger_.times);
  if (trigger_.probability < 1.0) {
    out += ",probability=" + std::to_string(trigger_.probability) + ",seed=" + std::to_string(trigger_.seed);
  }
  auto params = parameters();
  if (!params.empty()) out += "," + params;
  return out;
}

}  // namespace maillab::faults
