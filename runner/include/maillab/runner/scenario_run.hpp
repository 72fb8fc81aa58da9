#pragma once
// One run of a scenario taken a step at a time: the console's scenario player and anyone
// who wants to look at the sandbox and the live simulators between two steps. run_scenario()
// is the same run taken in one go.
#include <cstddef>
#include <memory>
#include <string>

#include "maillab/runner/result.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

namespace detail {
class Run;
}

// The step kind as its YAML key, with what it names: "cycle", "add_faults: smtp" ...
std::string describe_action(const StepAction& action);

class ScenarioRun {
 public:
  // Sets the run up (sandbox, both simulators listening, the connector); a set-up error
  // ends the run at once (done(), and finish() reports it).
  ScenarioRun(Scenario scenario, connector::Profile profile, const RunOptions& options = {});
  ~ScenarioRun();
  ScenarioRun(const ScenarioRun&) = delete;
  ScenarioRun& operator=(const ScenarioRun&) = delete;

  const Scenario& scenario() const { return scenario_; }
  connector::Profile profile() const { return profile_; }
  std::size_t total() const;  // the steps this profile runs, remedy included
  std::size_t taken() const;
  bool done() const;  // every step ran, or one could not run
  // The next step's file position and action; only when !done().
  const Step& upcoming() const;
  // Runs the next step and returns its record. Throws std::logic_error when done().
  const StepRecord& next();
  // The checks and step records so far (passed and seconds are set by finish()).
  const RunResult& so_far() const;
  // Runs what is left, then the conservation check; stops the simulators. Once.
  RunResult finish();

 private:
  Scenario scenario_;  // before run_: the run reads it
  connector::Profile profile_;
  std::unique_ptr<detail::Run> run_;
};

}  // namespace maillab::runner
