#pragma once
// The settings of the simulated Exchange side that `world` faults override while they are
// installed, read once per change of the fault table into one typed snapshot (the fault
// layer carries them as key=value text; what the names mean is decided here only).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "maillab/smtp/profile.hpp"

namespace maillab::smtp {

// The on-access scanner on PickUp (setting pickup-antivirus).
enum class Antivirus { None, Rename, Lock, Delete };

struct WorldOverrides {
  std::optional<bool> anonymous_access;           // anonymous-access = on|off
  std::optional<Profile> profile;                 // profile = exchange|iis|plain
  std::optional<std::uint64_t> size_limit;        // size-limit = octets
  bool recipient_policy_missing = false;          // recipient-policy = missing
  bool event_sink_unregistered = false;           // event-sink = unregistered
  bool service_stopped = false;                   // smtp-service or virtual-server = stopped
  Antivirus antivirus = Antivirus::None;          // pickup-antivirus = rename|lock|delete
  std::set<std::string, std::less<>> mailbox_full;                   // mailbox-full:ADDRESS = yes
  std::map<std::string, std::string, std::less<>> forward;          // forward:ADDRESS = address
  std::map<std::string, std::string, std::less<>> client_rule;      // client-rule:ADDRESS = folder
};

// The typed snapshot of the fault table's world settings (later faults already won).
// Unknown keys, unknown values and empty values are ignored: a fault names only what its
// simulator knows. Sizes take the spellings of base/units.hpp (65536, 64K, 5M).
WorldOverrides read_world_overrides(const std::map<std::string, std::string>& settings);

}  // namespace maillab::smtp
