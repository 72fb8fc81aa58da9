#pragma once
// Names that end up as one component of a store path: mailbox addresses, folders,
// forwarding targets, file names. A name that could leave its folder is refused where it
// is written (world file, fault spec) and, as a last line of defence, by the store.
#include <optional>
#include <string>
#include <string_view>

namespace maillab::smtp {

// Why `name` cannot be one path component (empty, "." or "..", a '/' or '\', a control
// character or NUL, a leading '.', which the store keeps for its own files, over 255
// octets); nullopt when it can.
std::optional<std::string> unsafe_name(std::string_view name);

// `text` made one safe component: '/', '\', '%' and control characters as %XX (a report's
// file name carries the recipient, which the pickup directory does not check).
std::string escape_name(std::string_view text);

// The whole refusal of a name that cannot be a folder of the store, for an error message
// ("'a\x00b' cannot name a folder of the store: it holds a control character or NUL");
// nullopt when the name is safe.
std::optional<std::string> store_name_refusal(std::string_view name);

}  // namespace maillab::smtp
