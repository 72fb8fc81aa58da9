#pragma once
// What the threads of one cycle share: the policy, the queue into the delivery stage, and
// the report they add to.
#include <functional>
#include <mutex>

#include "job_queue.hpp"
#include "maillab/connector/connector.hpp"
#include "profile_policy.hpp"

namespace maillab::connector {

struct CycleContext {
  explicit CycleContext(ProfilePolicy& p) : policy(p) {}
  ProfilePolicy& policy;
  JobQueue queue;
  void add(const std::function<void(CycleReport&)>& f) {
    std::lock_guard lock(mutex_);
    f(report_);
  }
  // Only while no other thread of the cycle runs.
  CycleReport& report() { return report_; }

 private:
  std::mutex mutex_;
  CycleReport report_;
};

}  // namespace maillab::connector
