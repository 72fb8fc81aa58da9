#include "maillab/base/message_text.hpp"

#include "maillab/base/ascii.hpp"

#include <cctype>

namespace maillab {

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::size_t body_offset(std::string_view text) {
  if (text.starts_with("\r\n")) return 2;
  auto pos = text.find("\r\n\r\n");
  return pos == std::string_view::npos ? std::string_view::npos : pos + 4;
}

std::string header_value(std::string_view text, std::string_view name) {
  std::size_t end = body_offset(text);
  std::string_view header = text.substr(0, end == std::string_view::npos ? text.size() : end);
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t eol = header.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = header.size();
    std::string_view line = header.substr(pos, eol - pos);
    pos = eol + 2;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !ascii::iequals(line.substr(0, colon), name)) continue;
    std::string value(line.substr(colon + 1));
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == '\t')) {
      std::size_t next = header.find("\r\n", pos);
      if (next == std::string_view::npos) next = header.size();
      value += header.substr(pos, next - pos);
      pos = next + 2;
    }
    std::size_t first = value.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : value.substr(first);
  }
  return {};
}

}  // namespace maillab
