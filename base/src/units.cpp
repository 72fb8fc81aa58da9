#include "maillab/base/units.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace maillab {

std::uint64_t parse_count(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw std::invalid_argument(std::string(what) + " must be a non-negative integer, not '" + std::string(text) + "'");
  return value;
}

std::uint64_t parse_size(std::string_view text) {
  std::string_view digits = text;
  std::uint64_t mult = 1;
  auto strip = [&](std::string_view suffix, std::uint64_t m) {
    if (digits.size() > suffix.size() && digits.ends_with(suffix)) {
      digits.remove_suffix(suffix.size());
      mult = m;
      return true;
    }
    return false;
  };
  strip("KB", 1024) || strip("K", 1024) || strip("k", 1024) || strip("MB", 1024 * 1024) || strip("M", 1024 * 1024);
  return parse_count(digits, "size") * mult;
}

}  // namespace maillab
