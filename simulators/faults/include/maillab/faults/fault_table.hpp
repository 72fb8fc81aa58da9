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
  // Listener layer: whether the server takes no connections; dropping() when, besides,
  // connection attempts get no answer at all (blackhole) instead of a refusal.
  bool refusing() const;
  bool dropping() const;
  // TLS layer: what the firing faults of `stage` do (later faults win where they differ).
  TlsPlan on_tls(const Event& event, TlsStage stage);
  // World layer: the settings the installed faults override (later faults win).
  std::map<std::string, std::string> world() const;

  // Keeps an observer subscribed while it lives. It holds the observer list weakly, so
  // either side may go first: a subscription that outlives its table is simply inert.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    // Unsubscribes now: no call starts after this returns (one already under way on
    // another thread may still finish).
    void reset();
    bool active() const { return !observers_.expired(); }

   private:
    friend class FaultTable;
    struct Observers;
    Subscription(std::weak_ptr<Observers> observers, std::uint64_t id) : observers_(std::move(observers)), id_(id) {}
    std::weak_ptr<Observers> observers_;
    std::uint64_t id_ = 0;
  };

  FaultTable();
  ~FaultTable();
  FaultTable(const FaultTable&) = delete;
  FaultTable& operator=(const FaultTable&) = delete;

  // `observer` is called (outside the table's lock, in subscription order) after every
  // change, until the returned subscription is reset or destroyed; a server uses it to
  // open or close its listener, a test or the runner to follow the table.
  [[nodiscard]] Subscription subscribe(std::function<void()> observer);

 private:
  void changed();
  bool subscribed(std::uint64_t observer) const;

  mutable std::mutex mutex_;
  std::vector<std::pair<Id, std::unique_ptr<Fault>>> faults_;
  std::atomic<std::size_t> count_{0};
  Id next_ = 1;
  std::shared_ptr<Subscription::Observers> observers_;
};

}  // namespace maillab::faults
