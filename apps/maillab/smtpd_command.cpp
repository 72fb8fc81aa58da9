#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "daemon.hpp"
#include "tls_options.hpp"
#include "http_option.hpp"
#include "maillab/base/units.hpp"
#include "maillab/base/yaml.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/smtp/path_names.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/server.hpp"

namespace maillab::app {
namespace {

struct SmtpdOptions {
  std::string listen = "127.0.0.1:2525";
  std::string store;
  std::string memory_limit = "256M";
  std::vector<std::string> domains;
  std::vector<std::string> mailboxes;
  std::string world_file;
  std::string pickup;
  double pickup_interval = 0.5;
  std::string profile;
  std::string admin;
  std::vector<std::string> auth_users;
  std::vector<std::string> fault_specs;
  std::vector<std::string> fault_files;
  double idle_timeout = 300;
  std::size_t max_sessions = 4096;
  unsigned max_errors = 10;
  unsigned threads = 1;
  unsigned busy_poll = kDaemonBusyPoll;
  bool print_transcripts = false;
  bool show_secrets = false;
  bool list_presets = false;
  bool list_kinds = false;
  TlsOptions tls;
  HttpOptions http;
};

smtp::MailboxConfig mailbox_option(const std::string& spec) {
  smtp::MailboxConfig mb;
  auto colon = spec.find(':');
  auto address = yaml::parse_address(spec.substr(0, colon));
  if (!address) throw std::invalid_argument("--mailbox '" + spec + "': expected ADDRESS[:QUOTA_KB]");
  if (auto why = smtp::unsafe_name(*address))
    throw std::invalid_argument("--mailbox '" + spec + "': cannot name a folder of the store: it " + *why);
  mb.address = *address;
  if (colon != std::string::npos) {
    try {
      mb.quota_kb = parse_count(spec.substr(colon + 1), "QUOTA_KB");
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--mailbox '" + spec + "': " + e.what());
    }
  }
  return mb;
}

// The Exchange side: the world file, then what the flags add to it.
smtp::WorldConfig world_from(const SmtpdOptions& o) {
  smtp::WorldConfig world = o.world_file.empty() ? smtp::WorldConfig{} : smtp::load_world_file(o.world_file);
  if (!o.profile.empty()) {
    auto p = smtp::profile_from_name(o.profile);
    if (!p) throw std::invalid_argument("--profile '" + o.profile + "': must be exchange, iis or plain");
    world.profile = *p;
  }
  for (const auto& d : o.domains) world.accepted_domains.push_back(smtp::lower(d));
  for (const auto& spec : o.mailboxes) world.mailboxes.push_back(mailbox_option(spec));
  // A mailbox's own domain is accepted unless the world says otherwise by leaving it out.
  if (o.world_file.empty())
    for (const auto& mb : world.mailboxes) {
      auto d = smtp::domain_of(mb.address);
      if (std::find(world.accepted_domains.begin(), world.accepted_domains.end(), d) == world.accepted_domains.end())
        world.accepted_domains.push_back(d);
    }
  if (!o.admin.empty()) world.admin_mailbox = smtp::lower(o.admin);
  for (const auto& ua : o.auth_users) {
    auto colon = ua.find(':');
    if (colon == std::string::npos || colon == 0) throw std::invalid_argument("--auth '" + ua + "': expected USER:PASSWORD");
    world.auth_users[ua.substr(0, colon)] = ua.substr(colon + 1);
  }
  return world;
}

smtp::ServerConfig server_config(const SmtpdOptions& o) {
  smtp::ServerConfig config;
  try {
    config.listen = parse_host_port(o.listen);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--listen: ") + e.what());
  }
  config.session.max_errors = o.max_errors;
  config.idle_timeout = std::chrono::milliseconds(static_cast<long long>(o.idle_timeout * 1000));
  config.max_sessions = o.max_sessions;
  // The control API shows transcripts, so a server it runs in keeps them.
  config.transcripts_kept = o.print_transcripts || !o.http.address.empty() ? net::kTranscriptsWhenAsked : 0;
  config.session.transcript.show_secrets = o.show_secrets;
  config.threads = o.threads;
  config.busy_poll = std::chrono::microseconds(o.busy_poll);
  config.session.tls = tls_mode(o.tls, "starttls");
  config.tls_context = given_tls_context(o.tls);
  config.pickup = o.pickup;
  config.pickup_interval = std::chrono::milliseconds(static_cast<long long>(o.pickup_interval * 1000));
  try {
    config.memory_store_bytes = parse_size(o.memory_limit);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--memory-limit: ") + e.what());
  }
  return config;
}

int run_smtpd(const SmtpdOptions& o) {
  const auto& presets = smtp::presets();
  if (o.list_presets) return list_presets(presets);
  if (o.list_kinds) return list_kinds();
  if (!o.http.address.empty()) http_config(o.http);  // a bad --http changes nothing
  auto world = world_from(o);
  auto config = server_config(o);
  if (!o.store.empty()) std::filesystem::create_directories(o.store);
  smtp::Server server(config, std::move(world), o.store);

  server.faults().add(load_faults(o.fault_specs, o.fault_files, presets));

  server.start();
  auto tls_note = write_tls_ca(o.tls, server.tls_identity(), "smtpd", server.port());
  std::cout << "maillab smtpd listening on " << server.endpoint().str() << std::endl;
  if (!tls_note.empty()) std::cout << tls_note << std::endl;
  console::Targets targets;
  targets.smtp = &server;
  auto control = start_http(o.http, targets);
  wait_for_signal();
  control.stop();
  server.stop();
  if (o.print_transcripts) print_transcripts(server.transcripts());
  // One write: std::cerr is unbuffered, and a load run leaves millions of these.
  std::string placed;
  for (const auto& p : server.placements())
    placed += "placed " + p.id + " for " + p.recipient + ": " + std::string(smtp::destination_name(p.where)) + " " +
              p.target + (p.folder.empty() ? "" : "/" + p.folder) + "\n";
  std::cerr << placed << std::flush;
  return 0;
}

}  // namespace

Run add_smtpd(CLI::App& app) {
  auto o = std::make_shared<SmtpdOptions>();
  app.add_option("--listen", o->listen, "HOST:PORT to listen on; port 0 picks a free port")->capture_default_str();
  app.add_option("--store", o->store,
                 "delivered mail lands in STORE/<address>/<folder>/*.eml; without it, mail is kept in memory");
  app.add_option("--memory-limit", o->memory_limit,
                 "without --store: the newest messages kept in memory, in bytes (4K, 64M ...); older texts are "
                 "dropped, where each went is kept")
      ->capture_default_str();
  app.add_option("--domain", o->domains, "an accepted domain (recipient policy; repeatable)");
  app.add_option("--mailbox", o->mailboxes, "ADDRESS[:QUOTA_KB] (repeatable; SBS default quota 200000 KB)");
  app.add_option("--world", o->world_file, "a YAML file describing the Exchange side (docs/smtpd.md)");
  app.add_option("--profile", o->profile, "EHLO profile: exchange, iis or plain");
  app.add_option("--pickup", o->pickup, "the PickUp directory the pickup service empties (*.eml, x-sender:/x-receiver:)");
  app.add_option("--pickup-interval", o->pickup_interval, "seconds between pickup passes")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--admin", o->admin, "the administrator mailbox (NDRs of foreign senders)");
  app.add_option("--auth", o->auth_users, "USER:PASSWORD for AUTH PLAIN/LOGIN (repeatable)");
  app.add_option("--fault", o->fault_specs, "a fault: NAME[:ARG][,KEY=VALUE...] (repeatable; --list-presets, --list-kinds)");
  app.add_option("--faults", o->fault_files, "a YAML file of faults (repeatable)");
  app.add_option("--idle-timeout", o->idle_timeout, "seconds of silence before a session is dropped")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--max-sessions", o->max_sessions, "sessions at once; more are told 421")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  app.add_option("--max-errors", o->max_errors, "protocol errors before 421 and close")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  app.add_option("--threads", o->threads, "I/O threads")->capture_default_str()->check(CLI::Range(1, 64));
  add_busy_poll_option(app, o->busy_poll);
  app.add_flag("--transcripts", o->print_transcripts,
               "keep the last sessions' transcripts and print them to stderr on exit (none are kept otherwise)");
  app.add_flag("--show-secrets", o->show_secrets, "transcripts show passwords and SASL responses (masked as **** otherwise)");
  add_tls_options(app, o->tls, "starttls");
  app.add_flag("--list-presets", o->list_presets, "list the named faults and exit");
  app.add_flag("--list-kinds", o->list_kinds, "list the primitive fault kinds (what presets are built of) and exit");
  add_http_options(app, o->http);
  app.footer("Exit codes: 0 stopped by SIGINT/SIGTERM (or a --list option), 2 bad arguments, a bad fault, or the "
             "address cannot be listened on (the message names it).");
  return [o] { return run_smtpd(*o); };
}

}  // namespace maillab::app
