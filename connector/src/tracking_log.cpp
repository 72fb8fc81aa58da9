#include "tracking_log.hpp"

#include <algorithm>
#include <vector>

#include "maillab/base/ascii.hpp"

namespace maillab::connector {
namespace {

constexpr std::string_view kDeliveredLocally = "1028";

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0;;) {
    auto next = line.find(sep, at);
    out.push_back(line.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

}  // namespace

bool TrackingLog::delivered(const std::string& message_id, const std::string& recipient) {
  if (!loaded_) load();
  return delivered_.count({message_id, recipient}) > 0;
}

// A folder that is not there (tracking off, not shared yet) shows nothing delivered.
void TrackingLog::load() {
  loaded_ = true;
  try {
    for (const auto& name : fs_.list(folder_))
      if (name.ends_with(".log")) read_file(fs_.read(folder_ + "/" + name));
  } catch (const FsError&) {
  }
}

void TrackingLog::read_file(const std::string& text) {
  std::size_t rcpt = 0, event = 0, msgid = 0;
  for (auto line : split(text, '\n')) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.starts_with("# Date\t")) {
      auto names = split(line.substr(2), '\t');
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == "Recipient-Address") rcpt = i;
        if (names[i] == "Event-ID") event = i;
        if (names[i] == "MSGID") msgid = i;
      }
      continue;
    }
    if (line.empty() || line.starts_with('#') || !msgid) continue;
    auto f = split(line, '\t');
    if (f.size() > std::max({rcpt, event, msgid}) && f[event] == kDeliveredLocally)
      delivered_.insert({std::string(f[msgid]), ascii::lower(f[rcpt])});
  }
}

}  // namespace maillab::connector
