#pragma once
// A scenario of the catalog as data (docs/scenarios.md): the mail on the POP3 server, the
// world and faults of both simulators, the connector's configuration, the steps (with
// their checks), and the remedy the seeds give with what must hold after it. Loaded from
// one YAML file; a malformed file is refused with its file, line and field named.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "maillab/base/yaml.hpp"

#include "maillab/connector/config.hpp"
#include "maillab/runner/file_system_faults.hpp"
#include "maillab/runner/scenario_tls.hpp"
#include "maillab/smtp/world.hpp"

namespace maillab::runner {

// "FILE:LINE: field 'steps[3].expect.events': why".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MessageSource {
  std::string name;  // the fixture's file name, or the generated name
  std::string text;  // CRLF
};

struct Pop3Account {
  std::string user, password;
  std::vector<MessageSource> messages;
};

// Faults stay YAML until a run builds them (each run needs its own fault objects); the
// loader has built them once already, so a bad spec never reaches a run.
struct FaultNodes {
  std::optional<yaml::Field> field;  // a list, detached from the document
  bool empty() const { return !field || field->node().size() == 0; }
};

// An event the log must hold (docs/scenarios.md, "Checks"): every field named must match;
// `count` counts the events that match them all.
struct EventCheck {
  int id = 0;
  std::optional<std::string> source, category, type;
  std::optional<std::string> description;  // the whole description, exactly (`text` too)
  std::vector<std::string> contains;       // pieces the description holds, each of them
  std::optional<int> count;
};

// A run of consecutive lines of the diagnostic log, compared without their time stamps
// ("[t 0] 07/29/20, 15:49:30: "): the block may be written with or without them. Log
// lines starting with one of `between` may come between the block's lines: the download
// threads log while the delivery thread sends (seed 004 shows RETR n+1 among the lines of
// message n), in an order no test can fix.
struct LogBlock {
  std::vector<std::string> lines;
  std::vector<std::string> between;
};

// The last cycle's report, as an expect step names its counters.
enum class CycleCounter { Downloaded, Delivered, Failed, Refused, Left, Errors };

// Every field is optional: an expect step checks what it names.
struct Expect {
  std::vector<EventCheck> events;
  std::vector<int> no_events;
  std::map<std::string, int> folders;     // connector folders, PickUp, Set Aside: file count
  std::map<std::string, int> mailboxes;   // "address/Folder": file count in the store
  std::map<smtp::Destination, int> placements;  // how many so far
  std::optional<int> pop3_left;           // messages on the POP3 server, every account
  std::optional<int> taken_by_competing_client;
  std::vector<std::string> log, no_log;  // the connector's diagnostic log contains / not
  std::vector<LogBlock> log_blocks;      // the log holds each block, line after line
  std::map<std::string, std::vector<std::string>> transcript;  // "pop3"/"smtp": lines some session holds
  std::map<CycleCounter, std::int64_t> cycle;  // the last cycle's report
  std::optional<std::string> retrieve_refused;  // the last "Retrieve now" ran nothing, saying this
  std::vector<std::string> smtpreg, no_smtpreg;  // the event-sink listing (smtpreg.vbs /enum)
  // Where message N (1-based, as the scenario put them on the server) is now: the
  // places of the conservation check, e.g. "Failed Mail", "mailbox bob@contoso.local/Inbox".
  std::map<int, std::string> messages;
};

enum class Server { Pop3, Smtp };

// One struct per step kind (docs/scenarios.md, "Steps"), parsed once with typed fields.
namespace steps {

struct Cycle {  // "Retrieve now" (when the connector service runs), then the SMTP stage
  int count = 1;
};
struct Pickup {};  // one pass of the SMTP pickup service
struct AddFaults {
  Server server = Server::Pop3;
  FaultNodes faults;
};
struct ClearFaults {
  std::optional<Server> server;  // none: both
};
struct ConnectorService {  // stop_service / start_service
  bool running = false;
};
struct RemoveFolder {  // a connector folder or PickUp
  std::string folder;
};
struct CreateFolder {
  std::string folder;
};
struct IncomingToPickup {  // CDO step 2, by hand: Incoming Mail's files into PickUp
  bool copy = false;        // as the KB says (copy), or moved (the safe way)
};
struct MoveOut {             // set files aside by hand
  std::string folder = "Incoming Mail";
  std::optional<int> message;  // 1-based; none: all
};
struct PutBack {  // set-aside files back into Incoming Mail
  std::optional<int> except;
};
struct Bisect {  // CDO step 4 without knowing the bad file (runner/bisection.hpp)
  std::vector<int> finds;  // the messages (1-based) it must name as bad
  std::optional<int> max_rounds;
};
struct RenameBack {  // give renamed files in a folder their .eml back
  std::string folder;
};
struct Telnet {  // a scripted session, as the seeds type it
  Server to = Server::Pop3;
  std::string session;
};
struct Pop3Client {  // a standard POP3 client with "leave a copy on the server"
  // The client is expected to fail, with this text in the reply that stopped it.
  std::optional<std::string> fails_with;
};
struct Pop3Add {       // more mail arrives at the ISP
  std::string user;
  std::vector<MessageSource> messages;
};
struct Pop3Remove {};  // the user deletes mail at the provider
struct Configure {     // change the connector's settings (restarts it)
  std::optional<std::string> password, deliver_to;
  std::optional<bool> leave_on_server;
  std::optional<connector::LogLevel> logging;
  std::optional<std::string> user, host;  // the mailbox's POP3 user, the POP3 server's host name
  bool restart = true;  // no: the dialog's "No", the running service keeps its settings
};
struct Exchange {  // change the Exchange side (world) while it runs
  std::optional<std::string> accept_domain;
  std::optional<bool> anonymous_access;
  std::optional<std::string> mailbox;  // the mailbox the settings below change
  std::optional<bool> deliver_to_both;
  std::optional<std::string> forward_to;
  std::optional<std::uint64_t> quota_kb, used_kb;
  bool clear_rules = false;
};
struct FsFault {  // a file-system event on the connector's folders
  std::string folder = "Incoming Mail";
  Antivirus antivirus = Antivirus::Rename;
  int nth = 1;  // the antivirus scanner acts on the Nth file written
};
struct DamageComponent {  // bytes of one MIME component change on disk (CDO step 5)
  std::string name;       // "Inetcomm.dll" ...
};
struct RegisterComponents {};  // replaced from the CD and registered with regsvr32
struct ClearFsFaults {};
using Expect = runner::Expect;

}  // namespace steps

using StepAction =
    std::variant<steps::Cycle, steps::Pickup, steps::AddFaults, steps::ClearFaults, steps::ConnectorService,
                 steps::RemoveFolder, steps::CreateFolder, steps::IncomingToPickup, steps::MoveOut, steps::PutBack,
                 steps::Bisect, steps::RenameBack, steps::Telnet, steps::Pop3Client, steps::Pop3Add, steps::Pop3Remove,
                 steps::Configure, steps::Exchange, steps::FsFault, steps::ClearFsFaults, steps::DamageComponent,
                 steps::RegisterComponents, steps::Expect>;

// What every step has besides its action: where it was written, and the profile it is for.
struct Step {
  int line = 0;
  std::string field;                          // "steps[3]", for messages
  std::optional<connector::Profile> profile;  // only under this profile
  StepAction action;
};

// What the doctor (docs/doctor.md) must read at one moment of a run: the catalog ids it
// names, as a set, or `unobservable` (the cause leaves nothing the doctor can see; the
// doctor must then name nothing).
struct ExpectedDiagnosis {
  bool unobservable = false;
  std::vector<std::string> causes;  // sorted; empty: healthy
};

// `diagnosis:` (docs/scenarios.md): at the symptom (after the steps, before the remedy)
// and after the remedy (default: healthy), per profile. A profile missing from `symptom`
// is not checked.
struct DiagnosisSpec {
  int line = 0;
  std::map<connector::Profile, ExpectedDiagnosis> symptom, after_remedy;
};

struct ConnectorSpec {
  connector::Config base;  // root, ports and delivery filled in per run
  bool pickup = false;      // deliver into PickUp instead of over SMTP
  bool mailboxes_given = false;
};

struct Scenario {
  std::string id;
  std::string file;
  std::string title, source, fault, symptoms, remedy;
  // Lower-case words for `maillab scenario run --tag`: the id's prefix (cdo, dl, smtp ...)
  // and the file's own `tags:`.
  std::vector<std::string> tags;
  std::vector<connector::Profile> profiles{connector::Profile::Sbs2003, connector::Profile::Robust};
  std::string pop3_hostname = "mail-host.fabrikam.com";
  std::vector<Pop3Account> accounts;
  FaultNodes pop3_faults;
  smtp::WorldConfig world;
  FaultNodes smtp_faults;
  ConnectorSpec connector;
  ScenarioTls tls;  // `tls:` (scenario_tls.hpp)
  std::vector<Step> steps;
  std::vector<Step> remedy_steps;
  // A loss or duplicate the documents give as a profile's behaviour (NET-drop-mid-retr under
  // sbs2003 doubles one message): the conservation check then expects exactly these counts.
  struct Fates {
    std::size_t lost = 0, duplicated = 0;
  };
  std::map<connector::Profile, Fates> documented_fates;
  std::optional<DiagnosisSpec> diagnosis;  // none: the doctor is not run
};

// `fixtures` is the directory holding fixtures/messages and fixtures/corrupt.
Scenario load_scenario(const std::string& path, const std::string& fixtures);
Scenario parse_scenario(const std::string& text, const std::string& source, const std::string& fixtures);

}  // namespace maillab::runner
