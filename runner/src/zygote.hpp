#pragma once
// Forks processes from a process that has only one thread. A process with threads (the
// simulators' io threads) can be forked safely only while no thread holds a lock the
// child will need: glibc's malloc guards its own locks around fork(), the sanitizers'
// allocator does not, and a child forked while a server thread allocates waits for ever.
// So the zygote is forked once, while its parent has one thread, and forks every child
// from there. Each request is one line; the child gets it and a pipe to report on, and
// run() returns what the child wrote there once it has ended.
#include <functional>
#include <string>

#include <sys/types.h>

namespace maillab::runner {

class Zygote {
 public:
  // Runs in each child; must end the process (_exit).
  using Child = std::function<void(const std::string& request, int report_fd)>;
  explicit Zygote(Child child);
  ~Zygote();
  Zygote(const Zygote&) = delete;
  Zygote& operator=(const Zygote&) = delete;

  // `request` must not hold a newline.
  std::string run(const std::string& request);

 private:
  [[noreturn]] void serve(int requests, int replies);

  Child child_;
  pid_t pid_ = -1;
  int requests_ = -1, replies_ = -1;
};

}  // namespace maillab::runner
