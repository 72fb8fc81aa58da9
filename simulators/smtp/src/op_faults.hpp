#pragma once
// Decorators over FileOps that tests install to sweep crash points: each counts the
// calls that go through it and acts at one of them. Nothing in production reads them.
#include <cstdint>

#include "file_ops.hpp"

namespace maillab::smtp {

// Passes every call on to `inner` after asking `proceed(n)` (n counts from 1); a call
// not allowed to proceed fails with the errno `proceed` set.
class CountedOps : public FileOps {
 public:
  explicit CountedOps(FileOps& inner) : inner_(inner) {}
  std::uint64_t calls() const { return calls_; }

  int open(int dirfd, const char* path, int flags, mode_t mode) override;
  ssize_t read(int fd, void* data, std::size_t size) override;
  ssize_t write(int fd, const void* data, std::size_t size) override;
  int close(int fd) override;
  int link(int fromdir, const char* from, int todir, const char* to, int flags) override;
  int rename(int fromdir, const char* from, int todir, const char* to, unsigned flags) override;
  int unlink(int dirfd, const char* path) override;
  int make_dirs(const std::string& path) override;

 protected:
  virtual bool proceed(std::uint64_t n) = 0;

 private:
  bool next() { return proceed(++calls_); }
  FileOps& inner_;
  std::uint64_t calls_ = 0;
};

// Counts only: how many operations a run makes, to know the points to sweep.
class CountOps final : public CountedOps {
 public:
  using CountedOps::CountedOps;

 private:
  bool proceed(std::uint64_t) override { return true; }
};

// The Nth operation fails with `error` (EIO, ENOSPC, ...); the others go through.
class FailAtOp final : public CountedOps {
 public:
  FailAtOp(FileOps& inner, std::uint64_t n, int error) : CountedOps(inner), n_(n), error_(error) {}

 private:
  bool proceed(std::uint64_t n) override;
  std::uint64_t n_;
  int error_;
};

// The process ends (_exit(code), no clean-up, as a kill would) instead of the Nth operation.
class CrashAtOp final : public CountedOps {
 public:
  CrashAtOp(FileOps& inner, std::uint64_t n, int code) : CountedOps(inner), n_(n), code_(code) {}

 private:
  bool proceed(std::uint64_t n) override;
  std::uint64_t n_;
  int code_;
};

}  // namespace maillab::smtp
