#pragma once
// Delivered mail kept in memory, for a server without a store directory (the smtp-sink
// use: a load test or a demo that only needs the replies and where each message went).
// Bounded: past `budget` bytes the oldest texts are dropped (their placements stay), so a
// long run cannot exhaust memory.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "message_store.hpp"

namespace maillab::smtp {

class MemoryStore final : public MessageStore {
 public:
  explicit MemoryStore(std::uint64_t budget) : budget_(budget) {}
  void put(const std::string& dir, const std::string& name, std::string_view text) override;
  std::optional<std::string> get(const std::string& dir, const std::string& name) const override;
  std::uint64_t evicted() const;

 private:
  const std::uint64_t budget_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> texts_;  // by dir + "/" + name
  std::deque<std::string> order_;                       // keys, oldest first
  std::uint64_t bytes_ = 0, evicted_ = 0;
};

}  // namespace maillab::smtp
