#pragma once
// Faults inside a larger YAML document (scenario files, world files).
#include "maillab/base/yaml.hpp"
#include "maillab/faults/fault_spec.hpp"

namespace maillab::faults {

// `list` is a sequence of spec strings or maps ({fault|preset: NAME, arg: ..., KEY: VALUE}).
// Throws SpecError naming file, line and field.
FaultList parse_fault_node(const yaml::Field& list, const PresetRegistry& presets);

}  // namespace maillab::faults
