#include "maillab/net/reply_emitter.hpp"

#include <charconv>

namespace maillab::net {
namespace {

// One transcript line per reply line; the last one names the size of the body after it.
// Built in place: this runs for every reply, RETR included.
void log_sent(const std::string& text, const std::string* body, Transcript& t) {
  for (std::size_t pos = 0; pos < text.size();) {
    auto eol = text.find("\r\n", pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line;
    if (body && eol + 2 >= text.size()) {
      char count[24];
      auto end = std::to_chars(count, count + sizeof count, body->size()).ptr;
      line.reserve(eol - pos + 40);
      line.append(text, pos, eol - pos).append(" [").append(count, end).append(" octets follow]");
    } else {
      line.assign(text, pos, eol - pos);
    }
    t.add('S', std::move(line));
    pos = eol + 2;
  }
}

}  // namespace

bool verdict_answers(const faults::Verdict& v) {
  return v.drop == faults::Drop::CloseBefore || v.drop == faults::Drop::ResetBefore || v.drop == faults::Drop::Stall ||
         (v.reply && v.rank >= faults::Rank::SoftError);
}

After emit_reply(Outgoing r, const faults::Verdict& v, Transcript& t, std::vector<Action>& out) {
  using faults::Drop;
  if (v.delay.count() > 0) {
    t.add('*', "delay " + std::to_string(v.delay.count()) + " ms");
    Action pause(Action::Kind::Pause);
    pause.pause = v.delay;
    out.push_back(std::move(pause));
  }
  if (v.drop == Drop::CloseBefore || v.drop == Drop::ResetBefore) {
    t.add('*', v.drop == Drop::CloseBefore ? "disconnect" : "reset");
    out.emplace_back(v.drop == Drop::CloseBefore ? Action::Kind::Close : Action::Kind::Reset);
    return After::Closed;
  }
  if (v.drop == Drop::Stall) {
    t.add('*', "stall");
    out.emplace_back(Action::Kind::Stall);
    return After::Stalled;
  }
  if (v.reply) {
    if (v.rank >= faults::Rank::SoftError) {
      r = Outgoing{*v.reply + "\r\n", nullptr, v.close_after_reply};
    } else {
      // A positive override replaces the first line only.
      auto eol = r.text.find("\r\n");
      r.text = *v.reply + (eol == std::string::npos ? "\r\n" : r.text.substr(eol));
    }
  }
  log_sent(r.text, r.body.get(), t);
  Action send(Action::Kind::Send, std::move(r.text), r.body);
  send.bytes_per_second = v.bytes_per_second;
  if (v.cut_after_bytes) send.limit = *v.cut_after_bytes;
  out.push_back(std::move(send));
  if (v.drop == Drop::CloseAfter || v.drop == Drop::ResetAfter) {
    t.add('*', v.drop == Drop::CloseAfter ? "disconnect" : "reset");
    out.emplace_back(v.drop == Drop::CloseAfter ? Action::Kind::Close : Action::Kind::Reset);
    return After::Closed;
  }
  if (r.close) {
    out.emplace_back(Action::Kind::Close);
    return After::Closed;
  }
  return After::Continue;
}

}  // namespace maillab::net
