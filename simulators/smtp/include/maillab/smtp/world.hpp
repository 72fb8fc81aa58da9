#pragma once
// The Exchange side behind the SMTP virtual server, as data: accepted domains (the
// recipient policy), mailboxes with folders, quotas, forwarding and client rules,
// anonymous access, the size limit, the administrator mailbox. The configuration comes
// from a world file (or flags); the World fault layer overrides single settings while a
// fault is installed. Accepted mail is written to STORE/<address>/<folder>/<id>.eml,
// and every message's fate is kept as a Placement. A World on a store that holds mail
// (a restart) first settles what a crash left there and goes on from its highest queue id.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "maillab/base/ascii.hpp"
#include "maillab/base/yaml.hpp"
#include "maillab/faults/fault_table.hpp"
#include "maillab/smtp/profile.hpp"
#include "maillab/smtp/world_settings.hpp"

namespace maillab::smtp {

struct Rule {
  std::string folder;
  std::string subject_contains;  // "" matches every message
  std::string from_contains;
};

struct MailboxConfig {
  std::string address;  // lower case
  std::uint64_t quota_kb = 200000;  // SBS 2003's default "prohibit send and receive at"
  std::uint64_t used_kb = 0;
  std::string forward_to;
  bool deliver_to_both = false;
  std::vector<Rule> rules;
};

struct WorldConfig {
  std::string hostname = "mail1.example.com";
  Profile profile = Profile::Exchange;
  std::vector<std::string> accepted_domains;
  std::vector<MailboxConfig> mailboxes;
  bool anonymous_access = true;
  std::uint64_t size_limit = 5242880;  // seed 002: SIZE 5242880
  std::string admin_mailbox;
  std::map<std::string, std::string> auth_users;  // AUTH user -> password
  std::size_t max_recipients = 100;
  // Exchange's message tracking: a log of every local delivery in STORE/<hostname>.log
  // (src/message_tracking.hpp). Off by default, as in Exchange 2003.
  bool message_tracking = false;
};

// The Exchange side when none is given (a scenario without one, the unit tests, the
// Python module): contoso.local with the mailboxes bob@contoso.local and
// administrator@contoso.local (the administrator mailbox).
WorldConfig default_world();

// A world file. Throws faults::SpecError naming file, line and field.
WorldConfig load_world_file(const std::string& path);
WorldConfig parse_world_yaml(std::string_view text, std::string_view source);
// The world inside a larger YAML document (a scenario file); lines and field paths stay
// the document's.
WorldConfig parse_world(const yaml::Field& field);

struct Envelope {
  std::string from;  // "" for the null sender <>
  std::vector<std::string> recipients;
  std::string ret;    // DSN RET=FULL|HDRS
  std::string envid;  // DSN ENVID
  std::vector<std::string> notify;  // per recipient, DSN NOTIFY
};

// Where the store put a message (or its report) for one recipient.
enum class Destination {
  Mailbox,  // a folder of a local mailbox
  Forward,  // forwarded to another address
  Ndr,      // undeliverable: a non-delivery report went to the sender or the administrator
  Badmail,  // undeliverable mail from <>: no report about a report
};
std::string_view destination_name(Destination d);  // "mailbox", "forward", "ndr", "badmail"
std::optional<Destination> destination_from_name(std::string_view name);

struct Placement {
  std::string id;         // the queue id the 250 reply names
  std::string recipient;  // envelope recipient
  Destination where = Destination::Mailbox;
  std::string target;     // mailbox address, forward address, NDR recipient
  std::string folder;     // for Mailbox
  std::filesystem::path file;
};

class PlacementLog;
class MessageStore;

class World {
 public:
  // `store` empty: delivered mail is kept in memory, up to `memory_budget` bytes of the
  // newest texts.
  World(WorldConfig config, std::filesystem::path store, faults::FaultTable& faults,
        std::uint64_t memory_budget = std::uint64_t{256} << 20);
  // On a store of the caller's making (tests: a store over failing file operations).
  World(WorldConfig config, std::filesystem::path store, faults::FaultTable& faults, std::unique_ptr<MessageStore> files);
  ~World();

  enum class Recipient { Accept, Relay, Unknown };
  Recipient check_recipient(std::string_view address) const;
  bool anonymous_access() const;
  Profile profile() const;
  std::uint64_t size_limit() const;
  const std::string& hostname() const { return config_.hostname; }
  bool check_login(std::string_view user, std::string_view password) const;
  std::size_t max_recipients() const { return config_.max_recipients; }

  // Stores an accepted message for every recipient; returns its queue id. All or nothing:
  // on failure (a StoreError, or another exception) no file is left, no quota charged and
  // no placement recorded, so the client's resend makes one copy. Recipients the world
  // cannot deliver to (possible for the pickup directory, which has no RCPT check) get a
  // non-delivery report, or go to Badmail when the sender is <>. `handover`: a file (a
  // pickup file) removed in the same commit as the copies are made.
  std::string deliver(const Envelope& envelope, const std::string& message, const std::string& handover = {});

  // The POP3 connector event sink (binding on SMTP Transport OnSubmission, rule
  // RCPT TO=*mspop3connector.*): while registered it maps user@mspop3connector.DOMAIN to
  // user@DOMAIN. Unregistered, such mail is undeliverable.
  bool event_sink_registered() const;
  std::string resolve(std::string_view recipient) const;
  std::string resolve(const WorldOverrides& o, std::string_view recipient) const;
  // What `cscript smtpreg.vbs /enum` shows of it (seed 003).
  std::string event_sink_listing() const;
  // The SMTP service and the default virtual server (world settings smtp-service and
  // virtual-server = stopped).
  bool service_running() const;
  // The antivirus scanner on PickUp (world setting pickup-antivirus).
  Antivirus antivirus() const { return overrides()->antivirus; }

  std::vector<Placement> placements() const;
  // The text a placement (from placements()) stored; nullopt when it is gone (removed, or dropped from a
  // memory store past its budget).
  std::optional<std::string> text(const Placement& placement) const;
  WorldConfig config() const;
  void set_config(WorldConfig config);
  const std::filesystem::path& store() const { return store_; }

 private:
  // The installed world faults' settings, as of the fault table's last change.
  std::shared_ptr<const WorldOverrides> overrides() const;
  MailboxConfig* mailbox_locked(std::string_view address);
  const MailboxConfig* mailbox_locked(std::string_view address) const;
  // One file to write for a delivery, decided under the lock and written outside it.
  struct Write {
    Placement placement;
    std::string text;  // empty: the message itself
    std::uint64_t charged_kb = 0;  // against placement.target's quota
  };
  void refund(const std::vector<Write>& writes);
  void place_locked(const WorldOverrides& o, const std::string& id, const std::string& recipient,
                    const Envelope& env, const std::string& message, std::vector<std::string>& forwarded,
                    std::vector<Write>& writes);
  bool accepts_domain_locked(const WorldOverrides& o, std::string_view address) const;

  mutable std::mutex mutex_;
  WorldConfig config_;
  std::filesystem::path store_;
  faults::FaultTable& faults_;
  std::uint64_t next_id_ = 1;
  std::unique_ptr<PlacementLog> placements_;
  std::unique_ptr<MessageStore> files_;
  // The snapshot the fault table's observer keeps fresh. Shared with the observer, so a
  // notification still running while the World goes away touches only this.
  struct OverridesFeed;
  std::shared_ptr<OverridesFeed> overrides_;
  faults::FaultTable::Subscription follows_faults_;
};

using ascii::lower;
std::string domain_of(std::string_view address);

}  // namespace maillab::smtp
