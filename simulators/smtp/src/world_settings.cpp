#include "maillab/smtp/world_settings.hpp"

#include <stdexcept>

#include "maillab/base/ascii.hpp"
#include "maillab/base/units.hpp"

namespace maillab::smtp {
namespace {

// The spellings of sizes everywhere else (65536, 64K, 5M).
std::optional<std::uint64_t> size_setting(std::string_view text) {
  try {
    return parse_size(text);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

Antivirus antivirus(std::string_view mode) {
  if (mode == "rename") return Antivirus::Rename;
  if (mode == "lock") return Antivirus::Lock;
  if (mode == "delete") return Antivirus::Delete;
  return Antivirus::None;
}

// The settings that name a mailbox: "mailbox-full:bob@contoso.local".
bool per_mailbox(WorldOverrides& o, std::string_view key, const std::string& value) {
  auto colon = key.find(':');
  if (colon == std::string_view::npos) return false;
  auto name = key.substr(0, colon);
  auto address = ascii::lower(key.substr(colon + 1));
  if (name == "mailbox-full" && value == "yes") o.mailbox_full.insert(address);
  else if (name == "forward") o.forward[address] = value;
  else if (name == "client-rule") o.client_rule[address] = value;
  return true;
}

}  // namespace

WorldOverrides read_world_overrides(const std::map<std::string, std::string>& settings) {
  WorldOverrides o;
  for (const auto& [key, value] : settings) {
    // A setting given no value leaves the world's own.
    if (value.empty() || per_mailbox(o, key, value)) continue;
    if (key == "anonymous-access") o.anonymous_access = value == "on";
    else if (key == "profile") o.profile = profile_from_name(value);
    else if (key == "size-limit") o.size_limit = size_setting(value);
    else if (key == "recipient-policy") o.recipient_policy_missing = value == "missing";
    else if (key == "event-sink") o.event_sink_unregistered = value == "unregistered";
    else if (key == "smtp-service" || key == "virtual-server") o.service_stopped |= value == "stopped";
    else if (key == "pickup-antivirus") o.antivirus = antivirus(value);
  }
  return o;
}

}  // namespace maillab::smtp
