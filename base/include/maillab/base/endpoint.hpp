#pragma once
// HOST:PORT as the command line and the configuration files spell it.
#include <cstdint>
#include <string>
#include <string_view>

namespace maillab {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  std::string str() const;
};

// Accepts "host:port", "[v6]:port"; throws std::invalid_argument naming the text.
HostPort parse_host_port(std::string_view text);

}  // namespace maillab
