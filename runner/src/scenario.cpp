#include "maillab/base/files.hpp"
#include "maillab/runner/scenario.hpp"

#include <algorithm>
#include <filesystem>

#include "maillab/base/message_text.hpp"
#include "maillab/base/units.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/faults/fault_yaml.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/smtp/presets.hpp"

namespace fs = std::filesystem;
namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

// The scenario format's own reader: every error names file, line and field. (The world
// and connector readers are private to their modules and know only their own fields.)
struct Reader {
  std::string source;
  std::string fixtures;

  [[noreturn]] void fail(const YAML::Node& n, const std::string& field, const std::string& why) const {
    int line = n.IsDefined() ? n.Mark().line + 1 : 0;
    throw ScenarioError(source + ":" + std::to_string(line) + ": field '" + field + "': " + why);
  }
  std::string str(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "must be a single value");
    return n.as<std::string>();
  }
  // Text for the reader; a folded YAML block ends in a newline nobody wants.
  std::string prose(const YAML::Node& n, const std::string& field) const {
    auto out = str(n, field);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }
  int integer(const YAML::Node& n, const std::string& field) const {
    auto v = str(n, field);
    if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), ::isdigit))
      fail(n, field, "must be a non-negative integer, not '" + v + "'");
    return std::stoi(v);
  }
  bool boolean(const YAML::Node& n, const std::string& field) const {
    auto v = str(n, field);
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    fail(n, field, "must be true or false, not '" + v + "'");
  }
  std::vector<std::string> strings(const YAML::Node& n, const std::string& field) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {n.as<std::string>()};
    if (!n.IsSequence()) fail(n, field, "must be a list of strings");
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(str(n[i], field + "[" + std::to_string(i) + "]"));
    return out;
  }
  std::map<std::string, int> counts(const YAML::Node& n, const std::string& field) const {
    if (!n.IsMap()) fail(n, field, "must be a map of name: count");
    std::map<std::string, int> out;
    for (const auto& kv : n) {
      auto k = kv.first.as<std::string>();
      out[k] = integer(kv.second, field + "." + k);
    }
    return out;
  }
  void only(const YAML::Node& map, std::initializer_list<std::string_view> keys, const std::string& field) const {
    if (!map.IsMap()) fail(map, field, "must be a map");
    for (const auto& kv : map) {
      auto k = kv.first.as<std::string>();
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        std::string known;
        for (auto key : keys) known += (known.empty() ? "" : ", ") + std::string(key);
        fail(kv.first, field.empty() ? k : field + "." + k, "unknown (known: " + known + ")");
      }
    }
  }
  cn::Profile profile(const YAML::Node& n, const std::string& field) const {
    auto v = str(n, field);
    try {
      return cn::parse_profile(v);
    } catch (const std::exception&) {
      fail(n, field, "must be sbs2003 or robust, not '" + v + "'");
    }
  }

  FaultNodes faults(const YAML::Node& n, const std::string& field, const faults::PresetRegistry& presets) const {
    if (!n.IsSequence()) fail(n, field, "must be a list of fault specs");
    try {
      faults::parse_fault_node(n, source, presets);  // refused here, not in a run
    } catch (const faults::SpecError& e) {
      throw ScenarioError(std::string(e.what()) + " (in field '" + field + "')");
    }
    return FaultNodes{YAML::Clone(n)};
  }

  // Generated messages are numbered from `base`, so mail arriving later never shares a
  // Message-ID with what was there before.
  std::vector<MessageSource> messages(const YAML::Node& n, const std::string& field, const std::string& user,
                                      std::size_t base) const {
    if (!n.IsSequence()) fail(n, field, "must be a list of {fixture: FILE} or {generate: {count, size}}");
    std::vector<MessageSource> out;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const auto& m = n[i];
      auto f = field + "[" + std::to_string(i) + "]";
      only(m, {"fixture", "generate"}, f);
      if (m["fixture"]) {
        auto name = str(m["fixture"], f + ".fixture");
        fs::path file = fs::path(fixtures) / name;
        if (name.find("..") != std::string::npos || fs::path(name).is_absolute())
          fail(m["fixture"], f + ".fixture", "must be a path under fixtures/, not '" + name + "'");
        auto text = read_file(file);
        if (!text) fail(m["fixture"], f + ".fixture", "no fixture " + file.string());
        out.push_back({fs::path(name).filename().string(), to_crlf(*text)});
      } else if (m["generate"]) {
        auto g = m["generate"];
        only(g, {"count", "size"}, f + ".generate");
        int count = g["count"] ? integer(g["count"], f + ".generate.count") : 1;
        std::uint64_t size = 4096;
        if (g["size"]) {
          try {
            size = parse_size(str(g["size"], f + ".generate.size"));
          } catch (const std::invalid_argument& e) {
            fail(g["size"], f + ".generate.size", e.what());
          }
        }
        if (size < 512) fail(g["size"], f + ".generate.size", "must be at least 512 octets (a header and a body)");
        // Every generated message lives in memory for the run: keep a typo from asking for gigabytes.
        if (size > (64u << 20)) fail(g["size"], f + ".generate.size", "must be at most 64M");
        if (count > 10000) fail(g["count"], f + ".generate.count", "must be at most 10000");
        if (static_cast<std::uint64_t>(count) * size > (256u << 20))
          fail(g, f + ".generate", "asks for more than 256M of mail");
        for (int k = 0; k < count; ++k) {
          auto index = base + out.size() + 1;
          char name[32];
          std::snprintf(name, sizeof name, "%04zu-generated.eml", index);
          out.push_back({name, pop3::synthetic_message(user, index, size)});
        }
      } else {
        fail(m, f, "needs fixture or generate");
      }
    }
    return out;
  }

  Expect expect(const YAML::Node& n, const std::string& field) const {
    only(n, {"events", "no_events", "folders", "mailboxes", "placements", "pop3_left", "taken_by_competing_client",
             "log", "no_log", "transcript", "cycle", "smtpreg", "no_smtpreg", "messages"},
         field);
    Expect e;
    if (auto ev = n["events"]) {
      if (!ev.IsSequence()) fail(ev, field + ".events", "must be a list of ids or {id, text|contains, count}");
      for (std::size_t i = 0; i < ev.size(); ++i) {
        auto f = field + ".events[" + std::to_string(i) + "]";
        EventCheck c;
        if (ev[i].IsScalar()) {
          c.id = integer(ev[i], f);
        } else {
          only(ev[i], {"id", "text", "contains", "count"}, f);
          if (!ev[i]["id"]) fail(ev[i], f + ".id", "missing");
          c.id = integer(ev[i]["id"], f + ".id");
          if (ev[i]["text"]) c.text = str(ev[i]["text"], f + ".text");
          if (ev[i]["contains"]) {
            c.text = str(ev[i]["contains"], f + ".contains");
            c.exact = false;
          }
          if (ev[i]["count"]) c.count = integer(ev[i]["count"], f + ".count");
        }
        e.events.push_back(std::move(c));
      }
    }
    if (auto ne = n["no_events"]) {
      if (!ne.IsSequence()) fail(ne, field + ".no_events", "must be a list of ids");
      for (std::size_t i = 0; i < ne.size(); ++i) e.no_events.push_back(integer(ne[i], field + ".no_events"));
    }
    if (n["folders"]) e.folders = counts(n["folders"], field + ".folders");
    if (n["mailboxes"]) e.mailboxes = counts(n["mailboxes"], field + ".mailboxes");
    if (n["placements"]) {
      e.placements = counts(n["placements"], field + ".placements");
      for (const auto& kv : n["placements"]) {
        auto k = kv.first.as<std::string>();
        if (k != "mailbox" && k != "forward" && k != "ndr" && k != "badmail")
          fail(kv.first, field + ".placements." + k, "must be mailbox, forward, ndr or badmail");
      }
    }
    if (n["pop3_left"]) e.pop3_left = integer(n["pop3_left"], field + ".pop3_left");
    if (n["taken_by_competing_client"])
      e.taken_by_competing_client = integer(n["taken_by_competing_client"], field + ".taken_by_competing_client");
    if (n["log"]) e.log = strings(n["log"], field + ".log");
    if (n["no_log"]) e.no_log = strings(n["no_log"], field + ".no_log");
    if (auto t = n["transcript"]) {
      only(t, {"pop3", "smtp"}, field + ".transcript");
      for (const auto& kv : t) {
        auto k = kv.first.as<std::string>();
        e.transcript[k] = strings(kv.second, field + ".transcript." + k);
      }
    }
    if (auto c = n["cycle"]) {
      only(c, {"downloaded", "delivered", "failed", "refused", "left", "errors"}, field + ".cycle");
      for (const auto& kv : c) {
        auto k = kv.first.as<std::string>();
        e.cycle[k] = integer(kv.second, field + ".cycle." + k);
      }
    }
    if (auto m = n["messages"]) {
      if (!m.IsMap()) fail(m, field + ".messages", "must be a map of message number: place");
      for (const auto& kv : m) {
        auto k = field + ".messages." + kv.first.as<std::string>();
        int number = integer(kv.first, k);
        if (number < 1) fail(kv.first, k, "messages are numbered from 1");
        e.messages[number] = str(kv.second, k);
      }
    }
    if (n["smtpreg"]) e.smtpreg = strings(n["smtpreg"], field + ".smtpreg");
    if (n["no_smtpreg"]) e.no_smtpreg = strings(n["no_smtpreg"], field + ".no_smtpreg");
    return e;
  }

  std::map<std::string, std::string> settings(const YAML::Node& n, const std::string& field,
                                              std::initializer_list<std::string_view> keys) const {
    only(n, keys, field);
    std::map<std::string, std::string> out;
    for (const auto& kv : n) {
      auto k = kv.first.as<std::string>();
      out[k] = str(kv.second, field + "." + k);
    }
    return out;
  }

  Step step(const YAML::Node& n, const std::string& field, const Scenario& sc) const {
    Step s;
    s.line = n.Mark().line + 1;
    s.field = field;
    if (n.IsScalar()) {
      // Shorthands: "cycle", "pickup", "incoming_to_pickup", "clear_fs_faults".
      auto v = n.as<std::string>();
      if (v == "cycle") s.kind = StepKind::Cycle;
      else if (v == "pickup") s.kind = StepKind::Pickup;
      else if (v == "incoming_to_pickup") s.kind = StepKind::IncomingToPickup;
      else if (v == "clear_fs_faults") s.kind = StepKind::ClearFsFaults;
      else if (v == "pop3_client") s.kind = StepKind::Pop3Client;
      else fail(n, field, "unknown step '" + v + "'");
      return s;
    }
    if (!n.IsMap()) fail(n, field, "must be a step (a map with one action)");
    std::string action;
    for (const auto& kv : n) {
      auto k = kv.first.as<std::string>();
      if (k == "profile" || k == "note") continue;
      if (!action.empty()) fail(kv.first, field + "." + k, "a step has one action; this one already has '" + action + "'");
      action = k;
    }
    if (action.empty()) fail(n, field, "has no action");
    if (n["profile"]) s.profile = profile(n["profile"], field + ".profile");
    const auto v = n[action];
    const auto f = field + "." + action;
    auto target = [&](std::initializer_list<std::string_view> allowed) {
      auto t = str(v, f);
      if (std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(v, f, "must be one of " + list + ", not '" + t + "'");
      }
      return t;
    };
    if (action == "cycle") {
      s.kind = StepKind::Cycle;
      s.count = integer(v, f);
      if (s.count < 1) fail(v, f, "must be at least 1");
    } else if (action == "pickup") {
      s.kind = StepKind::Pickup;
    } else if (action == "add_faults") {
      s.kind = StepKind::AddFaults;
      only(v, {"pop3", "smtp"}, f);
      if (v.size() != 1) fail(v, f, "names one server: pop3 or smtp");
      s.target = v.begin()->first.as<std::string>();
      s.faults = faults(v.begin()->second, f + "." + s.target,
                        s.target == "pop3" ? pop3::presets() : smtp::presets());
    } else if (action == "clear_faults") {
      s.kind = StepKind::ClearFaults;
      s.target = target({"pop3", "smtp", "all"});
    } else if (action == "stop_service" || action == "start_service") {
      s.kind = action == "stop_service" ? StepKind::StopService : StepKind::StartService;
      s.target = target({"connector"});
    } else if (action == "remove_folder" || action == "create_folder") {
      s.kind = action == "remove_folder" ? StepKind::RemoveFolder : StepKind::CreateFolder;
      s.target = target({"Incoming Mail", "Failed Mail", "PickUp"});
    } else if (action == "incoming_to_pickup") {
      s.kind = StepKind::IncomingToPickup;
    } else if (action == "move_out") {
      s.kind = StepKind::MoveOut;
      only(v, {"folder", "message", "all"}, f);
      s.folder = v["folder"] ? str(v["folder"], f + ".folder") : "Incoming Mail";
      if (v["message"]) s.message = integer(v["message"], f + ".message");
      else if (!v["all"] || !boolean(v["all"], f + ".all")) fail(v, f, "names message: N or all: true");
    } else if (action == "put_back") {
      s.kind = StepKind::PutBack;
      if (v.IsScalar()) {
        if (str(v, f) != "all") fail(v, f, "must be all, or {except: N}");
      } else {
        only(v, {"except"}, f);
        if (!v["except"]) fail(v, f + ".except", "missing");
        s.message = integer(v["except"], f + ".except");
      }
    } else if (action == "rename_back") {
      s.kind = StepKind::RenameBack;
      s.folder = target({"Incoming Mail", "PickUp"});
    } else if (action == "telnet") {
      s.kind = StepKind::Telnet;
      only(v, {"to", "session"}, f);
      if (!v["to"] || !v["session"]) fail(v, f, "needs to (pop3|smtp) and session");
      auto t = v["to"];
      s.target = str(t, f + ".to");
      if (s.target != "pop3" && s.target != "smtp") fail(t, f + ".to", "must be pop3 or smtp");
      s.session = str(v["session"], f + ".session");
    } else if (action == "pop3_client") {
      s.kind = StepKind::Pop3Client;
    } else if (action == "pop3_add") {
      s.kind = StepKind::Pop3Add;
      only(v, {"user", "messages"}, f);
      s.user = v["user"] ? str(v["user"], f + ".user") : sc.accounts.front().user;
      if (!v["messages"]) fail(v, f + ".messages", "missing");
      s.messages = messages(v["messages"], f + ".messages", s.user, static_cast<std::size_t>(s.line) * 1000);
    } else if (action == "pop3_remove") {
      s.kind = StepKind::Pop3Remove;
      s.target = target({"all"});
    } else if (action == "configure") {
      s.kind = StepKind::Configure;
      s.settings = settings(v, f, {"password", "deliver_to", "leave_on_server", "logging"});
      if (v["leave_on_server"]) boolean(v["leave_on_server"], f + ".leave_on_server");
      if (v["logging"]) {
        try {
          cn::parse_log_level(s.settings["logging"]);
        } catch (const std::exception&) {
          fail(v["logging"], f + ".logging", "must be None, Minimum, Medium or Maximum");
        }
      }
    } else if (action == "exchange") {
      s.kind = StepKind::Exchange;
      s.settings = settings(v, f, {"mailbox", "deliver_to_both", "forward_to", "quota_kb", "used_kb", "clear_rules",
                                   "accept_domain", "anonymous_access"});
      if ((s.settings.count("deliver_to_both") || s.settings.count("forward_to") || s.settings.count("quota_kb") ||
           s.settings.count("used_kb") || s.settings.count("clear_rules")) && !s.settings.count("mailbox"))
        fail(v, f + ".mailbox", "names the mailbox these settings change");
      for (auto key : {"quota_kb", "used_kb"})
        if (v[key]) integer(v[key], f + "." + key);
      for (auto key : {"deliver_to_both", "clear_rules", "anonymous_access"})
        if (v[key]) boolean(v[key], f + "." + key);
    } else if (action == "fs_fault") {
      s.kind = StepKind::FsFault;
      s.settings = settings(v, f, {"antivirus", "folder", "nth", "fail_reads"});
      if (auto a = s.settings.find("antivirus"); a != s.settings.end() && a->second != "rename" && a->second != "lock")
        fail(v["antivirus"], f + ".antivirus", "must be rename or lock");
      if (v["nth"] && integer(v["nth"], f + ".nth") < 1) fail(v["nth"], f + ".nth", "files are counted from 1");
      if (v["fail_reads"] && !boolean(v["fail_reads"], f + ".fail_reads")) fail(v["fail_reads"], f + ".fail_reads", "only true makes sense");
      if (!s.settings.count("antivirus") && !s.settings.count("fail_reads"))
        fail(v, f, "names antivirus: rename|lock or fail_reads: true");
    } else if (action == "clear_fs_faults") {
      s.kind = StepKind::ClearFsFaults;
    } else if (action == "expect") {
      s.kind = StepKind::Expect;
      s.expect = expect(v, f);
    } else {
      fail(n[action], f,
           "unknown action (cycle, pickup, add_faults, clear_faults, stop_service, start_service, remove_folder, "
           "create_folder, incoming_to_pickup, move_out, put_back, rename_back, telnet, pop3_client, pop3_add, pop3_remove, "
           "configure, exchange, fs_fault, clear_fs_faults, expect)");
    }
    return s;
  }

  std::vector<Step> steps(const YAML::Node& n, const std::string& field, const Scenario& sc) const {
    if (!n.IsSequence()) fail(n, field, "must be a list of steps");
    std::vector<Step> out;
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(step(n[i], field + "[" + std::to_string(i) + "]", sc));
    return out;
  }

  void connector(const YAML::Node& n, Scenario& sc) const {
    only(n, {"logging", "leave_on_server", "max_message_size", "language", "admin_mailbox", "delivery",
             "event_sink_addresses", "batch", "mailboxes"},
         "connector");
    auto& c = sc.connector.base;
    if (n["logging"]) {
      try {
        c.logging = cn::parse_log_level(str(n["logging"], "connector.logging"));
      } catch (const std::exception&) {
        fail(n["logging"], "connector.logging", "must be None, Minimum, Medium or Maximum");
      }
    }
    if (n["leave_on_server"]) c.leave_on_server = boolean(n["leave_on_server"], "connector.leave_on_server");
    if (n["max_message_size"]) {
      try {
        c.max_message_size = parse_size(str(n["max_message_size"], "connector.max_message_size"));
      } catch (const std::invalid_argument& e) {
        fail(n["max_message_size"], "connector.max_message_size", e.what());
      }
    }
    if (n["language"]) {
      auto v = str(n["language"], "connector.language");
      if (v != "en" && v != "de") fail(n["language"], "connector.language", "must be en or de");
      c.lang = cn::parse_lang(v);
    }
    if (n["admin_mailbox"]) c.admin_mailbox = str(n["admin_mailbox"], "connector.admin_mailbox");
    if (n["delivery"]) {
      auto v = str(n["delivery"], "connector.delivery");
      if (v != "smtp" && v != "pickup") fail(n["delivery"], "connector.delivery", "must be smtp or pickup");
      sc.connector.pickup = v == "pickup";
    }
    if (n["event_sink_addresses"])
      c.delivery.event_sink_addresses = boolean(n["event_sink_addresses"], "connector.event_sink_addresses");
    if (n["batch"]) c.batch = static_cast<std::size_t>(integer(n["batch"], "connector.batch"));
    if (auto ms = n["mailboxes"]) {
      if (!ms.IsSequence() || ms.size() == 0) fail(ms, "connector.mailboxes", "must be a non-empty list");
      sc.connector.mailboxes_given = true;
      for (std::size_t i = 0; i < ms.size(); ++i) {
        auto f = "connector.mailboxes[" + std::to_string(i) + "]";
        const auto& m = ms[i];
        only(m, {"user", "password", "auth", "deliver_to", "global", "routing"}, f);
        cn::MailboxConfig mb;
        if (!m["user"]) fail(m, f + ".user", "missing");
        mb.user = str(m["user"], f + ".user");
        if (std::none_of(sc.accounts.begin(), sc.accounts.end(), [&](auto& a) { return a.user == mb.user; }))
          fail(m["user"], f + ".user", "no POP3 account '" + mb.user + "' in pop3.accounts");
        mb.password = m["password"] ? str(m["password"], f + ".password") : "";
        if (m["auth"]) {
          try {
            mb.auth = cn::parse_pop3_auth(str(m["auth"], f + ".auth"));
          } catch (const std::exception&) {
            fail(m["auth"], f + ".auth", "must be user, apop or plain");
          }
        }
        if (m["deliver_to"]) mb.deliver_to = str(m["deliver_to"], f + ".deliver_to");
        if (m["global"]) mb.global = boolean(m["global"], f + ".global");
        if (auto r = m["routing"]) {
          if (!r.IsMap()) fail(r, f + ".routing", "must be a map of external: local address");
          for (const auto& kv : r) mb.routing[kv.first.as<std::string>()] = str(kv.second, f + ".routing");
        }
        if (!mb.global && mb.deliver_to.empty()) fail(m, f + ".deliver_to", "a user mailbox delivers to one address");
        c.mailboxes.push_back(std::move(mb));
      }
    }
  }
};

}  // namespace

namespace {

Scenario parse_checked(const std::string& text, const std::string& source, const std::string& fixtures) {
  Reader r{source, fixtures};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) throw ScenarioError(source + ":1: a scenario must be a map (docs/scenarios.md)");
  r.only(root, {"id", "title", "source", "fault", "symptoms", "remedy", "profiles", "pop3", "smtp", "connector", "steps"},
         "");
  Scenario sc;
  sc.file = source;
  if (!root["id"]) r.fail(root, "id", "missing");
  sc.id = r.str(root["id"], "id");
  auto stem = fs::path(source).stem().string();
  if (stem != sc.id) r.fail(root["id"], "id", "must match the file name ('" + stem + "')");
  if (root["title"]) sc.title = r.prose(root["title"], "title");
  if (root["source"]) sc.source = r.prose(root["source"], "source");
  if (root["fault"]) sc.fault = r.prose(root["fault"], "fault");
  if (root["symptoms"]) sc.symptoms = r.prose(root["symptoms"], "symptoms");
  if (auto p = root["profiles"]) {
    sc.profiles.clear();
    for (std::size_t i = 0; i < p.size(); ++i) sc.profiles.push_back(r.profile(p[i], "profiles[" + std::to_string(i) + "]"));
    if (sc.profiles.empty()) r.fail(p, "profiles", "must name sbs2003, robust or both");
  }

  // The ISP's POP3 server.
  if (!root["pop3"]) r.fail(root, "pop3", "missing (the mail on the POP3 server)");
  auto p3 = root["pop3"];
  r.only(p3, {"hostname", "accounts", "faults"}, "pop3");
  if (p3["hostname"]) sc.pop3_hostname = r.str(p3["hostname"], "pop3.hostname");
  if (!p3["accounts"] || !p3["accounts"].IsSequence() || p3["accounts"].size() == 0)
    r.fail(p3["accounts"] ? p3["accounts"] : p3, "pop3.accounts", "must be a non-empty list of accounts");
  for (std::size_t i = 0; i < p3["accounts"].size(); ++i) {
    auto a = p3["accounts"][i];
    auto f = "pop3.accounts[" + std::to_string(i) + "]";
    r.only(a, {"user", "password", "messages"}, f);
    Pop3Account acc;
    if (!a["user"]) r.fail(a, f + ".user", "missing");
    acc.user = r.str(a["user"], f + ".user");
    acc.password = a["password"] ? r.str(a["password"], f + ".password") : "secret";
    if (a["messages"]) acc.messages = r.messages(a["messages"], f + ".messages", acc.user, 0);
    sc.accounts.push_back(std::move(acc));
  }
  if (p3["faults"]) sc.pop3_faults = r.faults(p3["faults"], "pop3.faults", pop3::presets());

  sc.world = default_world();
  if (auto s = root["smtp"]) {
    r.only(s, {"world", "faults"}, "smtp");
    if (s["world"]) {
      try {
        sc.world = smtp::parse_world_node(s["world"], source);
      } catch (const faults::SpecError& e) {
        throw ScenarioError(std::string(e.what()) + " (in field 'smtp.world')");
      }
    }
    if (s["faults"]) sc.smtp_faults = r.faults(s["faults"], "smtp.faults", smtp::presets());
  }

  // The connector: Maximum logging and the administrator mailbox unless told otherwise.
  sc.connector.base.logging = cn::LogLevel::Maximum;
  sc.connector.base.admin_mailbox = sc.world.admin_mailbox;
  sc.connector.base.connect_timeout = std::chrono::milliseconds(2000);
  sc.connector.base.io_timeout = std::chrono::milliseconds(5000);
  if (root["connector"]) r.connector(root["connector"], sc);
  if (!sc.connector.mailboxes_given) {
    for (auto& a : sc.accounts) {
      cn::MailboxConfig mb;
      mb.user = a.user;
      mb.password = a.password;
      mb.deliver_to = a.user + "@contoso.local";
      sc.connector.base.mailboxes.push_back(std::move(mb));
    }
  }

  if (!root["steps"]) r.fail(root, "steps", "missing (what happens, and what is checked)");
  sc.steps = r.steps(root["steps"], "steps", sc);
  if (auto rem = root["remedy"]) {
    r.only(rem, {"says", "steps"}, "remedy");
    if (rem["says"]) sc.remedy = r.prose(rem["says"], "remedy.says");
    if (rem["steps"]) sc.remedy_steps = r.steps(rem["steps"], "remedy.steps", sc);
  }

  // A message is tracked by its Message-ID: two alike would make the conservation check blind.
  std::map<std::string, std::string> seen;
  auto track = [&](const MessageSource& m, const std::string& where) {
    auto id = header_value(m.text, "Message-ID");
    if (id.empty()) throw ScenarioError(source + ": message " + m.name + " (" + where + ") has no Message-ID");
    if (auto [it, fresh] = seen.emplace(id, where); !fresh)
      throw ScenarioError(source + ": message " + m.name + " (" + where + ") has the Message-ID of " + it->second +
                          " (" + id + "); the conservation check tells messages apart by it");
  };
  for (auto& a : sc.accounts)
    for (auto& m : a.messages) track(m, "pop3 account " + a.user);
  for (auto* list : {&sc.steps, &sc.remedy_steps})
    for (auto& s : *list)
      for (auto& m : s.messages) track(m, s.field);
  return sc;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& source, const std::string& fixtures) {
  try {
    return parse_checked(text, source, fixtures);
  } catch (const YAML::Exception& e) {
    // A shape the reader did not expect (a map as a key, a sequence where a word goes).
    throw ScenarioError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

smtp::WorldConfig default_world() {
  smtp::WorldConfig w;
  w.accepted_domains = {"contoso.local"};
  w.mailboxes = {smtp::MailboxConfig{}, smtp::MailboxConfig{}};
  w.mailboxes[0].address = "bob@contoso.local";
  w.mailboxes[1].address = "administrator@contoso.local";
  w.admin_mailbox = "administrator@contoso.local";
  return w;
}

Scenario load_scenario(const std::string& path, const std::string& fixtures) {
  auto text = read_file(path);
  if (!text) throw ScenarioError(path + ": cannot be read");
  return parse_scenario(*text, path, fixtures);
}

}  // namespace maillab::runner
