#pragma once
// Runs a written scenario with the runner (both simulators and the connector in process)
// and hands back what the connector wrote: its diagnostic log and events.
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/doctor/observations.hpp"
#include "maillab/runner/result.hpp"

namespace maillab::reproduce {

struct Replay {
  runner::RunResult result;
  std::string log_text;     // POP3/pop3connector.log ("" when the level wrote none)
  std::string events_text;  // POP3/events.jsonl
  std::vector<doctor::LogEntry> log;
  std::vector<doctor::EventRecord> events;
};

// `id` names the scenario (the file's stem the loader expects); `fixtures` is the
// fixtures/ directory. The sandbox goes under `work_dir` ("" : the system's temporary
// directory) and is removed afterwards unless `keep`.
Replay replay(const std::string& scenario_text, const std::string& id, connector::Profile profile,
              const std::string& fixtures, const std::string& work_dir = "", bool keep = false);

}  // namespace maillab::reproduce
