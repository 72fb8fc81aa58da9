// Seed 002: EHLO compared with its two lists. Example 1 (Exchange's event sinks loaded)
// marks X-EXPS GSSAPI NTLM, X-EXPS=LOGIN, X-LINK2STATE and XEXCH50; example 2 (not
// loaded, as with Exchange not installed) is the Windows SMTP service's list without every
// verb starting with X. Other incomplete lists may mean the same. A server that is neither
// Exchange nor the Windows SMTP service (Postfix, aiosmtpd) is outside the seed's check.
#include <fmt/format.h>

#include <algorithm>

#include "maillab/base/ascii.hpp"
#include "rules.hpp"

namespace maillab::doctor {
namespace {

// Seed 002 example 1, without the greeting and the closing "OK"; the seed's typo
// "240-X-EXPS=LOGIN" is read as the 250 it must be.
const char* const kExchangeVerbs[] = {"X-EXPS GSSAPI NTLM", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"};
const char* const kWindowsVerbs[] = {"TURN", "ATRN", "SIZE", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
                                     "8BITMIME", "BINARYMIME", "CHUNKING", "VRFY", "AUTH"};

// The keywords of an EHLO reply, upper case, without "250-" and the greeting line.
std::vector<std::string> keywords(const std::vector<std::string>& ehlo) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < ehlo.size(); ++i)
    out.push_back(ascii::upper(ehlo[i].size() > 4 ? std::string_view(ehlo[i]).substr(4) : std::string_view()));
  return out;
}

bool has_keyword(const std::vector<std::string>& words, std::string_view verb) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return w == verb || (w.starts_with(verb) && w.size() > verb.size() && w[verb.size()] == ' ');
  });
}

// TURN and ATRN are the Windows SMTP service's; no other server here lists both.
bool windows_smtp(const std::vector<std::string>& words) {
  return has_keyword(words, "TURN") && has_keyword(words, "ATRN");
}

std::vector<std::string> missing(const std::vector<std::string>& words, const auto& list) {
  std::vector<std::string> out;
  for (const char* verb : list)
    if (!has_keyword(words, verb)) out.push_back(verb);
  return out;
}

Finding verdict(const SmtpTranscript& t, const std::vector<std::string>& words) {
  auto x = missing(words, kExchangeVerbs);
  auto w = missing(words, kWindowsVerbs);
  std::vector<std::string> evidence;
  for (const auto& line : t.ehlo) evidence.push_back("< " + line);
  if (x.empty() && w.empty())
    return finding(Cause::VerbsMissing, Severity::Ok, "EHLO lists Exchange's extended verbs (seed 002, example 1)", evidence);
  std::vector<std::string> all = x;
  all.insert(all.end(), w.begin(), w.end());
  evidence.push_back(fmt::format("missing: {}", fmt::join(all, ", ")));
  if (x.size() == std::size(kExchangeVerbs) && w.empty())
    return finding(Cause::VerbsMissing, Severity::Problem,
                   "EHLO lists only the Windows SMTP verbs (seed 002, example 2): every verb beginning with X is missing",
                   evidence);
  return finding(Cause::VerbsMissing, Severity::Problem,
                 "EHLO gives an incomplete list (neither of seed 002's examples): a partial list", evidence);
}

}  // namespace

Findings ehlo_rules(const SmtpTranscript& t, bool expect_exchange) {
  if (t.outcome != ConnectOutcome::Connected || !t.banner) return {};
  if (t.ehlo.empty() || smtp_code(t.ehlo.front()) != 250)
    return {finding(Cause::VerbsMissing, Severity::Unchecked, "EHLO is not answered 250", exchange_of(t.lines, "EHLO"))};
  const auto words = keywords(t.ehlo);
  Findings out;
  const bool some_exchange_verb = missing(words, kExchangeVerbs).size() < std::size(kExchangeVerbs);
  if (expect_exchange || windows_smtp(words) || some_exchange_verb)
    out.push_back(verdict(t, words));
  else
    out.push_back(finding(Cause::VerbsMissing, Severity::Note,
                          "neither Exchange nor the Windows SMTP service (no TURN, ATRN or X- verbs): seed 002's verb "
                          "check does not apply (--expect-exchange applies it)",
                          {"< " + t.ehlo.front()}));
  for (const auto& w : words)
    if (w.starts_with("SIZE ") && w.size() > 5)
      out.push_back(finding(Cause::SizeLimit, Severity::Ok, "the size limit (EHLO SIZE) is " + w.substr(5) + " octets",
                            {"< 250-" + w}));
  return out;
}

}  // namespace maillab::doctor

namespace maillab::doctor {

std::uint64_t ehlo_size_limit(const std::vector<std::string>& ehlo) {
  for (const auto& w : keywords(ehlo))
    if (w.starts_with("SIZE ")) try {
        return std::stoull(w.substr(5));
      } catch (const std::exception&) {
        return 0;
      }
  return 0;
}

}  // namespace maillab::doctor
