#include "step_recorder.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "maillab/base/files.hpp"

namespace maillab::runner {

std::vector<connector::Event> StepRecorder::new_events(const std::filesystem::path& events_file) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(events_file).value_or(""));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // A folder removed and made again starts the file anew.
  if (lines.size() < events_seen_) events_seen_ = 0;
  std::vector<connector::Event> out;
  for (std::size_t i = events_seen_; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i], nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      out.push_back({"", "maillab", "", 0, "", "(line " + std::to_string(i + 1) + " of events.jsonl is not JSON)"});
      continue;
    }
    out.push_back({j.value("time", ""), j.value("source", ""), j.value("category", ""), j.value("id", 0),
                   j.value("type", ""), j.value("description", "")});
  }
  events_seen_ = lines.size();
  return out;
}

std::vector<std::string> StepRecorder::new_sessions(const char* server,
                                                    const std::vector<std::shared_ptr<net::Transcript>>& all) {
  auto& seen = std::string_view(server) == "pop3" ? pop3_seen_ : smtp_seen_;
  std::vector<std::string> out;
  std::uint64_t last = seen;
  for (const auto& t : all) {
    if (t->session() <= seen) continue;
    out.push_back(std::string(server) + " session " + std::to_string(t->session()) + ":\n" + t->str());
    last = std::max(last, t->session());
  }
  seen = last;
  return out;
}

}  // namespace maillab::runner
