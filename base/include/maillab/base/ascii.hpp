#pragma once
// ASCII case folding for protocol keywords, addresses and setting names, shared by the
// simulators and the connector. Written here rather than taken from std::toupper or
// Boost's to_upper_copy on purpose: those follow the C/C++ locale, and the Python module's
// interpreter sets LC_CTYPE from the environment, so an 8-bit locale would fold bytes of
// protocol data. The keywords of RFC 1939/5321 are ASCII; no other byte may change.
#include <string>
#include <string_view>

namespace maillab::ascii {

constexpr char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = upper(c);
  return out;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

}  // namespace maillab::ascii
