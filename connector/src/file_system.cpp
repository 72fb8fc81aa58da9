#include "maillab/connector/file_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

namespace maillab::connector {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  int e = errno;
  throw FsError(what + " " + path + ": " + std::strerror(e), e);
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open folder", dir);
  ::fsync(fd);
  ::close(fd);
}

class PosixPending final : public PendingFile {
 public:
  explicit PosixPending(std::string final_path)
      : final_(std::move(final_path)), tmp_(dir_of(final_) + "/." + base_of(final_) + ".tmp") {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot create", tmp_);
  }
  ~PosixPending() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }
  void write(std::string_view bytes) override {
    // Lines arrive one at a time; gather them so a message costs a few write calls.
    buffer_ += bytes;
    size_ += bytes.size();
    if (buffer_.size() >= 64 * 1024) flush();
  }
  std::uint64_t size() const override { return size_; }
  void flush() {
    write_all(fd_, buffer_, tmp_);
    buffer_.clear();
  }
  int fd() const { return fd_; }
  void closed() {
    ::close(fd_);
    fd_ = -1;
  }
  const std::string& tmp() const { return tmp_; }
  const std::string& final_path() const { return final_; }

 private:
  std::string final_, tmp_;
  int fd_ = -1;
  std::string buffer_;
  std::uint64_t size_ = 0;
};

}  // namespace

bool PosixFileSystem::is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void PosixFileSystem::make_dir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw FsError("cannot create folder " + path + ": " + ec.message(), ec.value());
}

std::vector<std::string> PosixFileSystem::list(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) fail("cannot list", dir);
  std::vector<std::string> out;
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type == DT_DIR) continue;
    out.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string PosixFileSystem::read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open", path);
  // Windows opens files with share modes, so a file an antivirus scanner holds is "access
  // denied"; the nearest POSIX event is a scanner's exclusive flock, honoured here.
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    int e = errno == EWOULDBLOCK ? EACCES : errno;
    ::close(fd);
    errno = e;
    fail("cannot open (locked by another program)", path);
  }
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail("cannot read", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool PosixFileSystem::exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::unique_ptr<PendingFile> PosixFileSystem::create(const std::string& final_path) {
  return std::make_unique<PosixPending>(final_path);
}

void PosixFileSystem::commit(std::vector<std::unique_ptr<PendingFile>>& files) {
  if (files.empty()) return;
  std::set<std::string> dirs;
  for (auto& f : files) static_cast<PosixPending&>(*f).flush();
  // One flush of the whole file system instead of an fsync per file (ext4 commits its
  // journal on each fsync; a batch of 64 messages then costs one commit).
  if (::syncfs(static_cast<PosixPending&>(*files.front()).fd()) != 0)
    fail("cannot flush", static_cast<PosixPending&>(*files.front()).tmp());
  for (auto& f : files) {
    auto& p = static_cast<PosixPending&>(*f);
    p.closed();
    if (::rename(p.tmp().c_str(), p.final_path().c_str()) != 0) fail("cannot rename", p.tmp());
    dirs.insert(dir_of(p.final_path()));
  }
  for (auto& d : dirs) sync_dir(d);
  files.clear();
}

void PosixFileSystem::abandon(std::unique_ptr<PendingFile> file) { file.reset(); }

void PosixFileSystem::move(const std::string& from, const std::string& to) {
  // No copy fallback across file systems: a copy and an unlink are two steps, and a kill
  // between them leaves the file in both places. The caller that may cross (the hand-over
  // to PickUp) records the hand-over between the steps (delivery_stage.cpp).
  if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot move", from);
  sync_dir(dir_of(to));
}

void PosixFileSystem::remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("cannot remove", path);
}

void PosixFileSystem::append(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open", path);
  write_all(fd, text, path);
  ::fdatasync(fd);
  ::close(fd);
}

void PosixFileSystem::replace(const std::string& path, std::string_view text, bool durable) {
  if (!durable) {
    PosixPending file(path);
    file.write(text);
    file.flush();
    file.closed();
    if (::rename(file.tmp().c_str(), path.c_str()) != 0) fail("cannot rename", file.tmp());
    return;
  }
  std::vector<std::unique_ptr<PendingFile>> batch;
  batch.push_back(create(path));
  batch.back()->write(text);
  commit(batch);
}

}  // namespace maillab::connector
