#include "maillab/faults/fault_params.hpp"

#include "maillab/base/units.hpp"

namespace maillab::faults {

void FaultParams::set(std::string key, std::string value, std::string where) {
  if (values_.count(key)) throw SpecError(where + ": field '" + key + "': given twice");
  values_.emplace(std::move(key), Value{std::move(value), std::move(where), false});
}

std::optional<std::string> FaultParams::take(std::string_view key) {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  it->second.used = true;
  return it->second.text;
}

std::string FaultParams::take_or(std::string_view key, std::string fallback) {
  auto v = take(key);
  return v ? *v : std::move(fallback);
}

std::uint64_t FaultParams::take_count(std::string_view key, std::uint64_t fallback) {
  auto v = take(key);
  if (!v) return fallback;
  try {
    return parse_size(*v);
  } catch (const std::invalid_argument&) {
    fail(key, "must be a non-negative integer, not '" + *v + "'");
  }
}

const std::string& FaultParams::where(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? where_ : it->second.where;
}

void FaultParams::fail(std::string_view key, const std::string& why) const {
  throw SpecError(where(key) + ": field '" + std::string(key) + "': " + why);
}

void FaultParams::check_all_used() const {
  for (auto& [k, v] : values_)
    if (!v.used) throw SpecError(v.where + ": field '" + k + "': not a parameter of this fault");
}

std::vector<std::string> FaultParams::keys() const {
  std::vector<std::string> out;
  for (auto& [k, v] : values_) out.push_back(k);
  return out;
}

}  // namespace maillab::faults
