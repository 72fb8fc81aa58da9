#pragma once

#include <atomic>
#include <mutex>
#include <unordered_map>
#include <string>
#include <string_view>

#include "message_store.hpp"

namespace maillab::smtp {

// The files of the simulated Exchange store. A file appears whole under its final name or
// not at all: it is written to an unnamed inode (O_TMPFILE) and linked into its folder,
// one directory operation per message; on a file system without O_TMPFILE it is written
// to a hidden temporary name and renamed. Plain POSIX calls on purpose: this is the hot
// path of every delivery, and an open directory handle per folder spares the path walk.
class StoreFiles final : public MessageStore {
 public:
  enum class Naming {
    Unnamed,  // O_TMPFILE and linkat, while the file system has them
    Renamed,  // a hidden temporary name, then rename
  };
  explicit StoreFiles(Naming naming = Naming::Unnamed) : naming_(naming) {}
  StoreFiles(const StoreFiles&) = delete;
  StoreFiles& operator=(const StoreFiles&) = delete;
  ~StoreFiles() override;

  // Writes `text` as dir/name (creating dir); throws std::runtime_error naming the path.
  // Thread-safe; callers give distinct names.
  void put(const std::string& dir, const std::string& name, std::string_view text) override;
  std::optional<std::string> get(const std::string& dir, const std::string& name) const override;

 private:
  int directory(const std::string& dir);
  void forget(const std::string& dir);

  std::atomic<Naming> naming_;  // Renamed from the first time O_TMPFILE is refused
  std::mutex mutex_;
  std::unordered_map<std::string, int> dirs_;  // open O_PATH handles, one per folder
};

}  // namespace maillab::smtp
