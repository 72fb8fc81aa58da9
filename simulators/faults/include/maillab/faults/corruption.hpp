#pragma once
// The ways a served message can be corrupt, each applied to a CRLF message text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::faults {

enum class Corruption {
  Truncated,       // cut in the middle of a line; the end of the body is missing
  NulBytes,        // NUL bytes inside the body
  BareLf,          // body lines end in LF only
  NoSeparator,     // the empty line between header and body is gone
  BrokenBoundary,  // a multipart message whose boundary never matches
  EightBitHeader,  // raw 8-bit bytes in a header field
};

std::string_view corruption_name(Corruption c);
std::optional<Corruption> corruption_from_name(std::string_view name);
// Names of every kind, for messages and --help.
std::vector<std::string> corruption_names();
void apply_corruption(Corruption c, std::string& crlf_text);

}  // namespace maillab::faults
