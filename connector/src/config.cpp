#include "maillab/base/files.hpp"
#include "maillab/connector/config.hpp"

#include "maillab/base/ascii.hpp"
#include "maillab/base/units.hpp"
#include "maillab/connector/resolver.hpp"
#include "maillab/base/yaml.hpp"

namespace maillab::connector {

using yaml::Field;

namespace {
// The 2003 product's property pages had no TLS setting: a configuration asking for it
// cannot be the 2003 product's (docs/tls.md).
constexpr std::string_view kNoTlsInSbs2003 =
    "the sbs2003 profile has no TLS (the SBS 2003 POP3 Connector offered none); use profile robust, or TLS off";
}  // namespace

Profile profile(const Field& field) {
  return field.choice<Profile>({{"sbs2003", Profile::Sbs2003}, {"robust", Profile::Robust}});
}

LogLevel log_level(const Field& field) {
  return field.convert([](const std::string& t) { return parse_log_level(t); });
}

Pop3Auth pop3_auth(const Field& field) {
  return field.choice<Pop3Auth>({{"user", Pop3Auth::UserPass}, {"apop", Pop3Auth::Apop}, {"plain", Pop3Auth::Plain}});
}

std::map<std::string, std::string> routing_table(const Field& field) {
  if (!field.is_map()) field.fail("must be a map of external address: local mailbox");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : field.entries()) {
    auto from = yaml::parse_address(key);
    if (!from) value.fail("the key must be a mail address (local@domain), not '" + key + "'");
    out[*from] = value.address();
  }
  return out;
}

namespace {

// A timeout or deadline of 0 would end every connection or session before it began.
std::chrono::milliseconds positive_duration(const Field& field) {
  auto d = field.duration();
  if (d.count() <= 0) field.fail("must be longer than 0 (e.g. 90s)");
  return d;
}

}  // namespace

void read_common_settings(const Field& s, Config& c) {
  if (s["logging"].present()) c.logging = log_level(s["logging"]);
  if (s["leave_on_server"].present()) c.leave_on_server = s["leave_on_server"].boolean();
  if (s["max_message_size"].present()) c.max_message_size = s["max_message_size"].bytes();
  if (s["language"].present())
    c.lang = s["language"].choice<Lang>({{"en", Lang::En}, {"de", Lang::De}, {"ja", Lang::Ja}});
  if (s["admin_mailbox"].present()) c.admin_mailbox = s["admin_mailbox"].address();
  if (s["batch"].present()) c.batch = static_cast<std::size_t>(s["batch"].integer(1));
}

void read_timeouts(const Field& t, Config& c) {
  t.only({"connect", "io", "session", "cycle"});
  if (t["connect"].present()) c.connect_timeout = positive_duration(t["connect"]);
  if (t["io"].present()) c.io_timeout = t["io"].duration();
  if (t["session"].present()) c.session_timeout = positive_duration(t["session"]);
  if (t["cycle"].present()) c.cycle_timeout = positive_duration(t["cycle"]);
}

std::map<std::string, std::string> hosts_table(const Field& field) {
  if (!field.is_map()) field.fail("must be a map of host name: IP address");
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : field.entries()) {
    auto address = value.str();
    if (!is_address_literal(address)) value.fail("must be an IP address (e.g. 127.0.0.1), not '" + address + "'");
    out[ascii::lower(name)] = address;
  }
  return out;
}

TlsConfig tls_config(const Field& t) {
  t.only({"pop3", "smtp", "verify", "ca"});
  TlsConfig out;
  auto mode = [](const Field& f, const char* upgrade) {
    return f.choice<TlsMode>({{"off", TlsMode::Off}, {"implicit", TlsMode::Implicit}, {upgrade, TlsMode::Upgrade}});
  };
  if (t["pop3"].present()) out.pop3 = mode(t["pop3"], "stls");
  if (t["smtp"].present()) out.smtp = mode(t["smtp"], "starttls");
  if (t["verify"].present()) out.verify = t["verify"].boolean();
  if (t["ca"].present()) out.ca = t["ca"].str();
  return out;
}

TlsSettings pop3_tls(const Config& c, const MailboxConfig& m) {
  return TlsSettings{m.tls.value_or(c.tls.pop3), c.tls.verify, c.tls.ca};
}

TlsSettings smtp_tls(const Config& c) { return TlsSettings{c.tls.smtp, c.tls.verify, c.tls.ca}; }

bool uses_tls(const Config& c) {
  if (c.tls.smtp != TlsMode::Off) return true;
  for (auto& m : c.mailboxes)
    if (pop3_tls(c, m).mode != TlsMode::Off) return true;
  return false;
}

Profile parse_profile(std::string_view text) {
  if (text == "sbs2003") return Profile::Sbs2003;
  if (text == "robust") return Profile::Robust;
  throw std::invalid_argument("profile must be sbs2003 or robust, not '" + std::string(text) + "'");
}

std::string_view profile_name(Profile p) { return p == Profile::Sbs2003 ? "sbs2003" : "robust"; }

namespace {

MailboxConfig mailbox(const Field& node) {
  node.only({"name", "pop3", "user", "password", "auth", "global", "deliver_to", "routing", "tls"});
  MailboxConfig m;
  m.pop3 = node["pop3"].required("HOST:PORT of the POP3 server").host_port();
  m.user = node["user"].required().str();
  if (node["password"].present()) m.password = node["password"].str();
  if (node["auth"].present()) m.auth = pop3_auth(node["auth"]);
  if (node["global"].present()) m.global = node["global"].boolean();
  if (node["deliver_to"].present()) m.deliver_to = node["deliver_to"].address();
  if (!m.global && m.deliver_to.empty())
    node["deliver_to"].fail("a user mailbox needs the local address it delivers to");
  if (node["routing"].present()) m.routing = routing_table(node["routing"]);
  if (node["tls"].present())
    m.tls = node["tls"].choice<TlsMode>({{"off", TlsMode::Off}, {"implicit", TlsMode::Implicit}, {"stls", TlsMode::Upgrade}});
  m.name = node["name"].present() ? node["name"].str() : m.user + "@" + m.pop3.host;
  return m;
}

void schedule_and_timeouts(const Field& root, Config& c) {
  if (auto s = root["schedule"]; s.present()) {
    s.only({"interval"});
    if (s["interval"].present()) c.interval = s["interval"].duration();
  }
  if (root["timeouts"].present()) read_timeouts(root["timeouts"], c);
}

DeliveryConfig delivery(const Field& d) {
  d.required("smtp: HOST:PORT or pickup: DIR")
      .only({"smtp", "pickup", "helo", "auth", "event_sink_addresses", "message_tracking"});
  DeliveryConfig out;
  if (d["smtp"].present()) out.smtp = d["smtp"].host_port();
  if (d["pickup"].present()) out.pickup = d["pickup"].str();
  if (out.smtp && !out.pickup.empty()) d.fail("smtp and pickup are alternatives; name one");
  if (!out.smtp && out.pickup.empty()) d.fail("name smtp: HOST:PORT or pickup: DIR");
  if (d["helo"].present()) out.helo = d["helo"].str();
  if (d["event_sink_addresses"].present()) out.event_sink_addresses = d["event_sink_addresses"].boolean();
  if (d["message_tracking"].present()) out.message_tracking = d["message_tracking"].str();
  if (auto a = d["auth"]; a.present()) {
    a.only({"user", "password"});
    out.auth_user = a["user"].required().str();
    if (a["password"].present()) out.auth_password = a["password"].str();
  }
  return out;
}

void mailboxes(const Field& list, Config& c) {
  auto items = list.required().nonempty_items();
  for (const auto& item : items) c.mailboxes.push_back(mailbox(item));
  for (std::size_t i = 0; i < c.mailboxes.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (c.mailboxes[i].name == c.mailboxes[j].name)
        items[i]["name"].fail("the name '" + c.mailboxes[i].name + "' is used twice");
}

Config read_config(const Field& root) {
  if (!root.is_map()) throw yaml::Error(root.source() + ":1: the configuration must be a mapping");
  root.only({"profile", "language", "root", "schedule", "logging", "admin_mailbox", "max_message_size",
             "leave_on_server", "timeouts", "batch", "hosts", "delivery", "mailboxes", "tls"});
  Config c;
  c.source = root.source();
  if (root["profile"].present())
    c.profile = profile(root["profile"]);
  c.root = root["root"].required("the folder holding Incoming Mail and Failed Mail").str();
  read_common_settings(root, c);
  schedule_and_timeouts(root, c);
  if (root["hosts"].present()) c.hosts = hosts_table(root["hosts"]);
  c.delivery = delivery(root["delivery"]);
  mailboxes(root["mailboxes"], c);
  if (root["tls"].present()) c.tls = tls_config(root["tls"]);
  if (c.profile == Profile::Sbs2003 && uses_tls(c)) root["profile"].fail(std::string(kNoTlsInSbs2003));
  bool any_global = false;
  for (auto& m : c.mailboxes) any_global = any_global || m.global;
  if (any_global && c.admin_mailbox.empty())
    root["admin_mailbox"].fail("a global mailbox needs the administrator mailbox for unresolved mail");
  return c;
}

}  // namespace

Config parse_config_text(const std::string& text, const std::string& source) {
  return yaml::reading<ConfigError>(source, [&] { return read_config(yaml::load(text, source)); });
}

Config load_config(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw ConfigError(path + ": cannot read the configuration file");
  return parse_config_text(*text, path);
}

std::chrono::milliseconds session_deadline(const Config& c) {
  return c.session_timeout.count() > 0 ? c.session_timeout : 15 * c.io_timeout;
}

std::chrono::milliseconds cycle_deadline(const Config& c) {
  return c.cycle_timeout.count() > 0 ? c.cycle_timeout : 2 * session_deadline(c);
}

void validate(const Config& c) {
  if (c.profile == Profile::Sbs2003 && uses_tls(c)) throw ConfigError(c.source + ": " + std::string(kNoTlsInSbs2003));
  if (c.root.empty()) throw ConfigError(c.source + ": the folder root is missing (--root)");
  if (!c.delivery.smtp && c.delivery.pickup.empty())
    throw ConfigError(c.source + ": no delivery path (--smtp HOST:PORT or --pickup DIR)");
  if (c.mailboxes.empty()) throw ConfigError(c.source + ": no mailbox (--pop3, --user, --password, --deliver-to)");
  for (auto& m : c.mailboxes)
    if (!m.global && m.deliver_to.empty()) throw ConfigError(c.source + ": mailbox " + m.name + " has no --deliver-to");
}

}  // namespace maillab::connector
