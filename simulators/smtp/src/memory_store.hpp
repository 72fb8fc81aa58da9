#pragma once
// Delivered mail kept in memory, for a server without a store directory (the smtp-sink
// use: a load test or a demo that only needs the replies and where each message went).
// Bounded: past `budget` bytes the oldest texts are dropped (their placements stay), so a
// long run cannot exhaust memory.
//
// Texts are packed into large blocks rather than one heap string each: measured on the
// SMTP benchmark, a 4 KB allocation per message grew the I/O thread's malloc arena by
// one mprotect and fresh pages per message, about 70 us of CPU per message (a quarter of
// the server's time). Blocks are dropped whole, oldest first, and the memory of a dropped
// block is reused for the next one.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "message_store.hpp"

namespace maillab::smtp {

class MemoryStore final : public MessageStore {
 public:
  explicit MemoryStore(std::uint64_t budget);
  // All copies or none; the handed-over file is removed first (memory does not outlive
  // a crash anyway).
  void put_all(std::span<const StoredCopy> copies, const std::string& handover) override;
  std::optional<std::string> get(const std::string& dir, const std::string& name) const override;
  void recover(const std::function<void(std::string_view)>&) override {}
  std::uint64_t evicted() const;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0, used = 0;
    std::vector<std::string> keys;  // of the texts in it, to forget them with it
  };
  Block& room_for(std::size_t size);
  void keep_locked(std::string key, std::string_view text);
  void drop_oldest();

  const std::uint64_t budget_;
  const std::size_t block_size_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string_view> texts_;  // by dir + "/" + name
  std::deque<Block> blocks_;                                // oldest first
  Block spare_;                                             // a dropped block's memory, for reuse
  std::uint64_t bytes_ = 0, evicted_ = 0;                   // bytes_: capacity of blocks_
};

}  // namespace maillab::smtp
