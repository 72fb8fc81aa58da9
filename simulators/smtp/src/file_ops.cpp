#include "file_ops.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace maillab::smtp {
namespace {

class SystemFileOps final : public FileOps {
 public:
  int open(int dirfd, const char* path, int flags, mode_t mode) override { return ::openat(dirfd, path, flags, mode); }
  ssize_t read(int fd, void* data, std::size_t size) override { return ::read(fd, data, size); }
  ssize_t write(int fd, const void* data, std::size_t size) override { return ::write(fd, data, size); }
  int close(int fd) override { return ::close(fd); }
  int link(int fromdir, const char* from, int todir, const char* to, int flags) override {
    return ::linkat(fromdir, from, todir, to, flags);
  }
  int rename(int fromdir, const char* from, int todir, const char* to, unsigned flags) override {
    return ::renameat2(fromdir, from, todir, to, flags);
  }
  int unlink(int dirfd, const char* path) override { return ::unlinkat(dirfd, path, 0); }
  int make_dirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (!ec) return 0;
    errno = ec.value();
    return -1;
  }
};

}  // namespace

FileOps& system_file_ops() {
  static SystemFileOps ops;
  return ops;
}

}  // namespace maillab::smtp
