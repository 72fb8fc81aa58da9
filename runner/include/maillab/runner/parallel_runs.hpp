#pragma once
// Runs of the catalog on several threads of one process. Each run has its own sandbox and
// its own simulators on port 0, so runs share nothing; the results come back in plan order
// whatever order they finish in.
#include <cstddef>
#include <functional>
#include <vector>

#include "maillab/runner/result.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/selection.hpp"

namespace maillab::runner {

// Called once per finished run, one call at a time: how many have finished so far (1..N)
// and the result.
using RunFinished = std::function<void(std::size_t finished, const RunResult&)>;

std::vector<RunResult> run_all(const std::vector<PlannedRun>& plan, const RunOptions& options, unsigned jobs,
                               const RunFinished& finished);

}  // namespace maillab::runner
