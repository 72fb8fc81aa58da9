#pragma once
// The change events the stream sends: a bounded backlog (old ones drop off), numbered so
// each stream knows what it has sent.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::console {

class EventFeed {
 public:
  explicit EventFeed(std::size_t kept) : kept_(kept) {}
  void publish(std::string_view type, std::string_view json);
  struct Item {
    std::uint64_t seq;
    std::string type;
    std::string json;
  };
  // The events after `seq`, oldest first.
  std::vector<Item> since(std::uint64_t seq) const;

 private:
  const std::size_t kept_;
  mutable std::mutex mutex_;
  std::deque<Item> items_;
  std::uint64_t next_ = 1;
};

// "event: TYPE\ndata: JSON\n\n" (JSON holds no newline: nlohmann dumps on one line).
std::string sse(std::string_view type, std::string_view json, std::uint64_t id = 0);

}  // namespace maillab::console
