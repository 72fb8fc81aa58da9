#pragma once
// Secrets a client sends in the clear (POP3 PASS, AUTH with an initial response, SASL
// response lines) hidden the way the connector's own log hides them ("PASS ****"), so a
// transcript can be attached to a bug report.
#include <string>
#include <string_view>

namespace maillab::net {

inline constexpr std::string_view kMask = "****";

// The line with its secret part replaced by kMask; unchanged when it carries none.
std::string mask_secret(std::string_view command_line);

}  // namespace maillab::net
