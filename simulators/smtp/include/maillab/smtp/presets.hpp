#pragma once
// The documented SMTP/Exchange faults as named presets.
#include "maillab/faults/fault_spec.hpp"

namespace maillab::smtp {

const faults::PresetRegistry& presets();

}  // namespace maillab::smtp
