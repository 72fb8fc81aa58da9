#include "maillab/runner/crash_plan.hpp"

#include <unistd.h>

#include <cerrno>

#include "maillab/connector/channel.hpp"
#include "maillab/connector/file_system.hpp"

namespace maillab::runner {

std::string_view crash_action_name(CrashAction a) {
  switch (a) {
    case CrashAction::Exit: return "kill";
    case CrashAction::FailEio: return "EIO";
    case CrashAction::FailEnospc: return "ENOSPC";
    case CrashAction::FailReset: return "ECONNRESET";
  }
  return "?";
}

CrashPlan::CrashPlan(std::uint64_t at, CrashAction action, int report_fd)
    : at_(at), action_(action), report_fd_(report_fd) {}

bool CrashPlan::counts(Seam seam, bool can_fail) const {
  if (!can_fail && action_ != CrashAction::Exit) return false;
  switch (action_) {
    case CrashAction::Exit: return true;
    case CrashAction::FailEio:
    case CrashAction::FailEnospc: return seam == Seam::FileSystem;
    case CrashAction::FailReset: return seam == Seam::Channel;
  }
  return false;
}

void CrashPlan::report(const std::string& line) {
  if (report_fd_ < 0) return;
  std::string_view rest = line;
  while (!rest.empty()) {
    auto n = ::write(report_fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

void CrashPlan::report_done() { report("done\t" + std::to_string(count()) + "\n"); }

std::uint64_t CrashPlan::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

void CrashPlan::before(Seam seam, const std::string& what, bool can_fail) {
  if (!counts(seam, can_fail)) return;
  std::unique_lock lock(mutex_);
  last_[std::this_thread::get_id()] = what;
  if (++count_ != at_) return;
  std::string line = "hit\t" + std::to_string(count_) + "\t" + what;
  for (const auto& [id, op] : last_)
    if (id != std::this_thread::get_id()) line += " | " + op;
  report(line + "\n");
  lock.unlock();
  switch (action_) {
    case CrashAction::Exit: ::_exit(70);  // no destructor, no flush: a kill
    case CrashAction::FailEio: throw connector::FsError(what + ": input/output error (injected)", EIO);
    case CrashAction::FailEnospc: throw connector::FsError(what + ": no space left on device (injected)", ENOSPC);
    case CrashAction::FailReset:
      throw connector::ChannelError(connector::ChannelError::Kind::Closed, 10054,
                                    what + ": connection reset by peer (injected)");
  }
}

}  // namespace maillab::runner
