#pragma once
// The model as a scenario file (docs/scenarios.md) that replays it with the simulators:
// each reply that differs from what the simulator answers anyway becomes a `reply` fault
// (docs/faults.md) on the command it came to, a failed connect the matching Listener
// fault; the messages, the mailbox, the recipients' domains, the logging level and the
// language become the scenario's settings. Pure: text in, text out.
#include <string>
#include <vector>

#include "maillab/reproduce/model.hpp"

namespace maillab::reproduce {

struct ScenarioFault {
  Protocol protocol;
  std::string spec;  // "reply,on=.,text=554 5.1.0 Sender denied"
};

// The faults that replay the model's replies and connect failure, POP3 first.
std::vector<ScenarioFault> faults_for(const Model& model);

// `id` must be the scenario file's stem (the loader checks it); `from` names the log.
std::string write_scenario(const Model& model, const std::string& id, const std::string& from);

// Whether `reply` is what maillab's simulators answer to `verb` anyway (hosts masked).
bool simulator_default(Protocol protocol, const std::string& verb, int message, const std::string& reply);

}  // namespace maillab::reproduce
