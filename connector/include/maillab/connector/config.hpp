#pragma once
// The connector's configuration, shaped like the SBS 2003 connector's property pages:
// user and global mailboxes, schedule, logging level, administrator mailbox, delivery,
// plus the folder root and the behaviour profile. Loaded from YAML; a malformed file is
// refused with its file, line and field named.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "maillab/base/endpoint.hpp"
#include "maillab/base/units.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/connector/pop3_client.hpp"
#include "maillab/connector/tls.hpp"

namespace maillab::yaml {
class Field;
}  // namespace maillab::yaml

namespace maillab::connector {

enum class Profile {
  Sbs2003,  // the documented 2003 behaviour, symptoms and all
  Robust,   // the same faults handled well (the default)
};
Profile parse_profile(std::string_view text);
std::string_view profile_name(Profile p);

struct MailboxConfig {
  std::string name;  // a key for files and logs; default user@host
  HostPort pop3;
  std::string user, password;
  Pop3Auth auth = Pop3Auth::UserPass;
  // A user mailbox delivers everything to one address; a global one routes by To/Cc.
  bool global = false;
  std::string deliver_to;
  std::map<std::string, std::string> routing;  // external address -> local mailbox
  std::optional<TlsMode> tls;  // this mailbox's POP3 TLS; none: Config::tls.pop3
};

// `tls:` (robust only; docs/tls.md): how the connector speaks TLS to the POP3 servers and
// to the SMTP server, and whether (against what) it checks their certificates.
struct TlsConfig {
  TlsMode pop3 = TlsMode::Off;
  TlsMode smtp = TlsMode::Off;
  bool verify = true;
  std::string ca;  // PEM file of the CAs trusted; empty: the system's trust store
};

struct DeliveryConfig {
  std::optional<HostPort> smtp;
  std::string pickup;  // a directory, when not SMTP
  std::string helo = "maillab-connector";
  std::string auth_user, auth_password;
  // Address recipients as user@mspop3connector.domain, for the event sink to resolve
  // (the 2003 product's CDO stage did this).
  bool event_sink_addresses = false;
  // Exchange's message tracking log folder (STORE/<server>.log): robust reads it before
  // delivering a file from Incoming Mail, and drops one whose message it shows delivered
  // (copied into PickUp by hand, KB 885685 CDO step 2). Empty: not consulted.
  std::string message_tracking;
};

struct Config {
  std::string source = "(flags)";  // the file it came from, for messages
  Profile profile = Profile::Robust;
  Lang lang = Lang::En;
  std::string root;
  std::chrono::milliseconds interval{std::chrono::minutes(15)};
  LogLevel logging = LogLevel::Minimum;
  std::string admin_mailbox;
  std::uint64_t max_message_size = 0;  // 0: no limit
  bool leave_on_server = false;
  std::chrono::milliseconds connect_timeout{10000}, io_timeout{60000};
  // Overall deadlines of one POP3 session and of a whole cycle; 0: derived from io_timeout
  // (session_deadline(), cycle_deadline()).
  std::chrono::milliseconds session_timeout{0}, cycle_timeout{0};
  std::size_t batch = 64;  // messages per durable commit (robust)
  // The connector's own hosts data: these names resolve to these addresses without a
  // lookup; other names go to the system resolver (resolver.hpp).
  std::map<std::string, std::string> hosts;
  DeliveryConfig delivery;
  std::vector<MailboxConfig> mailboxes;
  TlsConfig tls;
};

// The TLS a mailbox's POP3 connection and the SMTP delivery ask for.
TlsSettings pop3_tls(const Config& c, const MailboxConfig& m);
TlsSettings smtp_tls(const Config& c);
// Whether any connection of the configuration asks for TLS.
bool uses_tls(const Config& c);

// The session deadline: `timeouts.session`, or 15 io timeouts (75 s with io: 5s, 15 min
// with the default 60 s), so a server that answers a byte per io timeout is given up.
std::chrono::milliseconds session_deadline(const Config& c);
// The cycle deadline: `timeouts.cycle`, or twice the session deadline.
std::chrono::milliseconds cycle_deadline(const Config& c);

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ConfigError "FILE:LINE: field 'mailboxes[0].pop3': reason".
Config load_config(const std::string& path);
Config parse_config_text(const std::string& text, const std::string& source);
// Whole-config checks (a mailbox, a delivery path ...); throws ConfigError.
void validate(const Config& config);

using maillab::parse_duration;  // "15m", "10s", "250ms", "1h" (base/units.hpp)

// Readers of the settings a configuration file and a scenario's connector section share,
// so both accept the same spellings and normalise alike (docs/connector.md).
Profile profile(const yaml::Field& field);
LogLevel log_level(const yaml::Field& field);
Pop3Auth pop3_auth(const yaml::Field& field);
// External address -> local mailbox; both sides are addresses, kept in lower case, as
// the connector compares the To/Cc addresses it finds.
std::map<std::string, std::string> routing_table(const yaml::Field& field);
// logging, leave_on_server, max_message_size, language, admin_mailbox, batch.
void read_common_settings(const yaml::Field& section, Config& config);
// `timeouts: {connect, io, session, cycle}` (durations; session and cycle longer than 0).
void read_timeouts(const yaml::Field& timeouts, Config& config);
// `hosts: {NAME: ADDRESS}`: each value an IPv4 or IPv6 address literal.
std::map<std::string, std::string> hosts_table(const yaml::Field& field);
// `tls: {pop3, smtp, verify, ca}`.
TlsConfig tls_config(const yaml::Field& field);

}  // namespace maillab::connector
