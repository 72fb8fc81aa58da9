#pragma once
#include <chrono>
#include <cstdint>
#include <string_view>

namespace maillab {

// "4096", "4K", "4KB", "1M", "10MB", "1G" (binary multiples, any case); throws std::invalid_argument.
std::uint64_t parse_size(std::string_view text);
// A non-negative integer; throws std::invalid_argument naming `what`.
std::uint64_t parse_count(std::string_view text, std::string_view what);
// "250ms", "30s", "15m", "15min", "1h"; a bare number is seconds. Throws std::invalid_argument.
std::chrono::milliseconds parse_duration(std::string_view text);

}  // namespace maillab
