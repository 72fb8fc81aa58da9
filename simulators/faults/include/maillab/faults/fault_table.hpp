#pragma once
// The faults installed on one simulator, shared by its sessions and changeable while it
// runs. Every query resolves the installed faults of one layer in a fixed precedence.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "maillab/faults/fault.hpp"

namespace maillab::faults {

class FaultTable {
 public:
  using Id = std::uint64_t;
  struct Entry {
    Id id;
    std::string description;
    std::uint64_t fired;
  };

  Id add(std::unique_ptr<Fault> fault);
  std::vector<Id> add(std::vector<std::unique_ptr<Fault>> faults);
  bool remove(Id id);
  void clear();
  std::vector<Entry> list() const;
  bool empty() const { return count_.load(std::memory_order_acquire) == 0; }

  // Reply layer: the merged verdict of every firing fault. Delays add up, the
  // strongest outcome wins (disconnect, error-and-close, hard, soft, delay, normal).
  Verdict on_reply(const Event& event);
  // Content layer: corrupt `text` as the faults for this message say.
  void on_content(const Event& event, std::string& text);
  // Maildrop layer, as a session locks the maildrop of event.user.
  MaildropPlan on_lock(const Event& event);
  // Listener layer.
  bool refusing() const;
  // World layer: the settings the installed faults override (later faults win).
  std::map<std::string, std::string> world() const;

  // Called (outside the lock) after every change; the server uses it to open or close
  // its listener.
  void on_change(std::function<void()> callback);

 private:
  void changed();

  mutable std::mutex mutex_;
  std::vector<std::pair<Id, std::unique_ptr<Fault>>> faults_;
  std::atomic<std::size_t> count_{0};
  Id next_ = 1;
  std::function<void()> on_change_;
};

}  // namespace maillab::faults
