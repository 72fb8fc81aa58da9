#include "maillab/runner/selection.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace maillab::runner {
namespace {

unsigned number(std::string_view text, const std::string& whole) {
  unsigned n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument("shard '" + whole + "' must be I/N with whole numbers, e.g. 2/4");
  return n;
}

bool matches(const std::string& pattern, const std::string& id) { return ::fnmatch(pattern.c_str(), id.c_str(), 0) == 0; }

bool tagged(const Scenario& sc, const std::vector<std::string>& tags) {
  if (tags.empty()) return true;
  return std::any_of(tags.begin(), tags.end(),
                     [&](const auto& t) { return std::find(sc.tags.begin(), sc.tags.end(), t) != sc.tags.end(); });
}

std::vector<const Scenario*> by_pattern(const std::vector<Scenario>& catalog, const std::vector<std::string>& patterns) {
  std::vector<const Scenario*> out;
  for (const auto& p : patterns)
    if (std::none_of(catalog.begin(), catalog.end(), [&](const auto& sc) { return matches(p, sc.id); }))
      throw std::invalid_argument("no scenario matches '" + p + "' (maillab scenario list shows them)");
  for (const auto& sc : catalog)
    if (patterns.empty() || std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return matches(p, sc.id); }))
      out.push_back(&sc);
  return out;
}

}  // namespace

Shard parse_shard(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) throw std::invalid_argument("shard '" + text + "' must be I/N, e.g. 2/4");
  Shard s{number(std::string_view(text).substr(0, slash), text), number(std::string_view(text).substr(slash + 1), text)};
  if (s.total == 0 || s.index == 0 || s.index > s.total)
    throw std::invalid_argument("shard '" + text + "': I must be between 1 and N");
  return s;
}

std::optional<Shard> shard_from_environment() {
  const char* index = std::getenv("CI_NODE_INDEX");
  const char* total = std::getenv("CI_NODE_TOTAL");
  if (!index || !total || !*index || !*total) return std::nullopt;
  return parse_shard(std::string(index) + "/" + total);
}

std::vector<PlannedRun> select_runs(const std::vector<Scenario>& catalog, const Selection& sel) {
  std::vector<std::vector<PlannedRun>> scenarios;
  for (const auto* sc : by_pattern(catalog, sel.patterns)) {
    if (!tagged(*sc, sel.tags)) continue;
    std::vector<PlannedRun> runs;
    for (auto p : sc->profiles)
      if (!sel.profile || *sel.profile == p) runs.push_back({sc, p});
    if (!runs.empty()) scenarios.push_back(std::move(runs));
  }
  if (scenarios.empty()) throw std::invalid_argument("the selection leaves no run (check --tag and --profile)");
  std::vector<PlannedRun> out;
  for (std::size_t k = 0; k < scenarios.size(); ++k)
    if (!sel.shard || k % sel.shard->total + 1 == sel.shard->index)
      out.insert(out.end(), scenarios[k].begin(), scenarios[k].end());
  return out;
}

}  // namespace maillab::runner
