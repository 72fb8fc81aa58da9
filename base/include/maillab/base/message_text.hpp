#pragma once
// RFC 5322 message text helpers shared by the simulators and the connector.
// Nothing here knows a protocol: no dot-stuffing, no replies.
#include <cstddef>
#include <string>
#include <string_view>

namespace maillab {

// Every line ending becomes CRLF (bare LF and bare CR included); other bytes are kept.
std::string to_crlf(std::string_view text);

// Offset of the first byte of the body (just after the empty line ending the header),
// or npos when the message has no header/body separator.
std::size_t body_offset(std::string_view crlf_text);

// The value of the first header field named `name` (case-insensitive), unfolded, or "".
std::string header_value(std::string_view crlf_text, std::string_view name);

}  // namespace maillab
