#pragma once
// "maillab scenari" -> "did you mean 'scenario'?". CLI11 only says a subcommand is
// required; the nearest name by edit distance is what a person needs.
#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::app {

// Levenshtein distance: insertions, deletions and substitutions cost one.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The closest name within a third of the typed word's length (at least 2), if any.
inline std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& names) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, typed.size() / 3) + 1;
  for (const auto& n : names)
    if (auto d = edit_distance(typed, n); d < best_distance) best_distance = d, best = n;
  return best;
}

}  // namespace maillab::app
