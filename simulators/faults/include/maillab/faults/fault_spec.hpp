#pragma once
// Faults as text: `--fault SPEC` on the command line, fault files (YAML), scenario files.
//
//   SPEC   := NAME [":" ARG] ("," KEY "=" VALUE)*
//   NAME   := a primitive kind (reply, delay, bandwidth, disconnect, reset, stall, refuse,
//             corrupt, competing-client, hide-drop, reject-login) or a preset of the simulator
//   KEY    := on | message | user | sender | rcpt | nth | times | probability | seed   (trigger)
//             | text | close | ms | bps | when | bytes | kind | take | set | value (own)
// `text=` takes the rest of the spec, commas included.
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/faults/fault.hpp"

namespace maillab::faults {

// A refused spec; what() names where (flag or file:line) and the field.
struct SpecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The KEY=VALUE pairs of one fault, each remembering where it was written.
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

using FaultList = std::vector<std::unique_ptr<Fault>>;

// A named fault of the documents, built from primitives. `defaults` are spec strings of
// primitives; the user's keys override the same keys in them, trigger keys apply to all.
struct Preset {
  Preset(std::string n, std::string s, std::string pos, std::vector<std::string> prims,
         std::function<FaultList(FaultParams&)> b = nullptr)
      : name(std::move(n)), summary(std::move(s)), positional(std::move(pos)), primitives(std::move(prims)),
        build(std::move(b)) {}
  std::string name;
  std::string summary;
  std::string positional;  // the key ARG sets ("" when the preset takes none)
  std::vector<std::string> primitives;
  // For presets that are more than faults (the SMTP world); when set, used instead.
  std::function<FaultList(FaultParams&)> build;
};

class PresetRegistry {
 public:
  void add(Preset preset);
  const Preset* find(std::string_view name) const;
  const std::vector<Preset>& all() const { return presets_; }

 private:
  std::vector<Preset> presets_;
};

// The primitive kinds' names, for help texts.
std::vector<std::string> primitive_kinds();

FaultList parse_fault_spec(std::string_view spec, const PresetRegistry& presets,
                           std::string_view where = "--fault");
// Builds a primitive kind or a preset from already split parameters.
FaultList build_faults(std::string_view name, FaultParams& params, const PresetRegistry& presets);
FaultList load_fault_file(const std::string& path, const PresetRegistry& presets);
FaultList parse_fault_yaml_text(std::string_view yaml, std::string_view source_name, const PresetRegistry& presets);

}  // namespace maillab::faults
