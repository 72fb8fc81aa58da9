#include "maillab/smtp/path_names.hpp"

#include <algorithm>
#include <cstdio>

#include "maillab/net/transcript.hpp"  // net::printable: how a protocol line is shown

namespace maillab::smtp {

namespace {
bool control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
}  // namespace

std::optional<std::string> unsafe_name(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name == "." || name == "..") return "would leave its folder ('" + std::string(name) + "')";
  if (name.find_first_of("/\\") != std::string_view::npos) return "would leave its folder (it holds a '/' or '\\')";
  if (std::any_of(name.begin(), name.end(), control)) return "holds a control character or NUL";
  if (name.front() == '.') return "starts with '.' (the store keeps such names for its own files)";
  if (name.size() > 255) return "is longer than 255 octets";
  return std::nullopt;
}

std::string escape_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '/' || c == '\\' || c == '%' || control(c)) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> store_name_refusal(std::string_view name) {
  auto why = unsafe_name(name);
  if (!why) return std::nullopt;
  return "'" + net::printable(name) + "' cannot name a folder of the store: it " + *why;
}

}  // namespace maillab::smtp
