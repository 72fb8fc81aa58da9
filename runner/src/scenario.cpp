#include "maillab/base/files.hpp"
#include "maillab/runner/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>

#include "maillab/base/ascii.hpp"
#include "maillab/base/message_text.hpp"
#include "maillab/base/units.hpp"
#include "maillab/connector/components.hpp"
#include "maillab/doctor/doctor.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/faults/fault_yaml.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/smtp/presets.hpp"

namespace fs = std::filesystem;
namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

using yaml::Field;

Server server(const Field& f) { return f.choice<Server>({{"pop3", Server::Pop3}, {"smtp", Server::Smtp}}); }

const faults::PresetRegistry& presets_of(Server s) { return s == Server::Pop3 ? pop3::presets() : smtp::presets(); }

// Built here once so a bad spec is refused at load time, not in a run.
FaultNodes fault_nodes(const Field& f, Server s) {
  try {
    faults::parse_fault_node(f, presets_of(s));
  } catch (const faults::SpecError& e) {
    throw ScenarioError(std::string(e.what()) + " (in field '" + f.path() + "')");
  }
  return FaultNodes{f.detached()};
}

// ---- messages ---------------------------------------------------------------------------

MessageSource fixture_message(const Field& f, const std::string& fixtures) {
  auto name = f.str();
  if (name.find("..") != std::string::npos || fs::path(name).is_absolute())
    f.fail("must be a path under fixtures/, not '" + name + "'");
  fs::path file = fs::path(fixtures) / name;
  auto text = read_file(file);
  if (!text) f.fail("no fixture " + file.string());
  return {fs::path(name).filename().string(), to_crlf(*text)};
}

// Generated messages are numbered from `base`, so mail arriving later never shares a
// Message-ID with what was there before.
void generate_messages(const Field& g, const std::string& user, std::size_t base, std::vector<MessageSource>& out) {
  g.only({"count", "size"});
  auto count = static_cast<std::uint64_t>(g["count"].present() ? g["count"].integer(1, 10000) : 1);
  std::uint64_t size = g["size"].present() ? g["size"].bytes() : 4096;
  if (size < 512) g["size"].fail("must be at least 512 octets (a header and a body)");
  // Every generated message lives in memory for the run: keep a typo from asking for gigabytes.
  if (size > (64u << 20)) g["size"].fail("must be at most 64M");
  if (count * size > (256u << 20)) g.fail("asks for more than 256M of mail");
  for (std::uint64_t k = 0; k < count; ++k) {
    auto index = base + out.size() + 1;
    char name[32];
    std::snprintf(name, sizeof name, "%04zu-generated.eml", index);
    out.push_back({name, pop3::synthetic_message(user, index, size)});
  }
}

std::vector<MessageSource> messages(const Field& list, const std::string& user, std::size_t base,
                                    const std::string& fixtures) {
  if (!list.is_list()) list.fail("must be a list of {fixture: FILE} or {generate: {count, size}}");
  std::vector<MessageSource> out;
  for (const auto& m : list.items()) {
    m.only({"fixture", "generate"});
    if (m["fixture"].present()) out.push_back(fixture_message(m["fixture"], fixtures));
    else if (m["generate"].present()) generate_messages(m["generate"], user, base, out);
    else m.fail("needs fixture or generate");
  }
  return out;
}

// ---- expect -------------------------------------------------------------------------------

EventCheck event_check(const Field& f) {
  EventCheck c;
  if (f.is_scalar()) {
    c.id = static_cast<int>(f.integer());
    return c;
  }
  f.only({"id", "source", "category", "type", "description", "text", "contains", "count"});
  c.id = static_cast<int>(f["id"].required().integer());
  if (f["source"].present()) c.source = f["source"].str();
  if (f["category"].present()) c.category = f["category"].str();
  if (f["type"].present()) c.type = f["type"].str();
  if (f["description"].present() && f["text"].present()) f["text"].fail("says what description says; give one");
  for (const char* key : {"description", "text"})
    if (f[key].present()) c.description = f[key].str();
  if (f["contains"].present()) c.contains = f["contains"].strings();
  if (f["count"].present()) c.count = static_cast<int>(f["count"].integer());
  return c;
}

// One block: the lines of a multi-line string (a trailing newline ends it, adds no line),
// or {lines: TEXT, between: [PREFIX...]}.
LogBlock log_block(const Field& f) {
  if (f.is_map()) {
    f.only({"lines", "between"});
    auto b = log_block(f["lines"].required("the block's lines"));
    if (f["between"].present()) b.between = f["between"].strings();
    return b;
  }
  auto text = f.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.empty()) f.fail("a log block needs at least one line");
  LogBlock b;
  std::size_t at = 0;
  for (auto nl = text.find('\n'); ; nl = text.find('\n', at)) {
    b.lines.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return b;
}

std::map<std::string, int> counts(const Field& f) {
  if (!f.is_map()) f.fail("must be a map of name: count");
  std::map<std::string, int> out;
  for (const auto& [key, value] : f.entries()) out[key] = static_cast<int>(value.integer());
  return out;
}

void expect_counters(const Field& n, Expect& e) {
  if (n["events"].present())
    for (const auto& ev : n["events"].items()) e.events.push_back(event_check(ev));
  if (n["no_events"].present())
    for (const auto& id : n["no_events"].items()) e.no_events.push_back(static_cast<int>(id.integer()));
  if (n["folders"].present()) e.folders = counts(n["folders"]);
  if (n["mailboxes"].present()) e.mailboxes = counts(n["mailboxes"]);
  if (auto p = n["placements"]; p.present()) {
    p.only({"mailbox", "forward", "ndr", "badmail"});
    for (auto& [name, n] : counts(p)) e.placements[*smtp::destination_from_name(name)] = n;
  }
  if (n["pop3_left"].present()) e.pop3_left = static_cast<int>(n["pop3_left"].integer());
  if (auto t = n["taken_by_competing_client"]; t.present()) e.taken_by_competing_client = static_cast<int>(t.integer());
  if (auto c = n["cycle"]; c.present()) {
    c.only({"downloaded", "delivered", "failed", "refused", "left", "errors"});
    static constexpr std::pair<std::string_view, CycleCounter> kCounters[] = {
        {"downloaded", CycleCounter::Downloaded}, {"delivered", CycleCounter::Delivered},
        {"failed", CycleCounter::Failed},         {"refused", CycleCounter::Refused},
        {"left", CycleCounter::Left},             {"errors", CycleCounter::Errors}};
    for (const auto& [key, value] : c.entries())
      for (const auto& [name, counter] : kCounters)
        if (name == key) e.cycle[counter] = value.integer();
  }
}

void expect_texts(const Field& n, Expect& e) {
  if (n["log"].present()) e.log = n["log"].strings();
  if (n["no_log"].present()) e.no_log = n["no_log"].strings();
  if (auto b = n["log_block"]; b.present()) {
    if (!b.is_list()) e.log_blocks.push_back(log_block(b));
    else
      for (const auto& item : b.items()) e.log_blocks.push_back(log_block(item));
  }
  if (auto t = n["transcript"]; t.present()) {
    t.only({"pop3", "smtp"});
    for (const auto& [key, value] : t.entries()) e.transcript[key] = value.strings();
  }
  if (auto m = n["messages"]; m.present()) {
    if (!m.is_map()) m.fail("must be a map of message number: place");
    for (const auto& [key, value] : m.entries()) {
      int number = 0;
      auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), number);
      if (ec != std::errc{} || end != key.data() + key.size() || number < 1)
        value.fail("messages are numbered from 1, not '" + key + "'");
      e.messages[number] = value.str();
    }
  }
  if (n["smtpreg"].present()) e.smtpreg = n["smtpreg"].strings();
  if (n["no_smtpreg"].present()) e.no_smtpreg = n["no_smtpreg"].strings();
}

Expect expect(const Field& n) {
  n.only({"events", "no_events", "folders", "mailboxes", "placements", "pop3_left", "taken_by_competing_client", "log",
          "no_log", "log_block", "transcript", "cycle", "smtpreg", "no_smtpreg", "messages", "retrieve_refused"});
  Expect e;
  expect_counters(n, e);
  expect_texts(n, e);
  if (n["retrieve_refused"].present()) e.retrieve_refused = n["retrieve_refused"].str();
  return e;
}

// ---- steps -------------------------------------------------------------------------------

// What a step's parser may look at besides its value.
struct StepContext {
  const Scenario& sc;
  const std::string& fixtures;
  int line;
};

using namespace steps;

std::string folder(const Field& f, std::initializer_list<std::string_view> allowed) {
  auto v = f.str();
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    f.fail("must be " + yaml::one_of(allowed) + ", not '" + v + "'");
  return v;
}

StepAction cycle(const Field& v, const StepContext&) {
  return Cycle{v.present() ? static_cast<int>(v.integer(1)) : 1};
}

StepAction add_faults(const Field& v, const StepContext&) {
  v.only({"pop3", "smtp"});
  auto entries = v.entries();
  if (entries.size() != 1) v.fail("names one server: pop3 or smtp");
  auto s = entries[0].first == "pop3" ? Server::Pop3 : Server::Smtp;
  return AddFaults{s, fault_nodes(entries[0].second, s)};
}

StepAction clear_faults(const Field& v, const StepContext&) {
  auto which = folder(v, {"pop3", "smtp", "all"});
  if (which == "all") return ClearFaults{};
  return ClearFaults{server(v)};
}

StepAction service(const Field& v, bool running) {
  folder(v, {"connector"});
  return ConnectorService{running};
}

StepAction move_out(const Field& v, const StepContext&) {
  v.only({"folder", "message", "all"});
  MoveOut m;
  if (v["folder"].present()) m.folder = v["folder"].str();
  if (v["message"].present()) m.message = static_cast<int>(v["message"].integer(1));
  else if (!v["all"].present() || !v["all"].boolean()) v.fail("names message: N or all: true");
  return m;
}

StepAction put_back(const Field& v, const StepContext&) {
  if (v.is_scalar()) {
    if (v.str() != "all") v.fail("must be all, or {except: N}");
    return PutBack{};
  }
  v.only({"except"});
  return PutBack{static_cast<int>(v["except"].required().integer(1))};
}

// - incoming_to_pickup            moved, or
// - incoming_to_pickup: {copy: true}   copied, as the KB says
StepAction incoming_to_pickup(const Field& v, const StepContext&) {
  IncomingToPickup a;
  if (!v.present()) return a;
  v.only({"copy"});
  a.copy = v["copy"].required().boolean();
  return a;
}

// - pop3_client                   retrieves every message, or
// - pop3_client: {fails_with: "-ERR ..."}   fails on the reply holding this text
StepAction pop3_client(const Field& v, const StepContext&) {
  Pop3Client a;
  if (!v.present()) return a;
  v.only({"fails_with"});
  a.fails_with = v["fails_with"].required().str();
  if (a.fails_with->empty()) v["fails_with"].fail("names the reply the client fails on");
  return a;
}

// - bisect: {finds: [2], max_rounds: 1}
StepAction bisect(const Field& v, const StepContext&) {
  v.only({"finds", "max_rounds"});
  Bisect b;
  for (const auto& n : v["finds"].required().nonempty_items()) b.finds.push_back(static_cast<int>(n.integer(1)));
  if (v["max_rounds"].present()) b.max_rounds = static_cast<int>(v["max_rounds"].integer(0));
  return b;
}

StepAction telnet(const Field& v, const StepContext&) {
  v.only({"to", "session"});
  if (!v["to"].present() || !v["session"].present()) v.fail("needs to (pop3|smtp) and session");
  return Telnet{server(v["to"]), v["session"].str()};
}

StepAction pop3_add(const Field& v, const StepContext& c) {
  v.only({"user", "messages"});
  Pop3Add a;
  a.user = v["user"].present() ? v["user"].str() : c.sc.accounts.front().user;
  a.messages = messages(v["messages"].required(), a.user, static_cast<std::size_t>(c.line) * 1000, c.fixtures);
  return a;
}

// A POP3 server's host name as the connector's page takes it: a DNS name or an address.
std::string host_name(const Field& v) {
  auto h = v.str();
  bool ok = !h.empty() && h.size() <= 253 &&
            h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:") == std::string::npos;
  if (!ok) v.fail("must be a host name (e.g. mail-host.fabrikam.com) or an IP address, not '" + h + "'");
  return h;
}

StepAction configure(const Field& v, const StepContext&) {
  v.only({"password", "deliver_to", "leave_on_server", "logging", "user", "host", "restart"});
  Configure c;
  if (v["user"].present()) c.user = v["user"].required().str();
  if (c.user && (c.user->empty() || c.user->find_first_of(" \t") != std::string::npos))
    v["user"].fail("must be a POP3 user name without spaces, not '" + *c.user + "'");
  if (v["host"].present()) c.host = host_name(v["host"]);
  if (v["restart"].present()) c.restart = v["restart"].boolean();
  if (v["password"].present()) c.password = v["password"].str();
  if (v["deliver_to"].present()) c.deliver_to = v["deliver_to"].address();
  if (v["leave_on_server"].present()) c.leave_on_server = v["leave_on_server"].boolean();
  if (v["logging"].present()) c.logging = cn::log_level(v["logging"]);
  return c;
}

StepAction exchange(const Field& v, const StepContext&) {
  v.only({"mailbox", "deliver_to_both", "forward_to", "quota_kb", "used_kb", "clear_rules", "accept_domain",
          "anonymous_access"});
  Exchange x;
  if (v["accept_domain"].present()) x.accept_domain = ascii::lower(v["accept_domain"].str());
  if (v["anonymous_access"].present()) x.anonymous_access = v["anonymous_access"].boolean();
  if (v["mailbox"].present()) x.mailbox = v["mailbox"].address();
  if (v["deliver_to_both"].present()) x.deliver_to_both = v["deliver_to_both"].boolean();
  if (v["forward_to"].present()) x.forward_to = v["forward_to"].address();
  if (v["quota_kb"].present()) x.quota_kb = static_cast<std::uint64_t>(v["quota_kb"].integer());
  if (v["used_kb"].present()) x.used_kb = static_cast<std::uint64_t>(v["used_kb"].integer());
  if (v["clear_rules"].present()) x.clear_rules = v["clear_rules"].boolean();
  bool changes_a_mailbox = x.deliver_to_both || x.forward_to || x.quota_kb || x.used_kb || v["clear_rules"].present();
  if (changes_a_mailbox && !x.mailbox) v["mailbox"].fail("names the mailbox these settings change");
  return x;
}

StepAction fs_fault(const Field& v, const StepContext&) {
  v.only({"antivirus", "folder", "nth"});
  FsFault f;
  if (v["folder"].present()) f.folder = v["folder"].str();
  f.antivirus = v["antivirus"].required().choice<Antivirus>({{"rename", Antivirus::Rename}, {"lock", Antivirus::Lock}});
  if (v["nth"].present()) f.nth = static_cast<int>(v["nth"].integer(1));
  return f;
}

StepAction damage_component(const Field& v, const StepContext&) {
  std::vector<std::string_view> names(cn::kMimeComponents.begin(), cn::kMimeComponents.end());
  auto name = v.required().str();
  if (std::find(names.begin(), names.end(), name) == names.end()) v.fail("must be one of " + yaml::one_of(names));
  return DamageComponent{name};
}

// An action that takes no value ("- pickup", or "- pickup:" with nothing after it).
template <class A>
StepAction bare(const Field& v, const StepContext&) {
  if (v.present()) v.fail("takes no value");
  return A{};
}

using ActionParser = std::function<StepAction(const Field&, const StepContext&)>;

const std::vector<std::pair<std::string_view, ActionParser>>& actions() {
  static const std::vector<std::pair<std::string_view, ActionParser>> table = {
      {"cycle", cycle},
      {"pickup", bare<Pickup>},
      {"add_faults", add_faults},
      {"clear_faults", clear_faults},
      {"stop_service", [](const Field& v, const StepContext&) { return service(v, false); }},
      {"start_service", [](const Field& v, const StepContext&) { return service(v, true); }},
      {"remove_folder",
       [](const Field& v, const StepContext&) -> StepAction {
         return RemoveFolder{folder(v, {"Incoming Mail", "Failed Mail", "PickUp"})};
       }},
      {"create_folder",
       [](const Field& v, const StepContext&) -> StepAction {
         return CreateFolder{folder(v, {"Incoming Mail", "Failed Mail", "PickUp"})};
       }},
      {"incoming_to_pickup", incoming_to_pickup},
      {"move_out", move_out},
      {"put_back", put_back},
      {"bisect", bisect},
      {"rename_back",
       [](const Field& v, const StepContext&) -> StepAction { return RenameBack{folder(v, {"Incoming Mail", "PickUp"})}; }},
      {"telnet", telnet},
      {"pop3_client", pop3_client},
      {"pop3_add", pop3_add},
      {"pop3_remove", [](const Field& v, const StepContext&) -> StepAction { folder(v, {"all"}); return Pop3Remove{}; }},
      {"configure", configure},
      {"exchange", exchange},
      {"fs_fault", fs_fault},
      {"clear_fs_faults", bare<ClearFsFaults>},
      {"damage_component", damage_component},
      {"register_components", bare<RegisterComponents>},
      {"expect", [](const Field& v, const StepContext&) -> StepAction { return expect(v); }},
  };
  return table;
}

// The one key of a step map that is not profile or note.
std::string action_name(const Field& n) {
  std::string action;
  for (const auto& [key, value] : n.entries()) {
    if (key == "profile" || key == "note") continue;
    if (!action.empty()) value.fail("a step has one action; this one already has '" + action + "'");
    action = key;
  }
  if (action.empty()) n.fail("has no action");
  return action;
}

Step step(const Field& n, const StepContext& context) {
  Step s;
  s.line = n.line();
  s.field = n.path();
  if (!n.is_scalar() && !n.is_map()) n.fail("must be a step (a map with one action)");
  // Shorthands: a bare word is an action with no value ("cycle", "pickup" ...).
  auto name = n.is_scalar() ? n.str() : action_name(n);
  auto value = n[name];  // of a bare word: absent, with the word's path and line
  if (n.is_map() && n["profile"].present()) s.profile = cn::profile(n["profile"]);
  const auto& table = actions();
  auto it = std::find_if(table.begin(), table.end(), [&](const auto& a) { return a.first == name; });
  if (it == table.end()) {
    std::vector<std::string_view> known;
    for (const auto& a : table) known.push_back(a.first);
    value.fail("unknown action (known: " + yaml::one_of(known) + ")");
  }
  StepContext c{context.sc, context.fixtures, s.line};
  s.action = it->second(value, c);
  return s;
}

std::vector<Step> step_list(const Field& list, const Scenario& sc, const std::string& fixtures) {
  std::vector<Step> out;
  for (const auto& n : list.items()) out.push_back(step(n, StepContext{sc, fixtures, 0}));
  return out;
}

// ---- the connector ---------------------------------------------------------------------

cn::MailboxConfig connector_mailbox(const Field& m, const Scenario& sc) {
  m.only({"user", "password", "auth", "deliver_to", "global", "routing", "host", "unknown_user"});
  cn::MailboxConfig mb;
  mb.user = m["user"].required().str();
  // unknown_user: the connector's own configuration names a mailbox the ISP does not have.
  bool unknown = m["unknown_user"].present() && m["unknown_user"].boolean();
  if (!unknown && std::none_of(sc.accounts.begin(), sc.accounts.end(), [&](auto& a) { return a.user == mb.user; }))
    m["user"].fail("no POP3 account '" + mb.user + "' in pop3.accounts (unknown_user: true if meant)");
  if (m["host"].present()) mb.pop3.host = host_name(m["host"]);
  if (m["password"].present()) mb.password = m["password"].str();
  if (m["auth"].present()) mb.auth = cn::pop3_auth(m["auth"]);
  if (m["deliver_to"].present()) mb.deliver_to = m["deliver_to"].address();
  if (m["global"].present()) mb.global = m["global"].boolean();
  if (m["routing"].present()) mb.routing = cn::routing_table(m["routing"]);
  if (!mb.global && mb.deliver_to.empty()) m["deliver_to"].fail("a user mailbox delivers to one address");
  return mb;
}

void connector(const Field& n, Scenario& sc) {
  n.only({"logging", "leave_on_server", "max_message_size", "language", "admin_mailbox", "delivery",
          "event_sink_addresses", "batch", "mailboxes", "timeouts"});
  auto& c = sc.connector.base;
  cn::read_common_settings(n, c);
  if (n["timeouts"].present()) cn::read_timeouts(n["timeouts"], c);
  if (n["delivery"].present())
    sc.connector.pickup = n["delivery"].choice<bool>({{"smtp", false}, {"pickup", true}});
  if (n["event_sink_addresses"].present()) c.delivery.event_sink_addresses = n["event_sink_addresses"].boolean();
  if (auto ms = n["mailboxes"]; ms.present()) {
    sc.connector.mailboxes_given = true;
    for (const auto& m : ms.nonempty_items()) c.mailboxes.push_back(connector_mailbox(m, sc));
  }
}

// Maximum logging and the administrator mailbox unless told otherwise; each POP3 account
// delivers to USER@contoso.local unless the file names the mailboxes.
void connector_defaults(Scenario& sc) {
  auto& c = sc.connector.base;
  c.logging = cn::LogLevel::Maximum;
  c.admin_mailbox = sc.world.admin_mailbox;
  c.connect_timeout = std::chrono::milliseconds(2000);
  c.io_timeout = std::chrono::milliseconds(5000);
}

void default_mailboxes(Scenario& sc) {
  if (sc.connector.mailboxes_given) return;
  for (auto& a : sc.accounts) {
    cn::MailboxConfig mb;
    mb.user = a.user;
    mb.password = a.password;
    mb.deliver_to = a.user + "@contoso.local";
    sc.connector.base.mailboxes.push_back(std::move(mb));
  }
}

// ---- the file -----------------------------------------------------------------------------

std::vector<std::string> tags(const Field& list, const std::string& id) {
  std::vector<std::string> out{ascii::lower(id.substr(0, id.find('-')))};
  if (!list.present()) return out;
  for (const auto& t : list.items()) {
    auto word = t.str();
    if (word.empty() || word.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
      t.fail("a tag is one lower-case word (a-z, 0-9, - and _), not '" + word + "'");
    if (std::find(out.begin(), out.end(), word) == out.end()) out.push_back(word);
  }
  return out;
}

// conservation: {sbs2003: {duplicated: 1}}: the documented fates a profile shows.
std::map<cn::Profile, Scenario::Fates> documented_fates(const Field& n) {
  std::map<cn::Profile, Scenario::Fates> out;
  if (!n.present()) return out;
  for (auto p : {cn::Profile::Sbs2003, cn::Profile::Robust}) {
    auto f = n[std::string(cn::profile_name(p))];
    if (!f.present()) continue;
    f.only({"lost", "duplicated"});
    Scenario::Fates fates;
    if (f["lost"].present()) fates.lost = static_cast<std::size_t>(f["lost"].integer(1));
    if (f["duplicated"].present()) fates.duplicated = static_cast<std::size_t>(f["duplicated"].integer(1));
    out[p] = fates;
  }
  n.only({"sbs2003", "robust"});
  return out;
}

// One reading: a list of the doctor's catalog ids (`[]`: healthy), or `unobservable` (the
// cause leaves nothing the doctor can see), or a list starting with `unobservable` and
// the ids the doctor reads instead (the KB step where its procedure stops).
ExpectedDiagnosis expected_diagnosis(const Field& n, bool unobservable_allowed) {
  ExpectedDiagnosis out;
  const std::string must = unobservable_allowed ? "a list of the doctor's cause ids, or unobservable"
                                                : "a list of the doctor's cause ids";
  if (n.is_scalar() && n.str() == "unobservable" && unobservable_allowed) {
    out.unobservable = true;
    return out;
  }
  if (!n.is_list()) n.fail("must be " + must);
  auto items = n.items();
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto id = items[i].str();
    if (id == "unobservable" && i == 0 && unobservable_allowed) {
      out.unobservable = true;
      continue;
    }
    if (!doctor::cause_by_id(id)) {
      auto ids = doctor::cause_ids();
      std::vector<std::string_view> known(ids.begin(), ids.end());
      items[i].fail("'" + id + "' is no cause the doctor names (" + yaml::one_of(known) + ")");
    }
    if (std::find(out.causes.begin(), out.causes.end(), id) != out.causes.end()) items[i].fail("'" + id + "' twice");
    out.causes.push_back(id);
  }
  std::sort(out.causes.begin(), out.causes.end());
  return out;
}

// A reading for both profiles, or {sbs2003: ..., robust: ...}.
std::map<cn::Profile, ExpectedDiagnosis> per_profile(const Field& n, bool unobservable_allowed) {
  std::map<cn::Profile, ExpectedDiagnosis> out;
  if (!n.is_map()) {
    auto one = expected_diagnosis(n, unobservable_allowed);
    for (auto p : {cn::Profile::Sbs2003, cn::Profile::Robust}) out[p] = one;
    return out;
  }
  n.only({"sbs2003", "robust"});
  for (auto p : {cn::Profile::Sbs2003, cn::Profile::Robust})
    if (auto f = n[std::string(cn::profile_name(p))]; f.present()) out[p] = expected_diagnosis(f, unobservable_allowed);
  return out;
}

// diagnosis: [IDS] | unobservable | {sbs2003: ..., robust: ...} | {symptom: ..., after_remedy: ...}
std::optional<DiagnosisSpec> diagnosis(const Field& n) {
  if (!n.present()) return std::nullopt;
  DiagnosisSpec spec;
  spec.line = n.line();
  for (auto p : {cn::Profile::Sbs2003, cn::Profile::Robust}) spec.after_remedy[p] = {};
  if (n.is_map() && (n["symptom"].present() || n["after_remedy"].present())) {
    n.only({"symptom", "after_remedy"});
    spec.symptom = per_profile(n["symptom"].required("what the doctor reads at the symptom"), true);
    if (n["after_remedy"].present())
      for (auto& [p, d] : per_profile(n["after_remedy"], false)) spec.after_remedy[p] = d;
    return spec;
  }
  spec.symptom = per_profile(n, true);
  return spec;
}

void head(const Field& root, Scenario& sc) {
  auto id = root["id"].required();
  sc.id = id.str();
  auto stem = fs::path(sc.file).stem().string();
  if (stem != sc.id) id.fail("must match the file name ('" + stem + "')");
  if (root["title"].present()) sc.title = root["title"].prose();
  if (root["source"].present()) sc.source = root["source"].prose();
  if (root["fault"].present()) sc.fault = root["fault"].prose();
  if (root["symptoms"].present()) sc.symptoms = root["symptoms"].prose();
  sc.tags = tags(root["tags"], sc.id);
  sc.documented_fates = documented_fates(root["conservation"]);
  sc.diagnosis = diagnosis(root["diagnosis"]);
  if (auto p = root["profiles"]; p.present()) {
    sc.profiles.clear();
    for (const auto& item : p.items()) sc.profiles.push_back(cn::profile(item));
    if (sc.profiles.empty()) p.fail("must name sbs2003, robust or both");
  }
}

// The ISP's POP3 server.
void pop3_server(const Field& p3, Scenario& sc, const std::string& fixtures) {
  p3.required("the mail on the POP3 server").only({"hostname", "accounts", "faults"});
  if (p3["hostname"].present()) sc.pop3_hostname = p3["hostname"].str();
  for (const auto& a : p3["accounts"].required("a list of accounts").nonempty_items()) {
    a.only({"user", "password", "messages"});
    Pop3Account acc;
    acc.user = a["user"].required().str();
    acc.password = a["password"].present() ? a["password"].str() : "secret";
    if (a["messages"].present()) acc.messages = messages(a["messages"], acc.user, 0, fixtures);
    sc.accounts.push_back(std::move(acc));
  }
  if (p3["faults"].present()) sc.pop3_faults = fault_nodes(p3["faults"], Server::Pop3);
}

void smtp_server(const Field& s, Scenario& sc) {
  sc.world = smtp::default_world();
  if (!s.present()) return;
  s.only({"world", "faults"});
  if (s["world"].present()) {
    try {
      sc.world = smtp::parse_world(s["world"]);
    } catch (const faults::SpecError& e) {
      throw ScenarioError(e.what());
    }
  }
  if (s["faults"].present()) sc.smtp_faults = fault_nodes(s["faults"], Server::Smtp);
}

// A message is tracked by its Message-ID: two alike would make the conservation check blind.
void check_message_ids(const Scenario& sc) {
  std::map<std::string, std::string> seen;
  auto track = [&](const MessageSource& m, const std::string& where) {
    auto id = header_value(m.text, "Message-ID");
    if (id.empty()) throw ScenarioError(sc.file + ": message " + m.name + " (" + where + ") has no Message-ID");
    if (auto [it, fresh] = seen.emplace(id, where); !fresh)
      throw ScenarioError(sc.file + ": message " + m.name + " (" + where + ") has the Message-ID of " + it->second +
                          " (" + id + "); the conservation check tells messages apart by it");
  };
  for (auto& a : sc.accounts)
    for (auto& m : a.messages) track(m, "pop3 account " + a.user);
  for (auto* list : {&sc.steps, &sc.remedy_steps})
    for (auto& s : *list)
      if (auto* add = std::get_if<Pop3Add>(&s.action))
        for (auto& m : add->messages) track(m, s.field);
}

Scenario parse_checked(const std::string& text, const std::string& source, const std::string& fixtures) {
  auto root = yaml::load(text, source);
  if (!root.is_map()) throw ScenarioError(source + ":1: a scenario must be a map (docs/scenarios.md)");
  root.only({"id", "title", "source", "fault", "symptoms", "tags", "remedy", "profiles", "pop3", "smtp", "connector",
             "conservation", "diagnosis", "steps", "tls"});
  Scenario sc;
  sc.file = source;
  head(root, sc);
  pop3_server(root["pop3"], sc, fixtures);
  smtp_server(root["smtp"], sc);
  if (root["tls"].present()) sc.tls = read_scenario_tls(root["tls"]);
  connector_defaults(sc);
  if (root["connector"].present()) connector(root["connector"], sc);
  default_mailboxes(sc);
  sc.steps = step_list(root["steps"].required("what happens, and what is checked"), sc, fixtures);
  if (auto rem = root["remedy"]; rem.present()) {
    rem.only({"says", "steps"});
    if (rem["says"].present()) sc.remedy = rem["says"].prose();
    if (rem["steps"].present()) sc.remedy_steps = step_list(rem["steps"], sc, fixtures);
  }
  check_message_ids(sc);
  return sc;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& source, const std::string& fixtures) {
  return yaml::reading<ScenarioError>(source, [&] { return parse_checked(text, source, fixtures); });
}

Scenario load_scenario(const std::string& path, const std::string& fixtures) {
  auto text = read_file(path);
  if (!text) throw ScenarioError(path + ": cannot be read");
  return parse_scenario(*text, path, fixtures);
}

}  // namespace maillab::runner
