#pragma once
// The documented POP3 faults as named presets of primitive faults.
#include "maillab/faults/fault_spec.hpp"

namespace maillab::pop3 {

const faults::PresetRegistry& presets();

}  // namespace maillab::pop3
