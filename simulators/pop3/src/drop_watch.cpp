#include "drop_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

namespace maillab::pop3 {

DropWatch::~DropWatch() { stop(); }

void DropWatch::stop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void DropWatch::start(const std::filesystem::path& dir) {
  stop();
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  constexpr std::uint32_t kMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO |
                                  IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
  if (::inotify_add_watch(fd_, dir.c_str(), kMask) < 0) stop();
}

std::optional<std::set<std::string>> DropWatch::changes() {
  if (!watching()) return std::nullopt;
  std::set<std::string> names;
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    auto n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return names;
    if (n <= 0) break;  // an error: trust nothing
    for (char* p = buffer; p < buffer + n;) {
      auto* e = reinterpret_cast<inotify_event*>(p);
      if (e->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        stop();
        return std::nullopt;
      }
      if (e->len > 0) names.emplace(e->name);
      p += sizeof(inotify_event) + e->len;
    }
  }
  stop();
  return std::nullopt;
}

}  // namespace maillab::pop3
