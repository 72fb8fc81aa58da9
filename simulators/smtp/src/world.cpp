#include "maillab/base/files.hpp"
#include "maillab/smtp/world.hpp"

#include <algorithm>
#include <cstdint>


#include "maillab/base/message_text.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "memory_store.hpp"
#include "maillab/smtp/path_names.hpp"
#include "message_tracking.hpp"
#include "placement_log.hpp"
#include "store_files.hpp"

namespace fs = std::filesystem;

namespace maillab::smtp {


std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : lower(address.substr(at + 1));
}

// ---- world files ---------------------------------------------------------------------

namespace {

using yaml::Field;

// A value that becomes a folder of the store (an address, a folder name) must stay in it.
std::string path_name(const Field& f, std::string value) {
  if (auto refusal = store_name_refusal(value)) f.fail(*refusal);
  return value;
}

Rule rule(const Field& f) {
  f.only({"folder", "subject_contains", "from_contains"});
  Rule x;
  const Field folder = f["folder"];
  x.folder = path_name(folder, folder.required("every rule moves mail into a folder").str());
  if (f["subject_contains"].present()) x.subject_contains = f["subject_contains"].str();
  if (f["from_contains"].present()) x.from_contains = f["from_contains"].str();
  return x;
}

MailboxConfig mailbox(const Field& f) {
  MailboxConfig mb;
  if (f.is_scalar()) {
    mb.address = path_name(f, f.address());
    return mb;
  }
  f.only({"address", "quota_kb", "used_kb", "forward_to", "deliver_to_both", "rules"});
  const Field address = f["address"];
  mb.address = path_name(address, address.required("every mailbox needs one").address());
  if (f["quota_kb"].present()) mb.quota_kb = static_cast<std::uint64_t>(f["quota_kb"].integer(0, INT64_MAX));
  if (f["used_kb"].present()) mb.used_kb = static_cast<std::uint64_t>(f["used_kb"].integer(0, INT64_MAX));
  if (f["forward_to"].present()) mb.forward_to = path_name(f["forward_to"], f["forward_to"].address());
  if (f["deliver_to_both"].present()) mb.deliver_to_both = f["deliver_to_both"].boolean();
  if (f["rules"].present())
    for (const auto& r : f["rules"].items()) mb.rules.push_back(rule(r));
  return mb;
}

WorldConfig world(const Field& root) {
  WorldConfig w;
  if (!root.present()) return w;
  root.only({"hostname", "profile", "accepted_domains", "mailboxes", "anonymous_access", "size_limit", "admin_mailbox",
             "auth_users", "max_recipients", "message_tracking"});
  if (root["hostname"].present()) w.hostname = root["hostname"].str();
  if (root["profile"].present())
    w.profile = root["profile"].choice<Profile>(
        {{"exchange", Profile::Exchange}, {"iis", Profile::Iis}, {"plain", Profile::Plain}});
  if (root["accepted_domains"].present())
    for (const auto& d : root["accepted_domains"].items()) w.accepted_domains.push_back(lower(d.str()));
  if (root["anonymous_access"].present()) w.anonymous_access = root["anonymous_access"].boolean();
  if (root["size_limit"].present()) w.size_limit = root["size_limit"].bytes();
  if (root["max_recipients"].present()) w.max_recipients = static_cast<std::size_t>(root["max_recipients"].integer());
  if (root["message_tracking"].present()) w.message_tracking = root["message_tracking"].boolean();
  if (root["admin_mailbox"].present()) w.admin_mailbox = path_name(root["admin_mailbox"], root["admin_mailbox"].address());
  if (root["auth_users"].present())
    for (const auto& [user, password] : root["auth_users"].entries()) w.auth_users[user] = password.str();
  if (root["mailboxes"].present())
    for (const auto& m : root["mailboxes"].items()) w.mailboxes.push_back(mailbox(m));
  return w;
}

}  // namespace

WorldConfig parse_world(const yaml::Field& field) {
  return yaml::reading<faults::SpecError>(field.source(), [&] { return world(field); });
}

WorldConfig parse_world_yaml(std::string_view text, std::string_view source) {
  std::string name(source);
  return yaml::reading<faults::SpecError>(name, [&] { return world(yaml::load(text, name)); });
}

WorldConfig load_world_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw faults::SpecError(path + ": cannot be read");
  return parse_world_yaml(*text, path);
}

// ---- the world -----------------------------------------------------------------------

namespace {
std::unique_ptr<MessageStore> make_store(const fs::path& store, std::uint64_t memory_budget) {
  if (store.empty()) return std::make_unique<MemoryStore>(memory_budget);
  return std::make_unique<StoreFiles>(store);
}

// The queue id a stored file's name starts with ("00000042.eml", "00000042-ndr-..."); 0 for none.
std::uint64_t id_of(std::string_view name) {
  std::uint64_t n = 0;
  std::size_t digits = 0;
  for (; digits < name.size() && digits < 19 && name[digits] >= '0' && name[digits] <= '9'; ++digits)
    n = n * 10 + static_cast<std::uint64_t>(name[digits] - '0');
  bool id = digits > 0 && digits < name.size() && (name[digits] == '.' || name[digits] == '-');
  return id ? n : 0;
}
}  // namespace

struct World::OverridesFeed {
  std::mutex mutex;
  std::shared_ptr<const WorldOverrides> current;
  // The table is read under the feed's lock: of two changes notified at once, the
  // refresh that stores last also read last, so the snapshot never goes back in time.
  void refresh(const faults::FaultTable& table) {
    std::lock_guard lock(mutex);
    current = std::make_shared<const WorldOverrides>(read_world_overrides(table.world()));
  }
};

World::World(WorldConfig config, fs::path store, faults::FaultTable& faults, std::uint64_t memory_budget)
    : World(std::move(config), store, faults, make_store(store, memory_budget)) {}

World::World(WorldConfig config, fs::path store, faults::FaultTable& faults, std::unique_ptr<MessageStore> files)
    : config_(std::move(config)), store_(std::move(store)), faults_(faults),
      placements_(std::make_unique<PlacementLog>()),
      files_(std::move(files)),
      overrides_(std::make_shared<OverridesFeed>()) {
  for (auto& m : config_.mailboxes) m.address = lower(m.address);
  // A store that already holds mail (a restart) settles what a crash left half done, and
  // the queue ids go on from the highest one there, so no new name meets an old one.
  std::uint64_t highest = 0;
  files_->recover([&](std::string_view name) { highest = std::max(highest, id_of(name)); });
  next_id_ = highest + 1;
  // Read once per change of the table, not on every recipient. Subscribed before the
  // first read, so no change can fall between the two.
  follows_faults_ = faults_.subscribe([feed = overrides_, table = &faults_] { feed->refresh(*table); });
  overrides_->refresh(faults_);
}

World::~World() = default;

std::shared_ptr<const WorldOverrides> World::overrides() const {
  std::lock_guard lock(overrides_->mutex);
  return overrides_->current;
}

MailboxConfig* World::mailbox_locked(std::string_view address) {
  return const_cast<MailboxConfig*>(std::as_const(*this).mailbox_locked(address));
}

const MailboxConfig* World::mailbox_locked(std::string_view address) const {
  for (const auto& m : config_.mailboxes)
    if (ascii::iequals(m.address, address)) return &m;  // addresses are kept in lower case
  return nullptr;
}

bool World::event_sink_registered() const { return !overrides()->event_sink_unregistered; }

bool World::service_running() const {
  return !overrides()->service_stopped;
}

std::string World::resolve(std::string_view recipient) const { return resolve(*overrides(), recipient); }

std::string World::resolve(const WorldOverrides& o, std::string_view recipient) const {
  static constexpr std::string_view kSink = "mspop3connector.";
  auto r = lower(recipient);
  auto at = r.rfind('@');
  if (at != std::string::npos && r.compare(at + 1, kSink.size(), kSink) == 0 && !o.event_sink_unregistered)
    r.erase(at + 1, kSink.size());
  return r;
}

std::string World::event_sink_listing() const {
  if (!event_sink_registered()) return "";
  // Seed 003's block, as cscript smtpreg.vbs /enum prints it.
  return " ---------\n"
         "| Binding |\n"
         " ---------\n"
         "            Event: SMTP Transport OnSubmission\n"
         "               ID: {66F4180A-627E-4073-8D31-51F628AA8366}\n"
         "             Name: POP3 Connector Event Sink\n"
         "        SinkClass: Imbdlvres.IMBDeliveryEventSink\n"
         "Enabled: True\n"
         " SourceProperties: {\n"
         "                    rule = RCPT TO=*mspop3connector.*\n"
         "                    priority = 0\n"
         "                   }\n";
}

World::Recipient World::check_recipient(std::string_view raw) const {
  std::string address = resolve(raw);
  std::lock_guard lock(mutex_);
  if (!accepts_domain_locked(*overrides(), address)) return Recipient::Relay;
  return mailbox_locked(address) ? Recipient::Accept : Recipient::Unknown;
}

bool World::accepts_domain_locked(const WorldOverrides& o, std::string_view address) const {
  if (o.recipient_policy_missing) return false;
  auto domain = domain_of(address);
  return std::find(config_.accepted_domains.begin(), config_.accepted_domains.end(), domain) !=
         config_.accepted_domains.end();
}

bool World::anonymous_access() const {
  auto o = overrides();
  std::lock_guard lock(mutex_);
  return o->anonymous_access.value_or(config_.anonymous_access);
}

Profile World::profile() const {
  auto o = overrides();
  std::lock_guard lock(mutex_);
  return o->profile.value_or(config_.profile);
}

std::uint64_t World::size_limit() const {
  auto o = overrides();
  std::lock_guard lock(mutex_);
  return o->size_limit.value_or(config_.size_limit);
}

bool World::check_login(std::string_view user, std::string_view password) const {
  std::lock_guard lock(mutex_);
  auto it = config_.auth_users.find(std::string(user));
  return it != config_.auth_users.end() && it->second == password;
}

static std::string ndr_text(const std::string& hostname, const std::string& to, const std::string& recipient,
                            const std::string& status, const std::string& diagnostic, const std::string& original) {
  // RFC 3464: multipart/report with a human part, the delivery status and the headers.
  std::string boundary = "maillab-ndr-boundary";
  std::size_t body = body_offset(original);
  std::string headers = original.substr(0, body == std::string::npos ? original.size() : body);
  return "From: postmaster@" + hostname + "\r\nTo: " + to + "\r\nSubject: Undeliverable\r\n" +
         "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary +
         "\"\r\n\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nYour message did not reach some or all of "
         "the intended recipients.\r\n\r\n      " + recipient + ": " + diagnostic + "\r\n\r\n--" + boundary +
         "\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;" + hostname + "\r\n\r\nFinal-Recipient: "
         "rfc822;" + recipient + "\r\nAction: failed\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp;" + diagnostic +
         "\r\n\r\n--" + boundary + "\r\nContent-Type: text/rfc822-headers\r\n\r\n" + headers + "\r\n--" + boundary +
         "--\r\n";
}

void World::place_locked(const WorldOverrides& o, const std::string& id, const std::string& rcpt, const Envelope& env, const std::string& msg,
                         std::vector<std::string>& forwarded, std::vector<Write>& writes) {
  // Placement.file holds the folder; the placement log names the file in it.
  auto to = [&](Destination where, std::string target, std::string folder, fs::path dir, std::string text = {}) {
    writes.push_back({Placement{id, rcpt, where, std::move(target), std::move(folder), std::move(dir)},
                      std::move(text)});
  };
  // A report goes to the sender's mailbox if local, else to the administrator's; a report
  // about a report is never sent: mail from <> goes to Badmail instead.
  auto undeliverable = [&](const std::string& status, const std::string& diagnostic) {
    std::string ndr_to = env.from.empty() ? "" : mailbox_locked(env.from) ? lower(env.from) : config_.admin_mailbox;
    if (ndr_to.empty()) {
      to(Destination::Badmail, "", "", store_ / "Badmail");
    } else {
      to(Destination::Ndr, ndr_to, "Inbox", store_ / ndr_to / "Inbox",
         ndr_text(config_.hostname, ndr_to, rcpt, status, diagnostic, msg));
    }
  };
  const bool accepted = accepts_domain_locked(o, rcpt);
  MailboxConfig* mb = accepted ? mailbox_locked(rcpt) : nullptr;
  if (!mb) {
    if (accepted) return undeliverable("5.1.1", "550 5.1.1 User unknown");
    return undeliverable("5.4.0", "550 5.4.0 No route to " + domain_of(rcpt));
  }
  auto fw = o.forward.find(mb->address);
  std::string forward = fw == o.forward.end() ? std::string() : fw->second;
  bool both = mb->deliver_to_both;
  if (forward.empty()) forward = mb->forward_to;
  if (!forward.empty() && std::find(forwarded.begin(), forwarded.end(), forward) == forwarded.end()) {
    forwarded.push_back(forward);
    to(Destination::Forward, forward, "", store_ / ".forwarded" / forward);
    if (!both) return;
  }
  std::uint64_t size_kb = (msg.size() + 1023) / 1024;
  bool full = o.mailbox_full.count(mb->address) || mb->used_kb + size_kb > mb->quota_kb;
  if (full) return undeliverable("5.2.2", "550 5.2.2 Mailbox full");  // the store refuses it
  auto rule = o.client_rule.find(mb->address);
  std::string folder = rule == o.client_rule.end() ? std::string() : rule->second;
  if (folder.empty()) {
    folder = "Inbox";
    if (!mb->rules.empty()) {
      auto subject = header_value(msg, "Subject");
      auto from = header_value(msg, "From");
      for (const auto& rule : mb->rules) {
        if ((rule.subject_contains.empty() || subject.find(rule.subject_contains) != std::string::npos) &&
            (rule.from_contains.empty() || from.find(rule.from_contains) != std::string::npos)) {
          folder = rule.folder;
          break;
        }
      }
    }
  }
  mb->used_kb += size_kb;  // charged now, so concurrent deliveries see it; refunded on failure
  to(Destination::Mailbox, mb->address, folder, store_ / mb->address / folder);
  writes.back().charged_kb = size_kb;
}

void World::refund(const std::vector<Write>& writes) {
  std::lock_guard lock(mutex_);
  for (const auto& w : writes)
    if (auto* mb = w.charged_kb ? mailbox_locked(w.placement.target) : nullptr)
      mb->used_kb -= std::min(mb->used_kb, w.charged_kb);
}

std::string World::deliver(const Envelope& env, const std::string& message, const std::string& handover) {
  std::vector<Write> writes;
  std::uint64_t number;
  std::string id;
  {
    std::lock_guard lock(mutex_);
    number = next_id_++;
    id = queue_id(number);
    std::vector<std::string> forwarded;
    auto o = overrides();
    for (const auto& r : env.recipients) place_locked(*o, id, resolve(*o, r), env, message, forwarded, writes);
  }
  // Ids are unique, so the files can be written without the lock; all of them or none.
  std::vector<StoredCopy> copies;
  copies.reserve(writes.size());
  for (const auto& w : writes)
    copies.push_back({w.placement.file.native(), store_file_name(w.placement), w.text.empty() ? message : w.text});
  try {
    files_->put_all(copies, handover);
  } catch (...) {
    refund(writes);
    throw;
  }
  std::lock_guard lock(mutex_);
  for (auto& w : writes) placements_->add(number, w.placement);
  if (config_.message_tracking && !store_.empty()) {
    std::vector<Placement> placed;
    for (auto& w : writes) placed.push_back(w.placement);
    track_deliveries(tracking_folder(store_, config_.hostname), config_.hostname, env, message, placed);
  }
  return id;
}

std::vector<Placement> World::placements() const {
  std::lock_guard lock(mutex_);
  return placements_->all();
}

WorldConfig default_world() {
  WorldConfig w;
  w.accepted_domains = {"contoso.local"};
  w.mailboxes = {MailboxConfig{}, MailboxConfig{}};
  w.mailboxes[0].address = "bob@contoso.local";
  w.mailboxes[1].address = "administrator@contoso.local";
  w.admin_mailbox = "administrator@contoso.local";
  return w;
}

std::string_view destination_name(Destination d) {
  switch (d) {
    case Destination::Mailbox: return "mailbox";
    case Destination::Forward: return "forward";
    case Destination::Ndr: return "ndr";
    case Destination::Badmail: return "badmail";
  }
  return "?";
}

std::optional<Destination> destination_from_name(std::string_view name) {
  for (auto d : {Destination::Mailbox, Destination::Forward, Destination::Ndr, Destination::Badmail})
    if (destination_name(d) == name) return d;
  return std::nullopt;
}

std::optional<std::string> World::text(const Placement& p) const {
  return files_->get(p.file.parent_path().native(), p.file.filename().native());
}

WorldConfig World::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void World::set_config(WorldConfig config) {
  std::lock_guard lock(mutex_);
  for (auto& m : config.mailboxes) m.address = lower(m.address);
  config_ = std::move(config);
}

}  // namespace maillab::smtp
