#include "maillab/connector/hr_result.hpp"

#include <fmt/format.h>

namespace maillab::connector {

std::uint32_t hr_for_smtp(int code, bool starttls_context) {
  switch (code) {
    case 502: return 0x800CCC64;
    case 503: return 0x800CCC65;
    case 504: return 0x800CCC66;
    case 421: return 0x800CCC67;
    case 450: return 0x800CCC68;
    case 550: return 0x800CCC69;
    case 451: return 0x800CCC6A;
    case 551: return 0x800CCC6B;
    case 452: return 0x800CCC6C;
    case 552: return 0x800CCC6D;
    case 553: return 0x800CCC6E;
    case 554: return 0x800CCC6F;
    case 530: return starttls_context ? 0x800CCC7C : kHrFail;
    case 454: return starttls_context ? 0x800CCC7F : kHrFail;
    default: return kHrFail;
  }
}

std::string hr_hex(std::uint32_t hr) { return fmt::format("0x{:08x}", hr); }

std::int32_t hr_signed(std::uint32_t hr) { return static_cast<std::int32_t>(hr); }

}  // namespace maillab::connector
