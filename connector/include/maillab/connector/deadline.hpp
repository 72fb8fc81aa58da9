#pragma once
// The overall deadlines of a session and of a cycle (issue 12: `io` bounds one wait, and
// a server that trickles a byte now and then kept a session, and every later cycle, going
// for ever). A channel waits at most min(io timeout, time left to its deadline); when the
// deadline is what ran out, it says which one. Steady time: the deadlines are real time
// even where the connector's Clock is virtual.
#include <chrono>
#include <string>
#include <string_view>

namespace maillab::connector {

enum class DeadlineKind { None, Session, Cycle };

struct Deadline {
  using time_point = std::chrono::steady_clock::time_point;
  time_point at = time_point::max();
  DeadlineKind kind = DeadlineKind::None;
  std::chrono::milliseconds length{0};  // as configured, for the messages

  static Deadline after(DeadlineKind kind, std::chrono::milliseconds length,
                        time_point now = std::chrono::steady_clock::now()) {
    auto room = std::chrono::duration_cast<std::chrono::milliseconds>(time_point::max() - now);
    return {length >= room ? time_point::max() : now + length, kind, length};  // no overflow
  }
};

inline const Deadline& earlier(const Deadline& a, const Deadline& b) { return b.at < a.at ? b : a; }

inline std::string_view deadline_name(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::Session: return "session";
    case DeadlineKind::Cycle: return "cycle";
    case DeadlineKind::None: break;
  }
  return "no";
}

// "the session deadline (75 s) passed"
inline std::string deadline_passed(const Deadline& d) {
  auto ms = d.length.count();
  auto length = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
  return "the " + std::string(deadline_name(d.kind)) + " deadline (" + length + ") passed";
}

// How long one read, write or connect may wait.
struct WaitBudget {
  std::chrono::milliseconds wait{0};
  bool deadline_bound = false;  // the deadline, not the timeout, set `wait`
};

inline WaitBudget wait_budget(std::chrono::milliseconds timeout, const Deadline& d,
                              Deadline::time_point now = std::chrono::steady_clock::now()) {
  if (d.at == Deadline::time_point::max()) return {timeout, false};
  auto left = d.at <= now ? std::chrono::milliseconds(0)
                          : std::chrono::ceil<std::chrono::milliseconds>(d.at - now);
  if (left < timeout) return {left, true};
  return {timeout, false};
}

}  // namespace maillab::connector
