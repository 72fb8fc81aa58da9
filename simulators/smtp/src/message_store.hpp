#pragma once
// Where the simulated Exchange store keeps delivered mail: files under a directory
// (StoreFiles) or, for a server started without one, memory (MemoryStore).
#include <cerrno>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace maillab::smtp {

// A store failure: what() names the path and the reason, code() is the errno (0 when the
// store refused a name).
class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  // Worth trying again later (a full disk, an I/O error, no descriptors left).
  bool transient() const {
    return code_ == ENOSPC || code_ == EDQUOT || code_ == EIO || code_ == EAGAIN || code_ == ENOMEM ||
           code_ == EMFILE || code_ == ENFILE || code_ == EINTR || code_ == EBUSY;
  }

 private:
  int code_;
};

// One file of a delivery: dir/name holding text.
struct StoredCopy {
  const std::string& dir;
  std::string name;
  std::string_view text;
};

class MessageStore {
 public:
  virtual ~MessageStore() = default;
  // Keeps every copy, all visible together or none: on failure (a StoreError) nothing of
  // this call is left. `handover`, when given, is a file the caller passes to the store
  // (a pickup file): it is removed in the same commit, so a crash leaves the copies or
  // the file, never both and never neither. Names must be single path components
  // (path_names.hpp); an existing file is never replaced. Thread-safe; callers give
  // distinct names.
  virtual void put_all(std::span<const StoredCopy> copies, const std::string& handover) = 0;
  void put(const std::string& dir, const std::string& name, std::string_view text) {
    StoredCopy copy{dir, name, text};
    put_all({&copy, 1}, {});
  }
  // What dir/name holds; nullopt when it is gone (or was never there).
  virtual std::optional<std::string> get(const std::string& dir, const std::string& name) const = 0;
  // After a crash: completes or undoes what a delivery left half done, removes temporary
  // files, and calls `seen` with the name of every stored file (to resume the queue ids).
  virtual void recover(const std::function<void(std::string_view name)>& seen) = 0;
};

}  // namespace maillab::smtp
