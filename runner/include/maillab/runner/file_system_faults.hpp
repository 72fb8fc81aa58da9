#pragma once
// File-system events on the connector's folders, applied at the connector's file-system
// seam the way they happen on a real server: an on-access antivirus scanner that, as the
// Nth message file is closed in a folder, renames it to another extension or holds an
// exclusive lock on it (KB 885685, CDO step 4h). The connector sees only the result on
// disk: a file with another name, a lock, a failing read.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "maillab/connector/file_system.hpp"

namespace maillab::runner {

// What the scanner does to the file it flags.
enum class Antivirus {
  Rename,  // to .vir
  Lock,    // an exclusive lock until the scanner is excluded
};

class FileSystemFaults final : public connector::FileSystem {
 public:
  explicit FileSystemFaults(connector::FileSystem& inner) : inner_(inner) {}
  ~FileSystemFaults() override;

  // The nth message file committed into `folder` (a path).
  void antivirus(std::string folder, Antivirus action, int nth);
  // Stops the scanner and releases its locks (renamed files stay renamed).
  void clear();

  bool is_dir(const std::string& path) override { return inner_.is_dir(path); }
  void make_dir(const std::string& path) override { inner_.make_dir(path); }
  std::vector<std::string> list(const std::string& dir) override { return inner_.list(dir); }
  std::string read(const std::string& path) override { return inner_.read(path); }
  bool exists(const std::string& path) override { return inner_.exists(path); }
  std::unique_ptr<connector::PendingFile> create(const std::string& final_path) override;
  void commit(std::vector<std::unique_ptr<connector::PendingFile>>& files) override;
  void abandon(std::unique_ptr<connector::PendingFile> file) override;
  void move(const std::string& from, const std::string& to) override { inner_.move(from, to); }
  void remove(const std::string& path) override { inner_.remove(path); }
  void append(const std::string& path, std::string_view text) override { inner_.append(path, text); }
  void replace(const std::string& path, std::string_view text, bool durable) override {
    inner_.replace(path, text, durable);
  }

 private:
  void scanned(const std::string& path);

  connector::FileSystem& inner_;
  std::mutex mutex_;
  std::string av_folder_;
  Antivirus av_action_ = Antivirus::Rename;
  int av_nth_ = 0, av_seen_ = 0;
  std::vector<int> locks_;
};

}  // namespace maillab::runner
