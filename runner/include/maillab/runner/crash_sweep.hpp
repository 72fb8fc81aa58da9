#pragma once
// The crash-point sweep of issue 12 (after SQLite's crash tests): a connector cycle is run
// once to count the operations through its file-system and socket seams; then, for every
// N, a fresh world (in-process POP3 and SMTP simulators, a sandbox) runs the cycle in a
// forked child whose CrashPlan strikes at operation N (the process ends, or that one
// operation fails), the parent runs recovery cycles until the mail is settled, and the
// conservation check judges where every message ended.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/runner/crash_plan.hpp"

namespace maillab::runner {

enum class SweepDelivery {
  Pickup,  // into PickUp, on another file system (rename across it fails with EXDEV)
  Smtp,
};

struct SweepMode {
  SweepDelivery delivery = SweepDelivery::Smtp;
  connector::Profile profile = connector::Profile::Robust;
  CrashAction action = CrashAction::Exit;
};
std::string mode_name(const SweepMode& mode);  // "smtp robust kill"

struct SweepOptions {
  std::string work_dir;     // sandboxes; "": /dev/shm when there, else the temporary directory
  std::uint64_t every = 1;  // every k-th point
  std::uint64_t first = 0;  // only points up to this one; 0: all
  int messages = 3;         // on the POP3 server at the start
};

struct SweepResult {
  SweepMode mode;
  std::uint64_t operations = 0;  // counted in a cycle without a strike
  std::uint64_t points = 0;      // points struck
  std::uint64_t lost = 0;        // points after which a message was in no known place
  std::uint64_t duplicated = 0;  // points after which a message was in two places or delivered twice
  std::uint64_t max_extra = 0;   // the most extra copies after one point
  std::uint64_t stuck = 0;       // points after which recovery left a message undelivered
  std::uint64_t littered = 0;    // points after which a dot name (a temporary, a record) stayed behind
  std::map<std::string, int> duplicate_points;  // the operation struck -> points that doubled mail there
  std::vector<std::string> problems;            // the first few, with their point
};

SweepResult run_crash_sweep(const SweepMode& mode, const SweepOptions& options);

// One line per mode: mode, operations, points, lost, duplicated, most extra copies, stuck,
// littered, then where duplicates came from.
std::string sweep_table(const std::vector<SweepResult>& results);

}  // namespace maillab::runner
