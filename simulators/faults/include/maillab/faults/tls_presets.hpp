#pragma once
// The TLS presets both simulators offer, named for what the user of a mail client sees;
// `upgrade_command` is the protocol's STLS or STARTTLS (the downgrade preset's name).
#include <string_view>

#include "maillab/faults/fault_spec.hpp"

namespace maillab::faults {

void add_tls_presets(PresetRegistry& registry, std::string_view upgrade_command);

}  // namespace maillab::faults
