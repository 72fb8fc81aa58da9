#pragma once
// The Reply fault seam, shared by every protocol: one reply about to be sent, the verdict
// of the fault table for it, and the actions that result. Protocols decide before calling
// whether an error override replaces the command (it is then not executed).
#include <memory>
#include <string>
#include <vector>

#include "maillab/faults/fault.hpp"
#include "maillab/net/action.hpp"
#include "maillab/net/transcript.hpp"

namespace maillab::net {

struct Outgoing {
  std::string text;  // one or more CRLF-terminated lines
  std::shared_ptr<const std::string> body;  // a message that follows (already on-the-wire form)
  bool close = false;
};

enum class After { Continue, Closed, Stalled };

// True when the verdict answers instead of the command (a drop before it, a stall, or an
// error override).
bool verdict_answers(const faults::Verdict& v);

// The verdict's delay, drop, override, cut and rate applied to `reply`; the transcript
// gets every line sent ('S') and every transport event ('*').
After emit_reply(Outgoing reply, const faults::Verdict& v, Transcript& transcript, std::vector<Action>& out);

}  // namespace maillab::net
