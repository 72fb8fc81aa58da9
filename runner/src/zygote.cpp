#include "zygote.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace maillab::runner {
namespace {

constexpr std::string_view kEnd = "\x04\n";  // ends a reply; no report line starts so

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads until `done(text)` or the end of the pipe; false at the end without it.
template <class Done>
bool read_until(int fd, std::string& text, Done done) {
  char buf[4096];
  while (!done(text)) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Zygote::Zygote(Child child) : child_(std::move(child)) {
  int req[2], rep[2];
  if (::pipe(req) != 0 || ::pipe(rep) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::close(req[1]);
    ::close(rep[0]);
    serve(req[0], rep[1]);
  }
  ::close(req[0]);
  ::close(rep[1]);
  requests_ = req[1];
  replies_ = rep[0];
}

Zygote::~Zygote() {
  ::close(requests_);  // the zygote reads the end and exits
  ::close(replies_);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

std::string Zygote::run(const std::string& request) {
  write_all(requests_, request + "\n");
  std::string reply;
  if (!read_until(replies_, reply, [](const std::string& t) { return t.ends_with(kEnd); }))
    throw std::runtime_error("the zygote process ended");
  reply.resize(reply.size() - kEnd.size());
  return reply;
}

void Zygote::serve(int requests, int replies) {
  std::string pending;
  for (;;) {
    if (!read_until(requests, pending, [](const std::string& t) { return t.find('\n') != std::string::npos; }))
      ::_exit(0);
    auto nl = pending.find('\n');
    std::string request = pending.substr(0, nl);
    pending.erase(0, nl + 1);
    int report[2];
    if (::pipe(report) != 0) ::_exit(1);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(report[0]);
      ::close(requests);
      ::close(replies);
      child_(request, report[1]);
      ::_exit(0);
    }
    ::close(report[1]);
    std::string out;
    read_until(report[0], out, [](const std::string&) { return false; });
    ::close(report[0]);
    int status = 0;
    if (pid > 0) ::waitpid(pid, &status, 0);
    write_all(replies, out + std::string(kEnd));
  }
}

}  // namespace maillab::runner
