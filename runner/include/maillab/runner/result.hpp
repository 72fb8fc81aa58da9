#pragma once
// What one run of a scenario under one profile found: every check with its verdict, in
// the order the steps ran, ending with the conservation check.
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"

namespace maillab::runner {

struct CheckResult {
  std::string step;  // "steps[3]" or "remedy.steps[1]" or "conservation"
  int line = 0;      // in the scenario file
  std::string what;  // "events 1046", "folders.Incoming Mail", "telnet pop3" ...
  bool passed = false;
  std::string detail;  // expected and found
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

  // "file:line: what: detail" for every failed check, and the error.
  std::vector<std::string> failures() const;
  // The first failure, for a one-line table.
  std::string why() const;
};

}  // namespace maillab::runner
