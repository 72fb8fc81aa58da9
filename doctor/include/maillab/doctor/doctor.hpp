#pragma once
// maillab doctor: KB 885685's procedure (download stage, CDO stage, SMTP stage) and seed
// 002's verb check, read as a decision procedure over observations. diagnose() is pure;
// the probes and readers (probes.hpp) collect the observations.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maillab/doctor/observations.hpp"

namespace maillab::doctor {

// The KB's three stages, in its order ("Troubleshoot the delivery process").
enum class Stage { Download, Cdo, Smtp };

// Every cause the doctor can name: one documented case of the seeds each. The scenario
// catalog's id of each (cause_id) is what a scenario's expected diagnosis names.
enum class Cause {
  ServiceStopped,     // download process, first step: the connector's service is not started
  ConnectFailed,      // telnet step 2: refused, timed out, host unknown
  BannerNotOk,        // telnet step 2: the banner must start with +OK
  LogonFailure,       // telnet steps 3-4
  EmptyDrop,          // telnet step 5: +OK 0 0
  CompetingClient,    // telnet step 5.2: another client uses the mailbox
  QuitReply,          // telnet step 6
  CdoEvents,          // 1046 + 1048
  MissingFolders,     // CDO step 1
  FilesStuck,         // CDO step 2
  CorruptFiles,       // CDO step 4
  ChangedFiles,       // CDO step 4h: odd extensions, access denied, locked
  Components,         // CDO step 5: the MIME components differ from the CD's
  FailedMail,         // CDO step 6
  UnknownRecipient,   // SMTP step 1c
  SmtpStopped,        // SMTP step 2: the SMTP service or virtual server not started
  Quota,              // SMTP step 4
  RecipientPolicy,    // SMTP step 5, KB 842293, event 1070
  AnonymousDisabled,  // SMTP step 7, event 12052, error 86
  PickupScanner,      // SMTP step 8
  VerbsMissing,       // seed 002 example 2, or another incomplete list
  SizeLimit,          // seed 004: larger than the Exchange size limit
  SenderDenied,       // seed 004: 554 5.1.0 Sender denied after the final dot
  Slowdown,           // seed 004: the same messages refused run after run
};

enum class Severity {
  Ok,       // the check passed (shown so the reader sees what was looked at)
  Note,     // worth knowing, not a fault (an empty drop nobody expected mail in)
  Problem,  // a documented cause
  Unchecked,  // the check could not run to its end (the server broke off)
};

struct Finding {
  Cause cause;
  Severity severity = Severity::Problem;
  std::string summary;                // one line: what was seen
  std::vector<std::string> evidence;  // transcript lines, file names, event ids, log lines
};

struct CauseInfo {
  Cause cause;
  Stage stage;
  const char* id;      // the scenario catalog's id: "DL-bad-password"
  const char* step;    // the seed's step: "KB 885685, telnet steps 3-4"
  const char* cause_text;
  const char* remedy;
};
const CauseInfo& info(Cause cause);
// The cause a catalog id names ("DL-bad-password"); nullopt for an id the doctor does not know.
std::optional<Cause> cause_by_id(std::string_view id);
// Every catalog id the doctor can name, in the KB's order (for messages).
std::vector<std::string> cause_ids();

// The KB's section title of a stage, in English, or quoted from seed 000 (de) or 003 (ja).
enum class Lang { En, De, Ja };
Lang parse_lang(const std::string& text);  // throws std::invalid_argument
std::string stage_title(Stage stage, Lang lang);

struct Report {
  std::vector<Finding> findings;  // in the KB's order: stage, then the step order of Cause
  std::vector<std::string> unchecked;
  bool problem() const;
  // 0 healthy, 1 a problem found, 2 nothing found but something could not be checked.
  int exit_code() const;
  // The causes named (Problem findings), without repeats, in report order.
  std::vector<Cause> causes() const;
};

Report diagnose(const Observations& seen);

std::string render_text(const Report& report, Lang lang);
// JSON: exit, causes (the catalog ids), findings (stage, its title in `lang`, step, cause_id,
// severity, summary, evidence, cause, remedy, seed_quotes), unchecked.
std::string render_json(const Report& report, Lang lang = Lang::En);

}  // namespace maillab::doctor
