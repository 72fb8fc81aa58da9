#include "maillab/smtp/profile.hpp"

namespace maillab::smtp {

std::optional<Profile> profile_from_name(std::string_view name) {
  if (name == "exchange") return Profile::Exchange;
  if (name == "iis") return Profile::Iis;
  if (name == "plain") return Profile::Plain;
  return std::nullopt;
}

std::string_view profile_name(Profile p) {
  switch (p) {
    case Profile::Exchange:
      return "exchange";
    case Profile::Iis:
      return "iis";
    case Profile::Plain:
      return "plain";
  }
  return "?";
}

std::vector<std::string> ehlo_lines(Profile p, std::string_view host, std::string_view ip, std::uint64_t size,
                                    bool starttls) {
  std::vector<std::string> out{std::string(host) + " Hello [" + std::string(ip) + "]"};
  std::string size_line = "SIZE " + std::to_string(size);
  if (p == Profile::Plain) {
    out.insert(out.end(), {size_line, "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "DSN", "CHUNKING",
                           "BINARYMIME"});
    if (starttls) out.push_back("STARTTLS");
    out.insert(out.end(), {"AUTH PLAIN LOGIN", "HELP"});
    return out;
  }
  out.insert(out.end(), {"TURN", "ATRN", size_line, "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "8bitmime",
                         "BINARYMIME", "CHUNKING", "VRFY"});
  if (starttls) out.push_back("STARTTLS");
  if (p == Profile::Exchange) out.push_back("X-EXPS GSSAPI NTLM");
  out.push_back("AUTH GSSAPI NTLM");
  if (p == Profile::Exchange) out.insert(out.end(), {"X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"});
  out.push_back("OK");
  return out;
}

std::string multiline(std::string_view code, const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i)
    out += std::string(code) + (i + 1 < lines.size() ? "-" : " ") + lines[i] + "\r\n";
  return out;
}

std::string greeting(Profile p, std::string_view host) {
  if (p == Profile::Plain) return "220 " + std::string(host) + " ESMTP maillab";
  return "220 " + std::string(host) + " Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready";
}

}  // namespace maillab::smtp
