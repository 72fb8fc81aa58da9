#include "maillab/runner/checks.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace maillab::runner {
namespace {

struct FieldCheck {
  const char* name;
  const std::optional<std::string>& want;
  const std::string& got;
};

std::vector<FieldCheck> fields(const EventCheck& c, const connector::Event& e) {
  return {{"source", c.source, e.source},
          {"category", c.category, e.category},
          {"type", c.type, e.type},
          {"description", c.description, e.description}};
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::vector<std::string_view> lines_of(const std::string& text) {
  std::vector<std::string_view> out;
  std::string_view rest(text);
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    out.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return out;
}

bool digits(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

}  // namespace

bool event_matches(const EventCheck& c, const connector::Event& e) {
  if (e.id != c.id) return false;
  for (const auto& f : fields(c, e))
    if (f.want && *f.want != f.got) return false;
  for (const auto& piece : c.contains)
    if (e.description.find(piece) == std::string::npos) return false;
  return true;
}

std::string event_check_label(const EventCheck& c) {
  std::string out = "event " + std::to_string(c.id);
  connector::Event none;
  for (const auto& f : fields(c, none))
    if (f.want) out += std::string(" ") + f.name + " " + in_quotes(*f.want);
  for (const auto& piece : c.contains) out += " containing " + in_quotes(piece);
  return out;
}

std::string event_mismatch(const EventCheck& c, const connector::Event& e) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  for (const auto& f : fields(c, e))
    if (f.want && *f.want != f.got) add(std::string("its ") + f.name + " was " + in_quotes(f.got));
  for (const auto& piece : c.contains)
    if (e.description.find(piece) == std::string::npos)
      add("its description " + in_quotes(e.description) + " lacks " + in_quotes(piece));
  return out;
}

// "[t 0] 07/29/20, 15:49:30: ": the thread, then a date and a time of fixed width.
std::string_view unstamped(std::string_view line) {
  if (!line.starts_with("[t ")) return line;
  auto close = line.find("] ");
  if (close == std::string_view::npos || !digits(line.substr(3, close - 3))) return line;
  auto rest = line.substr(close + 2);
  constexpr std::string_view kShape = "00/00/00, 00:00:00: ";
  if (rest.size() < kShape.size()) return line;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    bool digit = std::isdigit(static_cast<unsigned char>(rest[i])) != 0;
    if (kShape[i] == '0' ? !digit : rest[i] != kShape[i]) return line;
  }
  return rest.substr(kShape.size());
}

namespace {

bool may_come_between(std::string_view line, const LogBlock& block) {
  auto text = unstamped(line);
  return std::any_of(block.between.begin(), block.between.end(), [&](auto& p) { return text.starts_with(p); });
}

// How many lines of the block follow one another from log line `start`, and the log line
// after the last of them.
std::pair<std::size_t, std::size_t> run_from(const std::vector<std::string_view>& lines, std::size_t start,
                                             const LogBlock& block) {
  std::size_t n = 0, at = start;
  while (n < block.lines.size() && at < lines.size()) {
    if (unstamped(lines[at]) == unstamped(block.lines[n])) ++n;
    else if (n == 0 || !may_come_between(lines[at], block)) break;
    ++at;
  }
  return {n, at};
}

}  // namespace

BlockSearch find_log_block(const std::string& log, const LogBlock& block) {
  auto lines = lines_of(log);
  BlockSearch best;
  for (std::size_t start = 0; start < lines.size() && !best.found; ++start) {
    auto [n, next] = run_from(lines, start, block);
    if (n > best.matched) best = {n == block.lines.size(), n, start, next};
  }
  return best;
}

std::string describe_search(const std::string& log, const LogBlock& block, const BlockSearch& s) {
  auto lines = lines_of(log);
  if (s.found) return "present at log line " + std::to_string(s.at + 1);
  if (s.matched == 0) return "its first line " + in_quotes(unstamped(block.lines.front())) + " is in no log line";
  auto next = s.next;
  std::string there = next < lines.size() ? in_quotes(unstamped(lines[next])) : "the end of the log";
  return "its first " + std::to_string(s.matched) + " lines are at log line " + std::to_string(s.at + 1) +
         "; then the log has " + there + " where the block has " + in_quotes(unstamped(block.lines[s.matched]));
}

}  // namespace maillab::runner
