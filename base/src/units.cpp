#include "maillab/base/units.hpp"

#include <charconv>
#include <limits>
#include <stdexcept>
#include <string>

#include "maillab/base/ascii.hpp"

namespace maillab {

std::uint64_t parse_count(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw std::invalid_argument(std::string(what) + " must be a non-negative integer, not '" + std::string(text) + "'");
  return value;
}

std::uint64_t parse_size(std::string_view text) {
  static constexpr struct {
    std::string_view suffix;
    std::uint64_t multiple;
  } kUnits[] = {{"kb", 1ull << 10}, {"k", 1ull << 10}, {"mb", 1ull << 20}, {"m", 1ull << 20},
                {"gb", 1ull << 30}, {"g", 1ull << 30}};
  auto lowered = ascii::lower(text);
  std::string_view digits = lowered;
  std::uint64_t mult = 1;
  for (const auto& u : kUnits) {
    if (digits.size() > u.suffix.size() && digits.ends_with(u.suffix)) {
      digits.remove_suffix(u.suffix.size());
      mult = u.multiple;
      break;
    }
  }
  std::uint64_t n = 0;
  try {
    n = parse_count(digits, "size");
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("must be a size like 4096, 4K or 10MB, not '" + std::string(text) + "'");
  }
  if (n > std::numeric_limits<std::uint64_t>::max() / mult)
    throw std::invalid_argument("size '" + std::string(text) + "' is too large");
  return n * mult;
}

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end == text.data())
    throw std::invalid_argument("must be a duration like 15m, 30s or 250ms, not '" + std::string(text) + "'");
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  using namespace std::chrono;
  // Days of milliseconds fit easily; the cap keeps the multiplications below from overflowing.
  if (n > 1'000'000'000) throw std::invalid_argument("duration '" + std::string(text) + "' is too long");
  auto count = static_cast<milliseconds::rep>(n);
  if (unit == "ms") return milliseconds(count);
  if (unit == "s" || unit.empty()) return seconds(count);
  if (unit == "m" || unit == "min") return minutes(count);
  if (unit == "h") return hours(count);
  throw std::invalid_argument("unknown duration unit '" + std::string(unit) + "' (ms, s, m, h)");
}

}  // namespace maillab
