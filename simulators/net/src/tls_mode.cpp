#include "maillab/net/tls.hpp"

namespace maillab::net {

std::optional<TlsMode> tls_mode_from_name(std::string_view name, std::string_view offered_word) {
  if (name == "off") return TlsMode::Off;
  if (name == offered_word) return TlsMode::Offered;
  if (name == "required") return TlsMode::Required;
  if (name == "implicit") return TlsMode::Implicit;
  return std::nullopt;
}

bool tls_active_from_start(TlsMode mode) { return mode == TlsMode::Implicit; }

}  // namespace maillab::net
