#pragma once
// A message as a POP3 server sends it after +OK: byte-stuffed (RFC 1939 3), ending in
// CRLF "." CRLF.
#include <cstdint>
#include <string>
#include <string_view>

namespace maillab::pop3 {

std::string to_wire(std::string_view crlf_text);
// The message text back from its wire form; `size` is the text's octet count (it tells
// whether to_wire had to add the final CRLF).
std::string from_wire(std::string_view wire, std::uint64_t size);
// The header, the empty line and the first `lines` lines of the body, as TOP sends them.
std::string top_of(std::string_view crlf_text, std::uint64_t lines);

}  // namespace maillab::pop3
