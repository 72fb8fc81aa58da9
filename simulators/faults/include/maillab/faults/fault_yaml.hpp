#pragma once
// Faults inside a larger YAML document (scenario files, world files).
#include <yaml-cpp/yaml.h>

#include "maillab/faults/fault_spec.hpp"

namespace maillab::faults {

// `node` is a sequence of spec strings or maps ({fault|preset: NAME, arg: ..., KEY: VALUE}).
FaultList parse_fault_node(const YAML::Node& node, std::string_view source_name, const PresetRegistry& presets);

}  // namespace maillab::faults
