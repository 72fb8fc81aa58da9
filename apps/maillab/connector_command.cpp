// maillab connector: the POP3 connector as a program (YAML configuration, or quick flags
// for one mailbox). --once is "Retrieve now"; otherwise it runs on its schedule until
// SIGINT/SIGTERM, finishing the cycle in progress.
#include <utility>
#include <boost/asio.hpp>
#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "maillab/connector/config.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/resolver.hpp"
#include "maillab/connector/service.hpp"

namespace maillab::app {
namespace {
namespace cn = maillab::connector;

struct ConnectorOptions {
  std::string config_file;
  std::string pop3, user, password, auth = "user", deliver_to, smtp, pickup, root;
  std::string profile, lang, logging, admin, interval, service;
  std::string tls, smtp_tls, tls_verify, ca;
  bool once = false;
  bool leave = false;
};

// --tls (every mailbox's POP3), --smtp-tls, --tls-verify and --ca override `tls:`.
void apply_tls_flags(const ConnectorOptions& o, cn::Config& c) {
  auto mode = [](const std::string& flag, const std::string& value) {
    try {
      return cn::parse_tls_mode(value);
    } catch (const std::invalid_argument& e) {
      throw cn::ConfigError(flag + ": " + e.what());
    }
  };
  if (!o.tls.empty()) {
    c.tls.pop3 = mode("--tls", o.tls);
    for (auto& m : c.mailboxes) m.tls.reset();
  }
  if (!o.smtp_tls.empty()) c.tls.smtp = mode("--smtp-tls", o.smtp_tls);
  if (!o.tls_verify.empty()) c.tls.verify = o.tls_verify == "on";
  if (!o.ca.empty()) c.tls.ca = o.ca;
}

cn::Config build_config(const ConnectorOptions& o) {
  cn::Config c;
  if (!o.config_file.empty()) {
    c = cn::load_config(o.config_file);
  } else {
    c.source = "(command line)";
    if (!o.pop3.empty()) {
      cn::MailboxConfig m;
      try {
        m.pop3 = parse_host_port(o.pop3);
      } catch (const std::invalid_argument& e) {
        throw cn::ConfigError(std::string("--pop3: ") + e.what());
      }
      if (o.user.empty()) throw cn::ConfigError("--user: required with --pop3");
      m.user = o.user;
      m.password = o.password;
      m.auth = cn::parse_pop3_auth(o.auth);
      m.deliver_to = o.deliver_to;
      m.name = m.user + "@" + m.pop3.host;
      c.mailboxes.push_back(std::move(m));
    }
  }
  // Flags given beside a file override it.
  if (!o.root.empty()) c.root = o.root;
  if (!o.smtp.empty()) {
    try {
      c.delivery.smtp = parse_host_port(o.smtp);
    } catch (const std::invalid_argument& e) {
      throw cn::ConfigError(std::string("--smtp: ") + e.what());
    }
    c.delivery.pickup.clear();
  }
  if (!o.pickup.empty()) {
    c.delivery.pickup = o.pickup;
    c.delivery.smtp.reset();
  }
  if (!o.profile.empty()) c.profile = cn::parse_profile(o.profile);
  if (!o.lang.empty()) c.lang = cn::parse_lang(o.lang);
  if (!o.logging.empty()) c.logging = cn::parse_log_level(o.logging);
  if (!o.admin.empty()) c.admin_mailbox = o.admin;
  if (!o.interval.empty()) c.interval = cn::parse_duration(o.interval);
  if (o.leave) c.leave_on_server = true;
  apply_tls_flags(o, c);
  cn::validate(c);
  return c;
}

// net start / net stop / sc query: the service's state in the root, which every
// "Retrieve now" (--once) and schedule of the same root consults.
int control_service(const ConnectorOptions& o) {
  cn::Config c;
  if (!o.config_file.empty()) c = cn::load_config(o.config_file);
  if (!o.root.empty()) c.root = o.root;
  if (c.root.empty()) throw cn::ConfigError("--service: names the connector's root (--root DIR or --config FILE)");
  cn::PosixFileSystem fs;
  cn::ServiceControl service(fs, cn::Folders{c.root});
  const auto& action = o.service;
  if (action == "stop") service.set(cn::ServiceState::Stopped);
  else if (action == "start") service.set(cn::ServiceState::Running);
  std::cout << "The " << cn::kServiceName << " service is " << cn::service_state_name(service.state()) << "."
            << std::endl;
  return 0;
}

int run_connector(const ConnectorOptions& o) {
  if (!o.service.empty()) return control_service(o);
  auto config = build_config(o);
  cn::SystemClock clock;
  cn::PosixFileSystem fs;
  cn::HostsResolver hosts(config.hosts, &cn::system_resolver());  // `hosts:` first, then the system's
  cn::TcpChannelFactory channels(hosts);
  fs.make_dir(config.root);
  cn::Folders folders{config.root};
  cn::ServiceControl service(fs, folders);
  cn::EventLog events(folders.events_file(), config.lang, clock, config.logging);
  cn::DiagLog log(config.logging, clock, cn::sink_for(config.logging, folders.log_file()));
  cn::Connector connector(config, cn::Services{channels, fs, clock, events, log});

  auto summary = [](const cn::CycleReport& r) {
    std::cout << "cycle: " << r.downloaded << " downloaded, " << r.delivered << " delivered, " << r.failed
              << " failed, " << r.refused << " refused, " << r.left << " left in Incoming Mail, " << r.errors
              << " errors" << std::endl;
    for (auto& p : r.problems) std::cout << "  problem: " << p << std::endl;
  };
  if (o.once) {
    auto r = cn::retrieve_now(connector, service);
    if (!r.report) {
      std::cerr << "maillab connector: " << r.refusal << std::endl;
      return 3;
    }
    summary(*r.report);
    return r.report->ok() ? 0 : 1;
  }
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stop = false;
  signals.async_wait([&](boost::system::error_code, int) { stop = true; });
  std::cout << "maillab connector running, a cycle every "
            << std::chrono::duration_cast<std::chrono::seconds>(config.interval).count() << " s" << std::endl;
  while (!stop) {
    // A stopped service skips the due cycle; `--service start` from another shell resumes.
    if (auto r = cn::retrieve_now(connector, service); r.report) summary(*r.report);
    else std::cout << "cycle skipped: " << r.refusal << std::endl;
    boost::asio::steady_timer timer(io, config.interval);
    timer.async_wait([](boost::system::error_code) {});
    io.restart();
    io.run_one();  // the timer or a signal, whichever comes first
    io.poll();
  }
  return 0;
}

}  // namespace

Run add_connector(CLI::App& app) {
  auto o = std::make_shared<ConnectorOptions>();
  app.add_option("--config", o->config_file, "YAML configuration (docs/connector.md)");
  app.add_option("--pop3", o->pop3, "HOST:PORT of the POP3 server (one user mailbox)");
  app.add_option("--user", o->user, "POP3 user name");
  app.add_option("--password", o->password, "POP3 password");
  app.add_option("--auth", o->auth, "POP3 logon: user (USER/PASS), apop or plain (AUTH PLAIN)");
  app.add_option("--deliver-to", o->deliver_to, "local address the mailbox delivers to");
  app.add_option("--smtp", o->smtp, "deliver over SMTP to HOST:PORT");
  app.add_option("--pickup", o->pickup, "deliver into this pickup directory");
  app.add_option("--root", o->root, "folder root holding Incoming Mail, Failed Mail, events.jsonl, the log");
  app.add_option("--profile", o->profile, "robust (default) or sbs2003 (the documented 2003 behaviour)");
  app.add_option("--lang", o->lang, "event texts: en (default), de (seed 000's German) or ja (seed 003's Japanese, English where it quotes none)");
  app.add_option("--logging", o->logging, "None, Minimum, Medium or Maximum");
  app.add_option("--admin", o->admin, "administrator mailbox for undeliverable mail");
  app.add_option("--interval", o->interval, "schedule, e.g. 15m or 30s");
  app.add_option("--tls", o->tls, "POP3 TLS: off, implicit (POP3S, port 995) or stls (robust only; docs/tls.md)")
      ->check(CLI::IsMember({"off", "implicit", "stls"}));
  app.add_option("--smtp-tls", o->smtp_tls, "SMTP delivery TLS: off, implicit (SMTPS) or starttls (robust only)")
      ->check(CLI::IsMember({"off", "implicit", "starttls", "stls"}));
  app.add_option("--tls-verify", o->tls_verify, "check the servers' certificates (on, the default) or not (off)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--ca", o->ca, "PEM file of the CAs trusted for TLS (default: the system's trust store)");
  app.add_flag("--leave-on-server", o->leave, "leave messages on the POP3 server (robust remembers UIDLs)");
  app.add_flag("--once", o->once, "run one cycle (\"Retrieve now\") and exit; non-zero when it had errors");
  app.add_option("--service", o->service, "stop, start or status: the connector service of this root (net stop/start)")
      ->check(CLI::IsMember({"stop", "start", "status"}));
  app.footer("Exit codes: 0 the --once cycle had no errors (or the schedule was stopped by SIGINT/SIGTERM, or "
             "--service did its job), 1 the --once cycle had errors (its problems are printed), 2 bad arguments or "
             "configuration, 3 --once while the service is stopped (nothing ran).");
  return [o] { return run_connector(*o); };
}

}  // namespace maillab::app
