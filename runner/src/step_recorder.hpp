#pragma once
// What a step caused, read after it ran: the events the connector wrote and the sessions the
// simulators saw since the step before. Kept apart from the run so the run's steps do not
// each have to remember what they changed.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "maillab/connector/events.hpp"
#include "maillab/net/transcript.hpp"

namespace maillab::runner {

class StepRecorder {
 public:
  // Every event events.jsonl gained since the last call.
  std::vector<connector::Event> new_events(const std::filesystem::path& events_file);
  // "pop3 session 3:\nC: USER bob\n..." for every session begun since the last call.
  std::vector<std::string> new_sessions(const char* server, const std::vector<std::shared_ptr<net::Transcript>>& all);

 private:
  std::size_t events_seen_ = 0;
  std::uint64_t pop3_seen_ = 0, smtp_seen_ = 0;
};

}  // namespace maillab::runner
