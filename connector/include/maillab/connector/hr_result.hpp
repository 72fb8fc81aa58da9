#pragma once
// The hrResult codes the SBS 2003 connector's diagnostic log prints: the Internet Mail
// transport's IXP_E_* values (imnxport.h), as tabled in SCENARIOS.md.
#include <cstdint>
#include <string>

namespace maillab::connector {

inline constexpr std::uint32_t kHrFail = 0x80004005;  // E_FAIL, event 1046's -2147467259
inline constexpr std::uint32_t kHrPop3ResponseError = 0x800CCC90;
inline constexpr std::uint32_t kHrPop3InvalidUser = 0x800CCC91;
inline constexpr std::uint32_t kHrPop3InvalidPassword = 0x800CCC92;
inline constexpr std::uint32_t kHrPop3ParseFailure = 0x800CCC93;

// The hrResult of an SMTP reply code; kHrFail for codes the table does not name.
std::uint32_t hr_for_smtp(int code, bool starttls_context = false);
// "0x800ccc6f", lower case as seed 004 prints it.
std::string hr_hex(std::uint32_t hr);
// The signed decimal Windows shows in events: 0x80004005 -> -2147467259.
std::int32_t hr_signed(std::uint32_t hr);

}  // namespace maillab::connector
