#pragma once
#include <cstdint>
#include <string_view>

namespace maillab {

// "4096", "4K", "4KB", "1M", "1MB" (binary multiples); throws std::invalid_argument.
std::uint64_t parse_size(std::string_view text);
// A non-negative integer; throws std::invalid_argument naming `what`.
std::uint64_t parse_count(std::string_view text, std::string_view what);

}  // namespace maillab
