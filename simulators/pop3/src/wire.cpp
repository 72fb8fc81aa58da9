#include "maillab/pop3/wire.hpp"

#include <cstdint>

#include "maillab/base/message_text.hpp"

namespace maillab::pop3 {

std::string to_wire(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 64 + 8);
  bool line_start = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (line_start && text[pos] == '.') out += '.';
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      out.append(text.substr(pos));
      line_start = false;
      break;
    }
    out.append(text.substr(pos, nl + 1 - pos));
    pos = nl + 1;
    line_start = true;
  }
  if (!text.empty() && !text.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

std::string from_wire(std::string_view wire, std::uint64_t size) {
  std::string out;
  out.reserve(size);
  bool line_start = true;
  for (std::size_t i = 0; i < wire.size() && out.size() < size; ++i) {
    if (line_start && wire[i] == '.') {
      line_start = false;
      continue;  // the stuffed dot (or the terminator's, which is past `size`)
    }
    out += wire[i];
    line_start = wire[i] == '\n';
  }
  return out;
}

std::string top_of(std::string_view text, std::uint64_t lines) {
  std::size_t body = body_offset(text);
  if (body == std::string_view::npos) return to_wire(text);
  std::size_t end = body;
  for (std::uint64_t i = 0; i < lines && end < text.size(); ++i) {
    auto nl = text.find('\n', end);
    end = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return to_wire(text.substr(0, end));
}

}  // namespace maillab::pop3
