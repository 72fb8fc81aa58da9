#pragma once
// How an expect step's event and log-block checks compare what they name with what the
// connector wrote (docs/scenarios.md, "Checks"); the runner reports the results.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/connector/events.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

// Whether an event has every field the check names.
bool event_matches(const EventCheck& check, const connector::Event& event);
// What a check asks for, for its report line: event 12052 source "POP3 Connector" ...
std::string event_check_label(const EventCheck& check);
// The fields of `event` that differ from the check, with what was expected.
std::string event_mismatch(const EventCheck& check, const connector::Event& event);

// A log line without its stamp "[t N] MM/DD/YY, HH:MM:SS: " (unchanged when it has none).
std::string_view unstamped(std::string_view line);

struct BlockSearch {
  bool found = false;
  std::size_t matched = 0;  // the most lines of the block matched in a row
  std::size_t at = 0;       // where (0-based log line) that run starts
  std::size_t next = 0;     // the log line after it
};
// Looks for the block as consecutive lines of `log` (but for the block's `between`
// lines), both compared without stamps.
BlockSearch find_log_block(const std::string& log, const LogBlock& block);
// A found block, or where the best partial match stopped and what the log has there.
std::string describe_search(const std::string& log, const LogBlock& block, const BlockSearch& search);

}  // namespace maillab::runner
