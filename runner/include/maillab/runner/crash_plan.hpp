#pragma once
// The crash-point sweep's counter (issue 12): every operation through the connector's
// file-system and socket seams asks the plan first; the plan counts them and, at the
// chosen one, either ends the process (_exit, as a kill or a power cut of the connector
// would) or fails that one operation with an error (EIO, ENOSPC, a connection reset).
// What it hit is written to a pipe for the parent process to read.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace maillab::runner {

enum class Seam { FileSystem, Channel };

enum class CrashAction {
  Exit,        // the process ends before the operation (every seam counts)
  FailEio,     // the file-system operation fails with EIO (file-system operations count)
  FailEnospc,  // ... with ENOSPC
  FailReset,   // the socket operation fails: connection reset (socket operations count)
};
std::string_view crash_action_name(CrashAction a);

class CrashPlan {
 public:
  // `at` 0: never strike, only count. `report_fd` -1: report nothing.
  CrashPlan(std::uint64_t at, CrashAction action, int report_fd);

  // Before each operation of `seam`; `what` names it for the report ("smtp read 1 after
  // DATA", "commit Incoming Mail"). Returns, throws the seam's error, or never returns.
  // The report names the operation struck and, after " | ", where each other thread of
  // the process was (its last operation): a kill ends them all wherever they are.
  // `can_fail` false: an operation that never reports an error (Channel::close), struck
  // only by a kill.
  void before(Seam seam, const std::string& what, bool can_fail = true);
  std::uint64_t count() const;
  // The end of a run the plan did not end: "done <count>".
  void report_done();

 private:
  bool counts(Seam seam, bool can_fail) const;
  void report(const std::string& line);

  std::uint64_t at_;
  CrashAction action_;
  int report_fd_;
  mutable std::mutex mutex_;
  std::uint64_t count_ = 0;
  std::map<std::thread::id, std::string> last_;  // each thread's last operation
};

}  // namespace maillab::runner
