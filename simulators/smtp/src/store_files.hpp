#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "file_ops.hpp"
#include "message_store.hpp"

namespace maillab::smtp {

// The files of the simulated Exchange store under `root`. A delivery's copies appear
// whole under their final names, all of them or none: each is first written where no
// reader sees it (an unnamed inode, O_TMPFILE; on a file system without O_TMPFILE a
// hidden temporary name), then every one is named. A delivery of more than one file (or
// one that takes over a pickup file) first leaves a journal of the names it is about to
// make in root/.queue, removed once all are made: recover() undoes a delivery a crash
// left half named (or, once its pickup file is gone, keeps it). A single copy needs no
// journal: naming it is one directory operation, so the common delivery costs what it
// did (openat, write, linkat, close). Plain POSIX calls through FileOps on purpose: this
// is the hot path, and an open directory handle per folder spares the path walk.
class StoreFiles final : public MessageStore {
 public:
  enum class Naming {
    Unnamed,  // O_TMPFILE and linkat, while the file system has them
    Renamed,  // a hidden temporary name, then rename
  };
  explicit StoreFiles(std::filesystem::path root, Naming naming = Naming::Unnamed, FileOps& ops = system_file_ops());
  StoreFiles(const StoreFiles&) = delete;
  StoreFiles& operator=(const StoreFiles&) = delete;
  ~StoreFiles() override;

  // Writes the copies (creating their folders); throws StoreError naming the path.
  void put_all(std::span<const StoredCopy> copies, const std::string& handover) override;
  std::optional<std::string> get(const std::string& dir, const std::string& name) const override;
  void recover(const std::function<void(std::string_view name)>& seen) override;

 private:
  // A copy written but not yet named: an open unnamed inode, or a hidden temporary name.
  struct Staged {
    int dirfd = -1;
    int fd = -1;
    std::string temp;
    bool named = false;
  };
  struct Delivery;
  int directory(const std::string& dir);
  void forget(const std::string& dir);
  Staged stage(const StoredCopy& copy);
  bool stage_once(int dirfd, const StoredCopy& copy, Staged& out);
  bool name(Staged& staged, const std::string& name);
  void discard(Staged& staged);
  void write_journal(Delivery& d, std::span<const StoredCopy> copies, const std::string& handover);
  void undo(Delivery& d, std::span<const StoredCopy> copies);

  const std::filesystem::path root_;
  const std::string queue_;  // root/.queue: the journals of deliveries being named
  FileOps& ops_;
  std::atomic<Naming> naming_;  // Renamed from the first time O_TMPFILE is refused
  std::mutex mutex_;
  std::unordered_map<std::string, int> dirs_;  // open O_PATH handles, one per folder
  std::vector<int> retired_;  // handles of folders opened again: another put may still use them
};

}  // namespace maillab::smtp
