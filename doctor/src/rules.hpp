#pragma once
// The doctor's rules: pure functions from one kind of observation to findings.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/doctor/doctor.hpp"

namespace maillab::doctor {

using Findings = std::vector<Finding>;

Findings pop3_rules(const Pop3Transcript& t, bool expect_mail);
Findings smtp_rules(const SmtpTranscript& t);
Findings ehlo_rules(const SmtpTranscript& t, bool expect_exchange);
// `events` (may be empty) tell why a sound file is in Failed Mail: the event naming it.
Findings folder_rules(const FoldersObservation& f, const std::vector<EventRecord>& events);
Findings event_rules(const std::vector<EventRecord>& events);
Findings log_rules(const std::vector<LogEntry>& log);

// Helpers the rules share.
Finding finding(Cause cause, Severity severity, std::string summary, std::vector<std::string> evidence = {});
// "> USER bob" / "< +OK", as the evidence shows a dialog line.
std::string shown(const DialogLine& line);
// The line typed that starts with `verb` (case-insensitive) and the reply after it.
std::vector<std::string> exchange_of(const std::vector<DialogLine>& lines, std::string_view verb);
// telnet's words for a connection that failed (seed 000's English line).
std::string connect_failed_line(const std::string& host, unsigned port, ConnectOutcome outcome,
                                const std::string& error);
// The reply code of an SMTP reply line ("550 5.7.1 ..." -> 550), 0 when there is none.
int smtp_code(std::string_view line);
// The enhanced status code after the reply code ("5.7.1"), or "".
std::string enhanced_code(std::string_view line);

}  // namespace maillab::doctor

namespace maillab::doctor {
// What a refusing SMTP reply documents (530, 550 5.7.1, 550 5.1.1, 552 5.2.2, 552, 554),
// or nullopt for a reply the seeds do not explain.
std::optional<Cause> refusal_cause(std::string_view reply);
// The size limit an EHLO reply announces (SIZE N), 0 when none.
std::uint64_t ehlo_size_limit(const std::vector<std::string>& ehlo);
}  // namespace maillab::doctor
