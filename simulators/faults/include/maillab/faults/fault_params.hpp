#pragma once
// The KEY=VALUE pairs of one fault as written, before any kind has read them.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::faults {

// A refused spec; what() names where (flag or file:line) and the field.
struct SpecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Each value remembers where it was written, so an error can point at it.
class FaultParams {
 public:
  explicit FaultParams(std::string where) : where_(std::move(where)) {}
  void set(std::string key, std::string value, std::string where);
  bool has(std::string_view key) const { return values_.count(std::string(key)) != 0; }
  // Marks the key used; nullopt when absent.
  std::optional<std::string> take(std::string_view key);
  std::string take_or(std::string_view key, std::string fallback);
  std::uint64_t take_count(std::string_view key, std::uint64_t fallback);
  [[noreturn]] void fail(std::string_view key, const std::string& why) const;
  // Throws for the first key nobody took.
  void check_all_used() const;
  const std::string& where() const { return where_; }
  const std::string& where(std::string_view key) const;
  std::vector<std::string> keys() const;

 private:
  struct Value {
    std::string text;
    std::string where;
    bool used = false;
  };
  std::string where_;
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace maillab::faults
