#pragma once
// Messages in their wire form, shared by the maildrops given the same cache (a server's
// Mailboxes hands out one) and their sessions, and bounded in octets (least recently used go first). Keyed by file identity (device,
// inode, size, mtime), so hard links and unchanged files are read and stuffed once, and
// a maildrop of any size costs memory only for what is being served.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace maillab::pop3 {

struct FileKey {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileKey&) const = default;
};

class WireCache {
 public:
  static constexpr std::uint64_t kDefaultBudget = 32u << 20;
  explicit WireCache(std::uint64_t budget) : budget_(budget) {}

  std::shared_ptr<const std::string> get(const FileKey& key);
  void put(const FileKey& key, std::shared_ptr<const std::string> wire);
  void set_budget(std::uint64_t octets);
  std::uint64_t octets() const;

 private:
  struct Hash {
    std::size_t operator()(const FileKey& k) const {
      return std::hash<std::uint64_t>()(k.inode * 1000003u ^ k.device ^ static_cast<std::uint64_t>(k.mtime_ns));
    }
  };
  using Lru = std::list<std::pair<FileKey, std::shared_ptr<const std::string>>>;
  void evict_locked();

  mutable std::mutex mutex_;
  std::uint64_t budget_;
  std::uint64_t octets_ = 0;
  Lru lru_;  // front: most recent
  std::unordered_map<FileKey, Lru::iterator, Hash> index_;
};

}  // namespace maillab::pop3
