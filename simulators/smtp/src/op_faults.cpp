#include "op_faults.hpp"

#include <unistd.h>

#include <cerrno>

namespace maillab::smtp {

int CountedOps::open(int dirfd, const char* path, int flags, mode_t mode) {
  return next() ? inner_.open(dirfd, path, flags, mode) : -1;
}
ssize_t CountedOps::read(int fd, void* data, std::size_t size) { return next() ? inner_.read(fd, data, size) : -1; }
ssize_t CountedOps::write(int fd, const void* data, std::size_t size) {
  return next() ? inner_.write(fd, data, size) : -1;
}
int CountedOps::close(int fd) {
  if (next()) return inner_.close(fd);
  inner_.close(fd);  // close(2) releases the descriptor even when it reports an error
  return -1;
}
int CountedOps::link(int fromdir, const char* from, int todir, const char* to, int flags) {
  return next() ? inner_.link(fromdir, from, todir, to, flags) : -1;
}
int CountedOps::rename(int fromdir, const char* from, int todir, const char* to, unsigned flags) {
  return next() ? inner_.rename(fromdir, from, todir, to, flags) : -1;
}
int CountedOps::unlink(int dirfd, const char* path) { return next() ? inner_.unlink(dirfd, path) : -1; }
int CountedOps::make_dirs(const std::string& path) { return next() ? inner_.make_dirs(path) : -1; }

bool FailAtOp::proceed(std::uint64_t n) {
  if (n != n_) return true;
  errno = error_;
  return false;
}

bool CrashAtOp::proceed(std::uint64_t n) {
  if (n == n_) ::_exit(code_);
  return true;
}

}  // namespace maillab::smtp
