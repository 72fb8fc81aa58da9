#pragma once
// A message as a POP3 server sends it after +OK: byte-stuffed (RFC 1939 3), ending in
// CRLF "." CRLF.
#include <string>
#include <string_view>

namespace maillab::pop3 {

std::string to_wire(std::string_view crlf_text);
// The header, the empty line and the first `lines` lines of the body, as TOP sends them.
std::string top_of(std::string_view crlf_text, std::uint64_t lines);

}  // namespace maillab::pop3
