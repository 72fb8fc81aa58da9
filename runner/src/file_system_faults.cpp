#include "maillab/runner/file_system_faults.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

// Remembers the final name, which the wrapped pending file does not tell.
class NamedPending final : public cn::PendingFile {
 public:
  NamedPending(std::unique_ptr<cn::PendingFile> inner, std::string path)
      : inner_(std::move(inner)), path_(std::move(path)) {}
  void write(std::string_view bytes) override { inner_->write(bytes); }
  std::uint64_t size() const override { return inner_->size(); }
  std::unique_ptr<cn::PendingFile> inner_;
  std::string path_;
};

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

FileSystemFaults::~FileSystemFaults() { clear(); }

void FileSystemFaults::antivirus(std::string folder, Antivirus action, int nth) {
  std::lock_guard lock(mutex_);
  av_folder_ = std::move(folder);
  av_action_ = action;
  av_nth_ = nth;
  av_seen_ = 0;
}

void FileSystemFaults::clear() {
  std::lock_guard lock(mutex_);
  av_folder_.clear();
  for (int fd : locks_) ::close(fd);  // closing releases the flock
  locks_.clear();
}

std::unique_ptr<cn::PendingFile> FileSystemFaults::create(const std::string& final_path) {
  return std::make_unique<NamedPending>(inner_.create(final_path), final_path);
}

void FileSystemFaults::abandon(std::unique_ptr<cn::PendingFile> file) {
  auto* named = static_cast<NamedPending*>(file.get());
  inner_.abandon(std::move(named->inner_));
}

void FileSystemFaults::commit(std::vector<std::unique_ptr<cn::PendingFile>>& files) {
  std::vector<std::unique_ptr<cn::PendingFile>> inner;
  std::vector<std::string> paths;
  for (auto& f : files) {
    auto* named = static_cast<NamedPending*>(f.get());
    inner.push_back(std::move(named->inner_));
    paths.push_back(named->path_);
  }
  files.clear();
  inner_.commit(inner);
  // Inside commit, before the connector queues the files: the scanner always wins the
  // race a real on-access scanner usually wins, so the scenario is deterministic.
  for (auto& p : paths) scanned(p);
}

void FileSystemFaults::scanned(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (av_folder_.empty() || dir_of(path) != av_folder_ || ++av_seen_ != av_nth_) return;
  if (av_action_ == Antivirus::Rename) {
    auto dot = path.rfind('.');
    auto renamed = (dot == std::string::npos ? path : path.substr(0, dot)) + ".vir";
    if (std::rename(path.c_str(), renamed.c_str()) != 0)
      throw cn::FsError("antivirus: cannot rename " + path, errno);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (fd >= 0) ::close(fd);
      throw cn::FsError("antivirus: cannot lock " + path, errno);
    }
    locks_.push_back(fd);
  }
}

}  // namespace maillab::runner
