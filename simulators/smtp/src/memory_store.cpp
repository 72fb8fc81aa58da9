#include "memory_store.hpp"

#include <algorithm>
#include <cstring>
#include <cerrno>
#include <stdexcept>

#include <unistd.h>

#include "maillab/smtp/path_names.hpp"

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

void MemoryStore::keep_locked(std::string key, std::string_view text) {
  // Room first: the key is known to be new, so nothing fails after it.
  auto& block = room_for(text.size());
  char* at = block.data.get() + block.used;
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  block.used += text.size();
  texts_.emplace(key, std::string_view(at, text.size()));
  block.keys.push_back(std::move(key));
  // The newest block always stays, even when one text alone is over the budget.
  while (bytes_ > budget_ && blocks_.size() > 1) drop_oldest();
}

void MemoryStore::put_all(std::span<const StoredCopy> copies, const std::string& handover) {
  std::vector<std::string> keys;
  keys.reserve(copies.size());
  for (const auto& c : copies) {
    if (auto why = unsafe_name(c.name)) throw StoreError("refused to store " + c.dir + "/" + c.name + ": the name " + *why, 0);
    keys.push_back(c.dir + "/" + c.name);
  }
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (texts_.count(keys[i]) || std::find(keys.begin(), keys.begin() + i, keys[i]) != keys.begin() + i)
      throw StoreError("cannot store " + keys[i] + ": it exists", EEXIST);
  if (!handover.empty() && ::unlink(handover.c_str()) != 0)
    throw StoreError("cannot store (taking over) " + handover + ": " + std::strerror(errno), errno);
  for (std::size_t i = 0; i < keys.size(); ++i) keep_locked(std::move(keys[i]), copies[i].text);
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
