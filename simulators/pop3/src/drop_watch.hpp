#pragma once
// Which files of a drop directory changed since the maildrop last looked. A logon re-reads
// the drop, and stat()ing every file costs about 1.5 us each: for seed 004's pile of 2,000
// refused messages left on the server that is 3 ms per logon, every cycle. inotify reports
// the names that were created, written, renamed or removed, so a logon re-checks only those.
// Linux only, like the rest of the simulators.
#include <filesystem>
#include <optional>
#include <set>
#include <string>

namespace maillab::pop3 {

class DropWatch {
 public:
  // Below this many files a full re-read is as cheap, and no inotify instance (there are
  // 128 per user by default) is spent on the drop.
  static constexpr std::size_t kWatchFrom = 256;

  DropWatch() = default;
  ~DropWatch();
  DropWatch(const DropWatch&) = delete;
  DropWatch& operator=(const DropWatch&) = delete;

  // Starts watching `dir` (no watch when inotify cannot). Call before the full read that
  // the watch then keeps current, so a change during that read is not missed.
  void start(const std::filesystem::path& dir);
  bool watching() const { return fd_ >= 0; }
  // The names changed since the last call; nullopt when everything must be read again (no
  // watch, the kernel's queue overflowed, or the directory itself went away).
  std::optional<std::set<std::string>> changes();
  // Forget the watch: the next changes() asks for a full read.
  void stop();

 private:
  int fd_ = -1;
};

}  // namespace maillab::pop3
