#include "maillab/base/files.hpp"
#include "maillab/connector/config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "maillab/base/ascii.hpp"
#include "maillab/base/units.hpp"

namespace maillab::connector {
namespace {

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& field, const std::string& why) const {
    auto mark = node.Mark();
    throw ConfigError(source_ + ":" + std::to_string(mark.line + 1) + ": field '" + field + "': " + why);
  }

  std::string str(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) fail(node, field, "expected a text value");
    return node.as<std::string>();
  }

  bool boolean(const YAML::Node& node, const std::string& field) const {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
      fail(node, field, "expected true or false");
    }
  }

  template <class F>
  auto convert(const YAML::Node& node, const std::string& field, F f) const {
    auto text = str(node, field);
    try {
      return f(text);
    } catch (const std::exception& e) {
      fail(node, field, e.what());
    }
  }

  void known(const YAML::Node& map, const std::string& where, std::initializer_list<const char*> keys) const {
    if (!map.IsMap()) fail(map, where, "expected a mapping");
    for (auto it = map.begin(); it != map.end(); ++it) {
      auto key = it->first.as<std::string>();
      bool ok = false;
      for (auto* k : keys) ok = ok || key == k;
      if (!ok) fail(it->first, where.empty() ? key : where + "." + key, "unknown field");
    }
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

MailboxConfig mailbox(const Reader& r, const YAML::Node& node, const std::string& where) {
  r.known(node, where, {"name", "pop3", "user", "password", "auth", "global", "deliver_to", "routing"});
  MailboxConfig m;
  if (!node["pop3"]) r.fail(node, where + ".pop3", "missing (HOST:PORT of the POP3 server)");
  m.pop3 = r.convert(node["pop3"], where + ".pop3", [](const std::string& t) { return parse_host_port(t); });
  if (!node["user"]) r.fail(node, where + ".user", "missing");
  m.user = r.str(node["user"], where + ".user");
  if (node["password"]) m.password = r.str(node["password"], where + ".password");
  if (node["auth"]) m.auth = r.convert(node["auth"], where + ".auth", [](const std::string& t) { return parse_pop3_auth(t); });
  if (node["global"]) m.global = r.boolean(node["global"], where + ".global");
  if (node["deliver_to"]) m.deliver_to = r.str(node["deliver_to"], where + ".deliver_to");
  if (!m.global && m.deliver_to.empty())
    r.fail(node, where + ".deliver_to", "a user mailbox needs the local address it delivers to");
  if (node["routing"]) {
    auto routing = node["routing"];
    if (!routing.IsMap()) r.fail(routing, where + ".routing", "expected a mapping of address: local mailbox");
    for (auto it = routing.begin(); it != routing.end(); ++it) {
      auto from = ascii::lower(r.str(it->first, where + ".routing"));
      auto to = r.str(it->second, where + ".routing." + from);
      m.routing[from] = to;
    }
  }
  m.name = node["name"] ? r.str(node["name"], where + ".name") : m.user + "@" + m.pop3.host;
  return m;
}

}  // namespace

Profile parse_profile(std::string_view text) {
  if (text == "sbs2003") return Profile::Sbs2003;
  if (text == "robust") return Profile::Robust;
  throw std::invalid_argument("profile must be sbs2003 or robust, not '" + std::string(text) + "'");
}

std::string_view profile_name(Profile p) { return p == Profile::Sbs2003 ? "sbs2003" : "robust"; }

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end == text.data())
    throw std::invalid_argument("expected a duration like 15m, 30s or 250ms, not '" + std::string(text) + "'");
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  using namespace std::chrono;
  if (unit == "ms") return milliseconds(n);
  if (unit == "s" || unit.empty()) return seconds(n);
  if (unit == "m" || unit == "min") return minutes(n);
  if (unit == "h") return hours(n);
  throw std::invalid_argument("unknown duration unit '" + std::string(unit) + "' (ms, s, m, h)");
}

Config parse_config_text(const std::string& text, const std::string& source) {
  Reader r(source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  Config c;
  c.source = source;
  if (!root.IsMap()) throw ConfigError(source + ":1: the configuration must be a mapping");
  r.known(root, "", {"profile", "language", "root", "schedule", "logging", "admin_mailbox", "max_message_size",
                     "leave_on_server", "timeouts", "batch", "delivery", "mailboxes"});
  if (root["profile"]) c.profile = r.convert(root["profile"], "profile", [](const std::string& t) { return parse_profile(t); });
  if (root["language"]) c.lang = r.convert(root["language"], "language", [](const std::string& t) { return parse_lang(t); });
  if (!root["root"]) throw ConfigError(source + ":1: field 'root': missing (the folder holding Incoming Mail and Failed Mail)");
  c.root = r.str(root["root"], "root");
  if (root["schedule"]) {
    auto s = root["schedule"];
    r.known(s, "schedule", {"interval"});
    if (s["interval"]) c.interval = r.convert(s["interval"], "schedule.interval", [](const std::string& t) { return parse_duration(t); });
  }
  if (root["logging"]) c.logging = r.convert(root["logging"], "logging", [](const std::string& t) { return parse_log_level(t); });
  if (root["admin_mailbox"]) c.admin_mailbox = r.str(root["admin_mailbox"], "admin_mailbox");
  if (root["max_message_size"])
    c.max_message_size = r.convert(root["max_message_size"], "max_message_size", [](const std::string& t) { return parse_size(t); });
  if (root["leave_on_server"]) c.leave_on_server = r.boolean(root["leave_on_server"], "leave_on_server");
  if (root["batch"])
    c.batch = r.convert(root["batch"], "batch", [](const std::string& t) {
      auto n = parse_count(t, "batch");
      if (n == 0) throw std::invalid_argument("batch must be at least 1");
      return static_cast<std::size_t>(n);
    });
  if (root["timeouts"]) {
    auto t = root["timeouts"];
    r.known(t, "timeouts", {"connect", "io"});
    if (t["connect"]) c.connect_timeout = r.convert(t["connect"], "timeouts.connect", [](const std::string& s) { return parse_duration(s); });
    if (t["io"]) c.io_timeout = r.convert(t["io"], "timeouts.io", [](const std::string& s) { return parse_duration(s); });
  }
  if (!root["delivery"]) throw ConfigError(source + ":1: field 'delivery': missing (smtp: HOST:PORT or pickup: DIR)");
  {
    auto d = root["delivery"];
    r.known(d, "delivery", {"smtp", "pickup", "helo", "auth", "event_sink_addresses"});
    if (d["smtp"]) c.delivery.smtp = r.convert(d["smtp"], "delivery.smtp", [](const std::string& t) { return parse_host_port(t); });
    if (d["pickup"]) c.delivery.pickup = r.str(d["pickup"], "delivery.pickup");
    if (c.delivery.smtp && !c.delivery.pickup.empty()) r.fail(d, "delivery", "smtp and pickup are alternatives; name one");
    if (!c.delivery.smtp && c.delivery.pickup.empty()) r.fail(d, "delivery", "name smtp: HOST:PORT or pickup: DIR");
    if (d["helo"]) c.delivery.helo = r.str(d["helo"], "delivery.helo");
    if (d["event_sink_addresses"]) c.delivery.event_sink_addresses = r.boolean(d["event_sink_addresses"], "delivery.event_sink_addresses");
    if (d["auth"]) {
      auto a = d["auth"];
      r.known(a, "delivery.auth", {"user", "password"});
      if (!a["user"]) r.fail(a, "delivery.auth.user", "missing");
      c.delivery.auth_user = r.str(a["user"], "delivery.auth.user");
      if (a["password"]) c.delivery.auth_password = r.str(a["password"], "delivery.auth.password");
    }
  }
  if (!root["mailboxes"]) throw ConfigError(source + ":1: field 'mailboxes': missing");
  auto list = root["mailboxes"];
  if (!list.IsSequence() || list.size() == 0) r.fail(list, "mailboxes", "expected a list of at least one mailbox");
  for (std::size_t i = 0; i < list.size(); ++i)
    c.mailboxes.push_back(mailbox(r, list[i], "mailboxes[" + std::to_string(i) + "]"));
  for (std::size_t i = 0; i < c.mailboxes.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (c.mailboxes[i].name == c.mailboxes[j].name)
        r.fail(list[i], "mailboxes[" + std::to_string(i) + "].name", "the name '" + c.mailboxes[i].name + "' is used twice");
  bool any_global = false;
  for (auto& m : c.mailboxes) any_global = any_global || m.global;
  if (any_global && c.admin_mailbox.empty())
    r.fail(root, "admin_mailbox", "a global mailbox needs the administrator mailbox for unresolved mail");
  return c;
}

Config load_config(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw ConfigError(path + ": cannot read the configuration file");
  return parse_config_text(*text, path);
}

void validate(const Config& c) {
  if (c.root.empty()) throw ConfigError(c.source + ": the folder root is missing (--root)");
  if (!c.delivery.smtp && c.delivery.pickup.empty())
    throw ConfigError(c.source + ": no delivery path (--smtp HOST:PORT or --pickup DIR)");
  if (c.mailboxes.empty()) throw ConfigError(c.source + ": no mailbox (--pop3, --user, --password, --deliver-to)");
  for (auto& m : c.mailboxes)
    if (!m.global && m.deliver_to.empty()) throw ConfigError(c.source + ": mailbox " + m.name + " has no --deliver-to");
}

}  // namespace maillab::connector
