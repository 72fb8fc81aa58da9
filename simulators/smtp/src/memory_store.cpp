#include "memory_store.hpp"

namespace maillab::smtp {

void MemoryStore::put(const std::string& dir, const std::string& name, std::string_view text) {
  std::string key = dir + "/" + name;
  std::lock_guard lock(mutex_);
  auto [it, added] = texts_.try_emplace(key, text);
  if (!added) throw std::runtime_error("cannot store " + key + ": it exists");
  bytes_ += text.size();
  order_.push_back(std::move(key));
  while (bytes_ > budget_ && !order_.empty()) {
    auto old = texts_.find(order_.front());
    bytes_ -= old->second.size();
    texts_.erase(old);
    order_.pop_front();
    ++evicted_;
  }
}

std::optional<std::string> MemoryStore::get(const std::string& dir, const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = texts_.find(dir + "/" + name);
  if (it == texts_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t MemoryStore::evicted() const {
  std::lock_guard lock(mutex_);
  return evicted_;
}

}  // namespace maillab::smtp
