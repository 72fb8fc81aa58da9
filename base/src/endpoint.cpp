#include "maillab/base/endpoint.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace maillab {

std::string HostPort::str() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

HostPort parse_host_port(std::string_view text) {
  auto fail = [&](const char* why) {
    return std::invalid_argument(fmt::format("'{}' is not HOST:PORT ({})", text, why));
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw fail("no ':'");
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) throw fail("empty host");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    throw fail("port must be a number from 0 to 65535");
  return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

}  // namespace maillab
