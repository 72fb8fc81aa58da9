#pragma once
// The one source of time for the connector (ARCHITECTURE.md): the schedule, the log's
// time stamps and the events read it, so tests and scenarios can run on virtual time.
#include <chrono>
#include <mutex>

namespace maillab::connector {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

// Stands still until advanced.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start) : now_(start) {}
  time_point now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void advance(std::chrono::system_clock::duration d) {
    std::lock_guard lock(mutex_);
    now_ += d;
  }

 private:
  mutable std::mutex mutex_;
  time_point now_;
};

}  // namespace maillab::connector
