#pragma once
// A step's record as JSON, the same for the JSON report and the console's player.
#include <nlohmann/json.hpp>

#include "maillab/runner/result.hpp"

namespace maillab::runner {

// step, line, action, passed, error, picture [{node, place, count}], checks (the step's own),
// events [{id, type, source, category, description}], notes, transcripts.
nlohmann::json step_json(const RunResult& run, const StepRecord& step);
nlohmann::json steps_json(const RunResult& run);
// The records read back into a run whose checks are read already (a JSON report's "steps":
// each step's checks follow the previous step's). Throws on a malformed record.
void read_steps(RunResult& run, const nlohmann::json& steps);

}  // namespace maillab::runner
