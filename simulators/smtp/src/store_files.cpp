#include "store_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "maillab/base/files.hpp"

namespace fs = std::filesystem;

namespace maillab::smtp {

namespace {

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    auto n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// linkat(AT_EMPTY_PATH) names the file without a path walk; before Linux 6.10 it needs
// CAP_DAC_READ_SEARCH, so on EPERM/ENOENT the /proc path is used from then on.
std::atomic<bool> empty_path_works{true};

bool link_unnamed(int fd, int dirfd, const std::string& name) {
  if (empty_path_works.load(std::memory_order_relaxed)) {
    if (::linkat(fd, "", dirfd, name.c_str(), AT_EMPTY_PATH) == 0) return true;
    if (errno != EPERM && errno != ENOENT) return false;
  }
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, proc.c_str(), dirfd, name.c_str(), AT_SYMLINK_FOLLOW) != 0) return false;
  empty_path_works.store(false, std::memory_order_relaxed);
  return true;
}

enum class Linked { Done, Unsupported, Failed };  // Failed leaves errno set

Linked put_unnamed(int dirfd, const std::string& name, std::string_view text) {
  int fd = ::openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? Linked::Unsupported : Linked::Failed;
  bool ok = write_all(fd, text) && link_unnamed(fd, dirfd, name);
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok ? Linked::Done : Linked::Failed;
}

bool put_renamed(int dirfd, const std::string& name, std::string_view text) {
  std::string tmp = "." + name + ".tmp";
  int fd = ::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = write_all(fd, text);
  // Like linkat, never over an existing file.
  ok = (::close(fd) == 0) && ok && ::renameat2(dirfd, tmp.c_str(), dirfd, name.c_str(), RENAME_NOREPLACE) == 0;
  if (!ok) {
    int saved = errno;
    ::unlinkat(dirfd, tmp.c_str(), 0);
    errno = saved;
  }
  return ok;
}

}  // namespace

StoreFiles::~StoreFiles() {
  for (auto& [dir, fd] : dirs_) ::close(fd);
}

int StoreFiles::directory(const std::string& dir) {
  std::lock_guard lock(mutex_);
  if (auto it = dirs_.find(dir); it != dirs_.end()) return it->second;
  fs::create_directories(dir);
  int fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + dir);
  dirs_.emplace(dir, fd);
  return fd;
}

void StoreFiles::forget(const std::string& dir) {
  std::lock_guard lock(mutex_);
  if (auto it = dirs_.find(dir); it != dirs_.end()) {
    ::close(it->second);
    dirs_.erase(it);
  }
}

void StoreFiles::put(const std::string& dir, const std::string& name, std::string_view text) {
  // A folder removed behind the store's back (a scenario may do that) leaves a handle to a
  // dead directory, which fails with one errno or another: any failure opens it once more.
  int error = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    int dirfd = directory(dir);
    auto linked = naming_.load(std::memory_order_relaxed) == Naming::Unnamed ? put_unnamed(dirfd, name, text)
                                                                              : Linked::Unsupported;
    if (linked == Linked::Unsupported) {
      naming_.store(Naming::Renamed, std::memory_order_relaxed);
      linked = put_renamed(dirfd, name, text) ? Linked::Done : Linked::Failed;
    }
    if (linked == Linked::Done) return;
    error = errno;
    forget(dir);
  }
  throw std::runtime_error("cannot store " + dir + "/" + name + ": " + std::strerror(error));
}

std::optional<std::string> StoreFiles::get(const std::string& dir, const std::string& name) const {
  return read_file(fs::path(dir) / name);
}

}  // namespace maillab::smtp
