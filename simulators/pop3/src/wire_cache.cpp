#include "maillab/pop3/wire_cache.hpp"

namespace maillab::pop3 {

std::shared_ptr<const std::string> WireCache::get(const FileKey& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void WireCache::put(const FileKey& key, std::shared_ptr<const std::string> wire) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    octets_ -= it->second->second->size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  octets_ += wire->size();
  lru_.emplace_front(key, std::move(wire));
  index_[key] = lru_.begin();
  evict_locked();
}

void WireCache::set_budget(std::uint64_t octets) {
  std::lock_guard lock(mutex_);
  budget_ = octets;
  evict_locked();
}

std::uint64_t WireCache::octets() const {
  std::lock_guard lock(mutex_);
  return octets_;
}

void WireCache::evict_locked() {
  // The newest entry stays even when it alone is over budget: it is about to be sent.
  while (octets_ > budget_ && lru_.size() > 1) {
    octets_ -= lru_.back().second->size();
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace maillab::pop3
