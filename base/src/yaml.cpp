#include "maillab/base/yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "maillab/base/ascii.hpp"
#include "maillab/base/units.hpp"

namespace maillab::yaml {
namespace {

int line_of(const YAML::Node& node, int fallback) {
  if (!node.IsDefined()) return fallback;
  auto mark = node.Mark();
  return mark.is_null() ? fallback : mark.line + 1;
}

}  // namespace

std::string one_of(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  auto v = ascii::lower(text);
  if (v == "true" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "no" || v == "off") return false;
  return std::nullopt;
}

std::optional<std::string> parse_address(std::string_view text) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size() ||
      text.find_first_of(" \t<>,;") != std::string_view::npos)
    return std::nullopt;
  return ascii::lower(text);
}

Field::Field(YAML::Node node, std::string source)
    : Field(std::move(node), std::make_shared<const std::string>(std::move(source)), "", 1) {}

Field::Field(YAML::Node node, std::shared_ptr<const std::string> source, std::string path, int parent_line)
    : node_(std::move(node)), source_(std::move(source)), path_(std::move(path)) {
  line_ = line_of(node_, parent_line);
}

Field load(std::string_view text, const std::string& source) {
  try {
    return Field(YAML::Load(std::string(text)), source);
  } catch (const YAML::Exception& e) {
    throw Error(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void Field::fail(const std::string& why) const {
  throw Error(*source_ + ":" + std::to_string(line_) + ": field '" + (path_.empty() ? "(top)" : path_) + "': " + why);
}

Field Field::operator[](std::string_view key) const {
  auto path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  // A const lookup never adds the key; a scalar or a list has no keys to look up.
  YAML::Node child = node_.IsMap() ? std::as_const(node_)[std::string(key)] : YAML::Node(YAML::NodeType::Undefined);
  return Field(child, source_, std::move(path), line_);
}

Field Field::item(std::size_t index) const {
  YAML::Node child = node_.IsSequence() && index < node_.size() ? std::as_const(node_)[index]
                                                                 : YAML::Node(YAML::NodeType::Undefined);
  return Field(child, source_, path_ + "[" + std::to_string(index) + "]", line_);
}

std::vector<Field> Field::items() const {
  if (!is_list()) fail("must be a list");
  std::vector<Field> out;
  for (std::size_t i = 0; i < node_.size(); ++i) out.push_back(item(i));
  return out;
}

std::vector<Field> Field::nonempty_items() const {
  auto out = items();
  if (out.empty()) fail("must be a list of at least one item");
  return out;
}

std::vector<std::pair<std::string, Field>> Field::entries() const {
  if (!is_map()) fail("must be a map");
  std::vector<std::pair<std::string, Field>> out;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) Field(kv.first, source_, path_, line_).fail("a key must be a single word");
    auto key = kv.first.as<std::string>();
    out.emplace_back(key, Field(kv.second, source_, path_.empty() ? key : path_ + "." + key, line_of(kv.first, line_)));
  }
  return out;
}

void Field::only(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : entries())
    if (std::find(known.begin(), known.end(), key) == known.end())
      value.fail(fmt::format("unknown (known: {})", fmt::join(known, ", ")));
}

const Field& Field::required(std::string_view why) const {
  if (!present()) fail(why.empty() ? std::string("missing") : "missing (" + std::string(why) + ")");
  return *this;
}

std::string Field::str() const {
  if (!present()) fail("missing");
  if (!is_scalar()) fail("must be a single value");
  return node_.Scalar();
}

std::string Field::prose() const {
  auto out = str();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::vector<std::string> Field::strings() const {
  if (is_scalar()) return {str()};
  std::vector<std::string> out;
  for (const auto& i : items()) out.push_back(i.str());
  return out;
}

bool Field::boolean() const {
  auto text = str();
  if (auto b = parse_bool(text)) return *b;
  fail("must be true or false (yes/no, on/off), not '" + text + "'");
}

std::int64_t Field::integer(std::int64_t min, std::int64_t max) const {
  auto text = str();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  bool number = !text.empty() && ec == std::errc{} && end == text.data() + text.size();
  if (!number || value < min || value > max) {
    std::string what = max != std::numeric_limits<int>::max() ? "an integer from " + std::to_string(min) + " to " + std::to_string(max)
                       : min == 0                            ? std::string("a non-negative integer")
                                                             : "an integer of at least " + std::to_string(min);
    fail("must be " + what + ", not '" + text + "'");
  }
  return value;
}

std::uint64_t Field::bytes() const { return convert([](const std::string& t) { return parse_size(t); }); }

std::chrono::milliseconds Field::duration() const {
  return convert([](const std::string& t) { return parse_duration(t); });
}

HostPort Field::host_port() const { return convert([](const std::string& t) { return parse_host_port(t); }); }

std::string Field::address() const {
  auto text = str();
  auto a = parse_address(text);
  if (!a) fail("must be a mail address (local@domain), not '" + text + "'");
  return *a;
}

}  // namespace maillab::yaml
