#pragma once
// Hands message files from the download threads to the one delivery thread.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>

#include "delivery_stage.hpp"

namespace maillab::connector {

using OutcomeCallback = std::function<void(Outcome)>;

class JobQueue {
 public:
  void push(DeliveryJob job, OutcomeCallback done) {
    std::lock_guard lock(mutex_);
    jobs_.emplace_back(std::move(job), std::move(done));
    cv_.notify_one();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
  }
  // False once closed and drained.
  bool pop(DeliveryJob& job, OutcomeCallback& done) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
    if (jobs_.empty()) return false;
    job = std::move(jobs_.front().first);
    done = std::move(jobs_.front().second);
    jobs_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::pair<DeliveryJob, OutcomeCallback>> jobs_;
  bool closed_ = false;
};

}  // namespace maillab::connector
