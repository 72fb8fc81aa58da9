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
#include <vector>

#include <yaml-cpp/yaml.h>

#include "maillab/connector/config.hpp"
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
  YAML::Node node;  // a sequence, or null
  bool empty() const { return !node || node.size() == 0; }
};

struct EventCheck {
  int id = 0;
  std::string text;  // "" : any text
  bool exact = true;   // text: exact description; contains: a substring
  std::optional<int> count;
};

// Every field is optional: an expect step checks what it names.
struct Expect {
  std::vector<EventCheck> events;
  std::vector<int> no_events;
  std::map<std::string, int> folders;     // connector folders, PickUp, Set Aside: file count
  std::map<std::string, int> mailboxes;   // "address/Folder": file count in the store
  std::map<std::string, int> placements;  // mailbox, forward, ndr, badmail: how many so far
  std::optional<int> pop3_left;           // messages on the POP3 server, every account
  std::optional<int> taken_by_competing_client;
  std::vector<std::string> log, no_log;  // the connector's diagnostic log contains / not
  std::map<std::string, std::vector<std::string>> transcript;  // "pop3"/"smtp": lines some session holds
  std::map<std::string, std::int64_t> cycle;  // the last cycle's report: downloaded, delivered ...
  std::vector<std::string> smtpreg, no_smtpreg;  // the event-sink listing (smtpreg.vbs /enum)
  // Where message N (1-based, as the scenario put them on the server) is now: the
  // places of the conservation check, e.g. "Failed Mail", "mailbox bob@contoso.local/Inbox".
  std::map<int, std::string> messages;
};

enum class StepKind {
  Cycle,             // "Retrieve now" (when the connector service runs), then the SMTP stage
  Pickup,            // one pass of the SMTP pickup service
  AddFaults,         // target pop3|smtp
  ClearFaults,       // target pop3|smtp|all
  StopService,       // target connector
  StartService,      // target connector
  RemoveFolder,      // target: a connector folder or PickUp
  CreateFolder,
  IncomingToPickup,  // CDO step 2, by hand: Incoming Mail's files into PickUp
  MoveOut,           // set files aside by hand (folder, message N or all)
  PutBack,           // put set-aside files back into Incoming Mail (all, or all but message N)
  RenameBack,        // give renamed files in a folder their .eml back
  Telnet,            // a scripted session, as the seeds type it
  Pop3Client,        // a standard POP3 client with "leave a copy on the server"
  Pop3Add,           // more mail arrives at the ISP
  Pop3Remove,        // the user deletes mail at the provider
  Configure,         // change the connector's settings (restarts it)
  Exchange,          // change the Exchange side (world) while it runs
  FsFault,           // a file-system event on the connector's folders
  ClearFsFaults,
  Expect,
};

struct Step {
  StepKind kind = StepKind::Expect;
  int line = 0;
  std::string field;  // "steps[3]", for messages
  std::optional<connector::Profile> profile;  // only under this profile
  std::string target;                          // see StepKind
  int count = 1;                               // cycles
  FaultNodes faults;                           // AddFaults
  std::string session;                         // Telnet: the dialog
  std::string user;                            // Pop3Add/Pop3Remove: account ("" first)
  std::vector<MessageSource> messages;         // Pop3Add
  std::optional<int> message;                  // MoveOut: the message; PutBack: all but it (1-based)
  std::string folder;                          // MoveOut, FsFault
  std::map<std::string, std::string> settings; // Configure, Exchange, FsFault
  Expect expect;
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
  std::vector<connector::Profile> profiles{connector::Profile::Sbs2003, connector::Profile::Robust};
  std::string pop3_hostname = "mail-host.fabrikam.com";
  std::vector<Pop3Account> accounts;
  FaultNodes pop3_faults;
  smtp::WorldConfig world;
  FaultNodes smtp_faults;
  ConnectorSpec connector;
  std::vector<Step> steps;
  std::vector<Step> remedy_steps;
};

// The Exchange side when a scenario names none: contoso.local with the mailboxes
// bob@contoso.local and administrator@contoso.local (the administrator mailbox).
smtp::WorldConfig default_world();

// `fixtures` is the directory holding fixtures/messages and fixtures/corrupt.
Scenario load_scenario(const std::string& path, const std::string& fixtures);
Scenario parse_scenario(const std::string& text, const std::string& source, const std::string& fixtures);

}  // namespace maillab::runner
