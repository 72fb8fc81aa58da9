#include "maillab/net/transcript.hpp"

namespace maillab::net {

std::string printable(std::string_view line) {
  if (!has_control_chars(line)) return std::string(line);  // nearly always: one copy, no appends
  std::string out;
  for (unsigned char c : line) {
    if (c < 0x20 && c != '\t') {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool has_control_chars(std::string_view line) {
  for (unsigned char c : line)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  return false;
}

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
