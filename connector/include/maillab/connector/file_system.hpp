#pragma once
// The connector's file-system seam. Everything the connector does to folders goes through
// here, so unit tests can mock a full disk or an access-denied file, and the crash-safety
// rules live in one place: a message file appears under its final name only after its
// bytes are durable, and a batch shares one flush.
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::connector {

class FsError : public std::runtime_error {
 public:
  FsError(const std::string& what, int error) : std::runtime_error(what), error_(error) {}
  int error() const { return error_; }  // errno

 private:
  int error_;
};

// A file being written under a temporary name.
class PendingFile {
 public:
  virtual ~PendingFile() = default;
  virtual void write(std::string_view bytes) = 0;
  virtual std::uint64_t size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual bool is_dir(const std::string& path) = 0;
  virtual void make_dir(const std::string& path) = 0;
  // Regular files in `dir`, sorted by name; throws FsError when `dir` is missing.
  virtual std::vector<std::string> list(const std::string& dir) = 0;
  virtual std::string read(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  // A new file that becomes `final_path` at commit; invisible under that name until then.
  virtual std::unique_ptr<PendingFile> create(const std::string& final_path) = 0;
  // Makes every pending file durable (one flush for the batch), renames each into place,
  // and makes the renames durable. The files are closed.
  virtual void commit(std::vector<std::unique_ptr<PendingFile>>& files) = 0;
  // Drops a pending file (its temporary is removed).
  virtual void abandon(std::unique_ptr<PendingFile> file) = 0;
  // Atomic move (one rename); durable when it returns. Across file systems it throws
  // FsError with EXDEV: the caller decides how to cross (DeliveryStage::to_pickup).
  virtual void move(const std::string& from, const std::string& to) = 0;
  virtual void remove(const std::string& path) = 0;
  // Appends and flushes (the UIDL journal).
  virtual void append(const std::string& path, std::string_view text) = 0;
  // Replaces the content atomically (temporary, rename); flushed first when `durable`.
  virtual void replace(const std::string& path, std::string_view text, bool durable) = 0;
};

// POSIX, Linux: syncfs() flushes a batch at once, which is what makes a per-message
// durable store cheap (one flush per batch instead of one fsync per file).
class PosixFileSystem final : public FileSystem {
 public:
  bool is_dir(const std::string& path) override;
  void make_dir(const std::string& path) override;
  std::vector<std::string> list(const std::string& dir) override;
  std::string read(const std::string& path) override;
  bool exists(const std::string& path) override;
  std::unique_ptr<PendingFile> create(const std::string& final_path) override;
  void commit(std::vector<std::unique_ptr<PendingFile>>& files) override;
  void abandon(std::unique_ptr<PendingFile> file) override;
  void move(const std::string& from, const std::string& to) override;
  void remove(const std::string& path) override;
  void append(const std::string& path, std::string_view text) override;
  void replace(const std::string& path, std::string_view text, bool durable) override;
};

}  // namespace maillab::connector
