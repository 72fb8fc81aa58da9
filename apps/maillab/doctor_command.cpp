// maillab doctor: KB 885685's troubleshooting procedure against live servers, folders and
// the customer's events and log (docs/doctor.md).
#include <iostream>

#include "commands.hpp"
#include "maillab/doctor/doctor.hpp"
#include "maillab/doctor/probes.hpp"

namespace maillab::app {
namespace {
namespace dr = maillab::doctor;

struct DoctorOptions {
  std::string pop3, user, password, smtp, sender, helo = "doctor.maillab.invalid";
  std::vector<std::string> rcpts;
  std::string root, pickup, events, log, lang = "en";
  bool send_test = false, json = false, fix = false, expect_mail = false, expect_exchange = false;
  double timeout = 5;
};

void probe_servers(const DoctorOptions& o, dr::Observations& seen) {
  auto resolver = dr::system_resolver();
  connector::TcpChannelFactory channels;
  dr::ProbeOptions po;
  po.connect_timeout = std::chrono::milliseconds(static_cast<long>(o.timeout * 1000));
  po.io_timeout = po.connect_timeout;
  if (!o.pop3.empty())
    seen.pop3 = dr::probe_pop3({parse_host_port(o.pop3), o.user, o.password}, *resolver, channels, po);
  if (!o.smtp.empty())
    seen.smtp = dr::probe_smtp({parse_host_port(o.smtp), o.helo, o.sender, o.rcpts, o.send_test}, *resolver, channels, po);
}

void read_artefacts(const DoctorOptions& o, dr::Observations& seen) {
  try {
    if (!o.events.empty()) seen.events = dr::read_events(o.events);
  } catch (const std::exception& e) {
    seen.unchecked.push_back(std::string("--events: ") + e.what());
  }
  try {
    if (!o.log.empty()) seen.log = dr::read_log(o.log);
  } catch (const std::exception& e) {
    seen.unchecked.push_back(std::string("--log: ") + e.what());
  }
}

int run(const DoctorOptions& o) {
  if (o.pop3.empty() && o.smtp.empty() && o.root.empty() && o.pickup.empty() && o.events.empty() && o.log.empty())
    throw std::invalid_argument("nothing to examine: give --pop3, --smtp, --root, --pickup, --events or --log");
  if (!o.pop3.empty() && o.user.empty()) throw std::invalid_argument("--pop3 needs --user (and --password)");
  if (o.send_test && o.rcpts.empty()) throw std::invalid_argument("--send-test needs a --rcpt address");
  const auto lang = dr::parse_lang(o.lang);
  if (o.fix && !o.root.empty())
    for (const auto& made : dr::fix_missing_folders(o.root)) std::cerr << "maillab doctor --fix: created " << made << "\n";
  dr::Observations seen;
  seen.expect_mail = o.expect_mail;
  seen.expect_exchange = o.expect_exchange;
  probe_servers(o, seen);
  seen.folders = dr::scan_folders(o.root, o.pickup);
  read_artefacts(o, seen);
  auto report = dr::diagnose(seen);
  std::cout << (o.json ? dr::render_json(report, lang) : dr::render_text(report, lang));
  return report.exit_code();
}

}  // namespace

Run add_doctor(CLI::App& app) {
  auto o = std::make_shared<DoctorOptions>();
  app.add_option("--pop3", o->pop3, "HOST:PORT of the POP3 server: the telnet check (banner, USER, PASS, STAT, QUIT)");
  app.add_option("--user", o->user, "the POP3 account");
  app.add_option("--password", o->password, "its password");
  app.add_option("--smtp", o->smtp, "HOST:PORT of the SMTP server: EHLO verbs, anonymous access, size limit, recipients");
  app.add_option("--rcpt", o->rcpts, "a recipient address to probe with RCPT (repeatable)");
  app.add_option("--sender", o->sender, "MAIL FROM of the probes (default <>, as the connector sends)");
  app.add_option("--helo", o->helo, "the EHLO name");
  app.add_flag("--send-test", o->send_test, "send one test message to the --rcpt addresses the server accepted (the only probe that delivers)");
  app.add_option("--root", o->root,
                 "the connector's root: Incoming Mail, Failed Mail, the service's state (service.state) and the "
                 "MIME components in its System32");
  app.add_option("--pickup", o->pickup, "the SMTP PickUp folder");
  app.add_option("--events", o->events, "events.jsonl, or Event Viewer's text blocks (en, de, ja)");
  app.add_option("--log", o->log, "the connector's diagnostic log (seed 004's format)");
  app.add_flag("--expect-mail", o->expect_mail, "mail should be waiting: an empty drop (+OK 0 0) is a problem");
  app.add_flag("--expect-exchange", o->expect_exchange, "the SMTP server is Exchange: apply seed 002's verb check to it");
  app.add_flag("--fix", o->fix, "apply the mechanical remedies (create a missing Incoming Mail / Failed Mail)");
  app.add_flag("--json", o->json, "the report as JSON");
  app.add_option("--lang", o->lang, "the KB's section names: en, de (seed 000) or ja (seed 003)");
  app.add_option("--timeout", o->timeout, "seconds to wait for a connection or a reply (default 5)");
  app.footer("Exit codes: 0 healthy, 1 a documented problem found, 2 could not check (or bad input).");
  return [o]() -> int { return run(*o); };
}

}  // namespace maillab::app
