#pragma once
// Base64 and MD5 through OpenSSL (used by APOP and SASL on both sides of the wire).
#include <optional>
#include <string>
#include <string_view>

namespace maillab {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not valid base64 (RFC 4648, padding required).
std::optional<std::string> base64_decode(std::string_view text);
std::string md5_hex(std::string_view bytes);

}  // namespace maillab
