#include "memory_store.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace maillab::smtp {

// Small budgets (tests) get small blocks, so eviction stays close to the budget.
MemoryStore::MemoryStore(std::uint64_t budget)
    : budget_(budget), block_size_(static_cast<std::size_t>(std::clamp<std::uint64_t>(budget / 8, 1, 4u << 20))) {}

MemoryStore::Block& MemoryStore::room_for(std::size_t size) {
  if (!blocks_.empty() && blocks_.back().capacity - blocks_.back().used >= size) return blocks_.back();
  const std::size_t capacity = std::max(block_size_, size);
  Block block = spare_.capacity >= capacity ? std::move(spare_) : Block{};
  spare_ = Block{};
  if (!block.data || block.capacity < capacity) {
    block.data = std::make_unique_for_overwrite<char[]>(capacity);
    block.capacity = capacity;
  }
  block.used = 0;
  block.keys.clear();
  bytes_ += block.capacity;
  blocks_.push_back(std::move(block));
  return blocks_.back();
}

void MemoryStore::drop_oldest() {
  auto& old = blocks_.front();
  for (auto& key : old.keys) texts_.erase(key);
  evicted_ += old.keys.size();
  bytes_ -= old.capacity;
  if (old.capacity > spare_.capacity) spare_ = std::move(old);
  blocks_.pop_front();
}

void MemoryStore::put(const std::string& dir, const std::string& name, std::string_view text) {
  std::string key = dir + "/" + name;
  std::lock_guard lock(mutex_);
  // Room first: a refused duplicate then leaves at most an empty block behind.
  auto& block = room_for(text.size());
  auto [slot, added] = texts_.try_emplace(key);
  if (!added) throw std::runtime_error("cannot store " + key + ": it exists");
  char* at = block.data.get() + block.used;
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  block.used += text.size();
  slot->second = std::string_view(at, text.size());
  block.keys.push_back(std::move(key));
  // The newest block always stays, even when one text alone is over the budget.
  while (bytes_ > budget_ && blocks_.size() > 1) drop_oldest();
}

std::optional<std::string> MemoryStore::get(const std::string& dir, const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = texts_.find(dir + "/" + name);
  if (it == texts_.end()) return std::nullopt;
  return std::string(it->second);
}

std::uint64_t MemoryStore::evicted() const {
  std::lock_guard lock(mutex_);
  return evicted_;
}

}  // namespace maillab::smtp
