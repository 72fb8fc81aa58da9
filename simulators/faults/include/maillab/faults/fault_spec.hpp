#pragma once
// Faults as text: `--fault SPEC` on the command line, fault files (YAML), scenario files.
//
//   SPEC   := NAME [":" ARG] ("," KEY "=" VALUE)*
//   NAME   := a fault kind of the registry (fault_registry.hpp) or a preset of the simulator
//   KEY    := on | message | user | sender | rcpt | nth | times | probability | seed   (trigger)
//             | a parameter the kind declares in the registry
// A parameter declared `rest_of_spec` (reply's `text=`) takes the rest, commas included.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/faults/fault.hpp"
#include "maillab/faults/fault_params.hpp"

namespace maillab::faults {

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

FaultList parse_fault_spec(std::string_view spec, const PresetRegistry& presets,
                           std::string_view where = "--fault");
// Builds a primitive kind or a preset from already split parameters.
FaultList build_faults(std::string_view name, FaultParams& params, const PresetRegistry& presets);
FaultList load_fault_file(const std::string& path, const PresetRegistry& presets);
FaultList parse_fault_yaml_text(std::string_view yaml, std::string_view source_name, const PresetRegistry& presets);

}  // namespace maillab::faults
