#pragma once
// The kinds of line the connector writes to its diagnostic log (docs/connector.md,
// "Logging levels"), told apart by their words. One place, so the inference and the
// comparison read a line the same way.
#include <string_view>

#include "maillab/reproduce/model.hpp"

namespace maillab::reproduce {

enum class LineKind {
  Traffic,          // (POP3) [TX] ..., (SMTP) [RX] ...
  CycleStarted,     // Retrieval cycle started.
  CycleCompleted,   // Retrieval cycle completed: ...
  Connecting,       // Connecting to HOST:PORT for user U.
  OnServer,         // N messages on the server, M to download.
  Downloading,      // Downloading message n of N.
  Sending,          // Sending message n to the SMTP recipient A…
  ConnectFailed,    // Could not open a connection to the POP3 server ...
  DownloadProblem,  // logon: ..., greeting: ..., and the other Minimum download lines
  FailureBlock,     // seed 004's block after a refused delivery
  Delivery,         // Moved message ..., Message file ... is corrupt, ... delivered already
  Other,
};

LineKind line_kind(std::string_view text);
// The lowest logging level that writes a line of this kind.
Level level_of(LineKind kind);
// The download thread's lines (POP3 side); the rest comes from the delivery thread or the
// cycle, and the two interleave in an order no run can fix (seed 004: RETR 2 among the
// SMTP lines of message 1).
bool download_side(std::string_view text);

}  // namespace maillab::reproduce
