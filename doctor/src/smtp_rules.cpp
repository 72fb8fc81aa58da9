// The SMTP stage's probes: the connection (step 2), anonymous access (step 7), the
// recipient policy (step 5, KB 842293), and seed 004's refusal after the final dot.
#include <fmt/format.h>

#include "rules.hpp"

namespace maillab::doctor {
namespace {

std::optional<Findings> connection(const SmtpTranscript& t) {
  if (t.outcome != ConnectOutcome::Connected)
    return Findings{finding(Cause::SmtpStopped, Severity::Problem, "nothing answers on the SMTP port",
                            {connect_failed_line(t.host, t.port, t.outcome, t.connect_error)})};
  if (!t.banner || smtp_code(*t.banner) != 220)
    return Findings{finding(Cause::SmtpStopped, Severity::Problem, "the SMTP server does not greet with 220",
                            {t.banner ? "< " + *t.banner : "no greeting: " + t.broke_off})};
  return std::nullopt;
}

Finding anonymous_access(const SmtpTranscript& t) {
  auto evidence = exchange_of(t.lines, "MAIL FROM");
  if (!t.mail_reply)
    return finding(Cause::AnonymousDisabled, Severity::Unchecked, "MAIL FROM got no reply: " + t.broke_off, evidence);
  if (smtp_code(*t.mail_reply) == 530) {
    evidence.push_back("the connector logs event 12052 for this: the error is 86");
    return finding(Cause::AnonymousDisabled, Severity::Problem, "MAIL FROM without AUTH is refused (530)", evidence);
  }
  if (smtp_code(*t.mail_reply) / 100 == 2)
    return finding(Cause::AnonymousDisabled, Severity::Ok, "anonymous access is allowed (MAIL FROM without AUTH)", evidence);
  return finding(Cause::AnonymousDisabled, Severity::Unchecked, "MAIL FROM is refused for another reason", evidence);
}

Finding recipient(const SmtpTranscript::Rcpt& r) {
  std::vector<std::string> evidence{"> RCPT TO:<" + r.address + ">", "< " + r.reply};
  if (smtp_code(r.reply) / 100 == 2)
    return finding(Cause::RecipientPolicy, Severity::Ok, "the server accepts mail for " + r.address, evidence);
  auto cause = refusal_cause(r.reply);
  if (cause == Cause::RecipientPolicy) evidence.push_back("the connector logs event 1070 for this (KB 842293)");
  if (cause) return finding(*cause, Severity::Problem, "the server refuses mail for " + r.address, evidence);
  return finding(Cause::RecipientPolicy, Severity::Unchecked, "RCPT for " + r.address + " got a reply the seeds do not explain",
                 evidence);
}

Finding test_message(const SmtpTranscript& t) {
  auto evidence = exchange_of(t.lines, "DATA");
  if (!t.dot_reply)
    return finding(Cause::SenderDenied, Severity::Unchecked, "the test message was not taken: " + t.broke_off, evidence);
  evidence.push_back("< " + *t.dot_reply + "   (after the final dot)");
  if (smtp_code(*t.dot_reply) / 100 == 2)
    return finding(Cause::SenderDenied, Severity::Ok, "the test message is accepted after the final dot", evidence);
  auto cause = refusal_cause(*t.dot_reply).value_or(Cause::SenderDenied);
  return finding(cause, Severity::Problem, "the test message is refused after the final dot", evidence);
}

}  // namespace

Findings smtp_rules(const SmtpTranscript& t) {
  if (auto stop = connection(t)) return *stop;
  Findings out{finding(Cause::SmtpStopped, Severity::Ok, "the SMTP service answers", {"< " + *t.banner})};
  if (t.ehlo.empty()) return out;
  out.push_back(anonymous_access(t));
  for (const auto& r : t.rcpts) out.push_back(recipient(r));
  if (t.test_sent) out.push_back(test_message(t));
  return out;
}

std::optional<Cause> refusal_cause(std::string_view reply) {
  const int code = smtp_code(reply);
  const auto enhanced = enhanced_code(reply);
  if (code == 530) return Cause::AnonymousDisabled;
  if (enhanced == "5.7.1" || reply.find("relay") != std::string_view::npos) return Cause::RecipientPolicy;
  if (enhanced == "5.2.2") return Cause::Quota;
  if (enhanced == "5.1.1" || (code == 550 && reply.find("nknown") != std::string_view::npos))
    return Cause::UnknownRecipient;
  if (code == 552 || enhanced == "5.3.4") return Cause::SizeLimit;
  if (code == 554) return Cause::SenderDenied;
  return std::nullopt;
}

}  // namespace maillab::doctor
