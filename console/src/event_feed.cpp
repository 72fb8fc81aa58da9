#include "event_feed.hpp"

namespace maillab::console {

void EventFeed::publish(std::string_view type, std::string_view json) {
  std::lock_guard lock(mutex_);
  items_.push_back(Item{next_++, std::string(type), std::string(json)});
  while (items_.size() > kept_) items_.pop_front();
}

std::vector<EventFeed::Item> EventFeed::since(std::uint64_t seq) const {
  std::lock_guard lock(mutex_);
  std::vector<Item> out;
  for (const auto& item : items_)
    if (item.seq > seq) out.push_back(item);
  return out;
}

std::string sse(std::string_view type, std::string_view json, std::uint64_t id) {
  std::string out;
  if (id) out += "id: " + std::to_string(id) + "\n";
  out += "event: " + std::string(type) + "\ndata: " + std::string(json) + "\n\n";
  return out;
}

}  // namespace maillab::console
