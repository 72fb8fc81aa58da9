#pragma once
// What one run of a scenario under one profile found: every check with its verdict, in
// the order the steps ran, ending with the conservation check.
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/runner/picture.hpp"

namespace maillab::runner {

struct CheckResult {
  std::string step;  // "steps[3]" or "remedy.steps[1]" or "conservation"
  int line = 0;      // in the scenario file
  std::string what;  // "events 1046", "folders.Incoming Mail", "telnet pop3" ...
  bool passed = false;
  std::string detail;  // expected and found
};

// How the doctor read a run against the scenario's `diagnosis:` (docs/doctor.md).
enum class DoctorVerdict {
  NotRun,        // the scenario states no diagnosis for this profile (or the run broke off)
  Diagnosed,     // the causes named are the ones stated (none, for a healthy scenario)
  Missed,        // a stated cause not named, and nothing else named
  False,         // a cause named that the scenario does not state (at the symptom or after the remedy)
  Unobservable,  // the cause leaves nothing the doctor can see, and it named nothing
};
const char* verdict_name(DoctorVerdict verdict);
DoctorVerdict parse_verdict(const std::string& name);  // throws std::invalid_argument

struct DoctorReading {
  DoctorVerdict verdict = DoctorVerdict::NotRun;
  std::vector<std::string> expected, found;  // catalog ids at the symptom; expected empty when unobservable
  bool after_remedy_checked = false;
  std::vector<std::string> after_expected, after_found;
};

// What one step did, as the HTML report and the console's player show it: the picture when
// it ended, its checks, and the events and sessions it caused.
struct StepRecord {
  std::string step;    // "steps[3]", "remedy.steps[1]"
  int line = 0;        // in the scenario file
  std::string action;  // "cycle", "add_faults: smtp sender-denied", "expect" ...
  std::size_t checks_begin = 0, checks_end = 0;  // its checks: RunResult::checks[begin, end)
  Picture picture;
  std::vector<connector::Event> events;  // logged during the step, as events.jsonl holds them
  std::vector<std::string> transcripts;  // "pop3 session 3:\nC: USER bob\nS: +OK ..." per session
  std::vector<std::string> notes;        // the runner's notes (cycle counts, telnet) of the step
  std::string error;                     // the step threw: the run stops here
};

struct RunResult {
  std::string id;
  std::string file;
  connector::Profile profile = connector::Profile::Robust;
  bool passed = false;
  double seconds = 0;
  std::string started;  // ISO 8601 UTC, e.g. 2026-11-29T22:40:00Z
  std::vector<CheckResult> checks;
  std::string error;                   // the run could not go on (set-up, a step threw)
  std::vector<std::string> transcript;  // telnet sessions and notes, for the reader
  std::string sandbox;                  // kept only when asked
  std::vector<StepRecord> steps;        // one per step run, in order
  std::string html;                     // the run's page of an HTML report, when one was written
  DoctorReading doctor;                 // the doctor's reading at the symptom and after the remedy

  // "file:line: what: detail" for every failed check, and the error.
  std::vector<std::string> failures() const;
  // The first failure, for a one-line table.
  std::string why() const;
};

}  // namespace maillab::runner
