#pragma once
// The file-system calls the store and the pickup service make, as one seam: production
// uses the plain calls (system_file_ops()); tests wrap them in a decorator that fails or
// ends the process at the Nth call (op_faults.hpp), to sweep every crash point of a
// delivery. Each call has the POSIX contract: -1 with errno set on failure.
#include <sys/types.h>

#include <cstddef>
#include <string>

namespace maillab::smtp {

class FileOps {
 public:
  virtual ~FileOps() = default;
  virtual int open(int dirfd, const char* path, int flags, mode_t mode) = 0;  // openat
  virtual ssize_t read(int fd, void* data, std::size_t size) = 0;
  virtual ssize_t write(int fd, const void* data, std::size_t size) = 0;
  virtual int close(int fd) = 0;
  virtual int link(int fromdir, const char* from, int todir, const char* to, int flags) = 0;  // linkat
  // renameat2, never over an existing name when `flags` says RENAME_NOREPLACE
  virtual int rename(int fromdir, const char* from, int todir, const char* to, unsigned flags) = 0;
  virtual int unlink(int dirfd, const char* path) = 0;  // unlinkat(..., 0)
  virtual int make_dirs(const std::string& path) = 0;  // mkdir -p
};

FileOps& system_file_ops();

}  // namespace maillab::smtp
