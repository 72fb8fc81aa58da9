#include "maillab/net/transcript.hpp"

namespace maillab::net {

// A transcript is evidence for tests, not a capture: long sessions keep their first lines.
static constexpr std::size_t kMaxLines = 10000;

void Transcript::add(char from, std::string text) {
  std::lock_guard lock(mutex_);
  if (lines_.size() < kMaxLines) lines_.push_back({from, std::move(text)});
}

std::vector<TranscriptLine> Transcript::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::string Transcript::str() const {
  std::string out;
  for (auto& l : lines()) {
    out += l.from;
    out += ": ";
    out += l.text;
    out += '\n';
  }
  return out;
}

}  // namespace maillab::net
