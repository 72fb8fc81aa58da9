#include "maillab/net/transcript.hpp"

#include "maillab/net/secret_mask.hpp"

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

// A transcript is evidence for tests and bug reports, not a capture: a long session keeps
// its first lines, then one marker.
void Transcript::add(char from, std::string text) {
  std::lock_guard lock(mutex_);
  if (full_ || !recording()) return;
  std::size_t cost = text.size() + 3;  // as str() prints it: "C: " ... "\n"
  if (bytes_ + cost > options_.max_bytes) {
    full_ = true;
    text = "[transcript limit of " + std::to_string(options_.max_bytes) + " bytes reached; later lines not kept]";
    from = '*';
    cost = text.size() + 3;
  }
  bytes_ += cost;
  lines_.push_back({from, std::move(text)});
}

void Transcript::client(std::string_view line, ClientLine kind) {
  if (!recording()) return;
  if (options_.show_secrets) return add('C', printable(line));
  if (kind == ClientLine::SaslResponse) return add('C', std::string(kMask));
  add('C', printable(mask_secret(line)));
}

std::size_t Transcript::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
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
