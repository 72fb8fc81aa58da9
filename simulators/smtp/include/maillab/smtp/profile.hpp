#pragma once
// What the server says it is: the greeting and the EHLO reply of each profile.
//   exchange  seed 002 example 1 (Exchange's extended verbs loaded), line for line
//   iis       seed 002 example 2 (Windows SMTP only: every verb starting with X missing)
//   plain     a modern minimal list
// In the seed, "240-X-EXPS=LOGIN" and the '*' marks are the document's typo and
// annotations: a multi-line reply keeps one code (RFC 5321 4.2.1), so every line is 250.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::smtp {

enum class Profile { Exchange, Iis, Plain };

std::optional<Profile> profile_from_name(std::string_view name);
std::string_view profile_name(Profile p);

// The EHLO reply lines without codes: the first is "<host> Hello [<client ip>]";
// `starttls`: STARTTLS is offered (RFC 3207), listed before the AUTH lines.
std::vector<std::string> ehlo_lines(Profile p, std::string_view hostname, std::string_view client_ip,
                                    std::uint64_t size_limit, bool starttls = false);
// "250-a\r\n250-b\r\n250 c\r\n"
std::string multiline(std::string_view code, const std::vector<std::string>& lines);
std::string greeting(Profile p, std::string_view hostname);

}  // namespace maillab::smtp
