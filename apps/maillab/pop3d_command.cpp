#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "daemon.hpp"
#include "tls_options.hpp"
#include "http_option.hpp"
#include "maillab/base/units.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/server.hpp"

namespace maillab::app {
namespace {

struct Pop3dOptions {
  std::string listen = "127.0.0.1:1110";
  std::vector<std::string> mailboxes;
  std::vector<std::string> generated;
  std::vector<std::string> fault_specs;
  std::vector<std::string> fault_files;
  std::string banner;
  std::string hostname = "mail-host.fabrikam.com";
  bool apop = false;
  bool no_user = false;
  bool in_place = false;
  std::size_t max_line = 512;
  double idle_timeout = 600;
  std::size_t max_sessions = 4096;
  unsigned max_errors = 10;
  unsigned threads = 1;
  unsigned busy_poll = kDaemonBusyPoll;
  std::size_t cache_mb = 32;
  bool print_transcripts = false;
  bool show_secrets = false;
  bool list_presets = false;
  bool list_kinds = false;
  TlsOptions tls;
  HttpOptions http;
};

// USER:PASSWORD:REST... — the user is split at the first colon and the `back` trailing
// fields at the last ones, so a password may contain ':'.
std::vector<std::string> split_fields(const std::string& text, std::size_t back, const std::string& flag,
                                      const std::string& form) {
  auto bad = [&](const char* why) { return std::invalid_argument(flag + " '" + text + "': " + why + "; expected " + form); };
  auto first = text.find(':');
  if (first == std::string::npos || first == 0) throw bad("no user name");
  std::vector<std::string> tail;
  std::string middle = text.substr(first + 1);
  for (std::size_t i = 0; i < back; ++i) {
    auto colon = middle.rfind(':');
    if (colon == std::string::npos) throw bad("too few fields");
    tail.insert(tail.begin(), middle.substr(colon + 1));
    middle.resize(colon);
  }
  std::vector<std::string> out{text.substr(0, first), middle};
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

pop3::ServerConfig server_config(const Pop3dOptions& o) {
  pop3::ServerConfig config;
  try {
    config.listen = parse_host_port(o.listen);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--listen: ") + e.what());
  }
  config.session.banner = o.banner;
  config.session.hostname = o.hostname;
  config.session.apop = o.apop;
  config.session.apop_nonce = std::to_string(::getpid());
  config.session.user_pass = !o.no_user;
  config.session.max_line = o.max_line;
  config.session.max_errors = o.max_errors;
  config.idle_timeout = std::chrono::milliseconds(static_cast<long long>(o.idle_timeout * 1000));
  config.max_sessions = o.max_sessions;
  // The control API shows transcripts, so a server it runs in keeps them.
  config.transcripts_kept = o.print_transcripts || !o.http.address.empty() ? net::kTranscriptsWhenAsked : 0;
  config.session.transcript.show_secrets = o.show_secrets;
  config.threads = o.threads;
  config.busy_poll = std::chrono::microseconds(o.busy_poll);
  config.session.tls = tls_mode(o.tls, "stls");
  config.tls_context = given_tls_context(o.tls);
  return config;
}

void add_directories(pop3::Mailboxes& mailboxes, const Pop3dOptions& o) {
  auto deletions = o.in_place ? pop3::Deletions::FromDirectory : pop3::Deletions::InMemory;
  for (const auto& spec : o.mailboxes) {
    auto f = split_fields(spec, 1, "--mailbox", "USER:PASSWORD:DIR");
    if (!std::filesystem::is_directory(f[2]))
      throw std::invalid_argument("--mailbox '" + spec + "': '" + f[2] + "' is not a directory");
    mailboxes.add(std::make_shared<pop3::Maildrop>(f[0], f[1], f[2], mailboxes.wire_cache(), deletions));
  }
}

void add_generated(pop3::Mailboxes& mailboxes, const Pop3dOptions& o) {
  for (const auto& spec : o.generated) {
    auto f = split_fields(spec, 2, "--generate", "USER:PASSWORD:COUNT:SIZE");
    std::uint64_t count, size;
    try {
      count = parse_count(f[2], "COUNT");
      size = parse_size(f[3]);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--generate '" + spec + "': " + e.what());
    }
    auto md = std::make_shared<pop3::Maildrop>(f[0], f[1]);
    for (std::uint64_t i = 1; i <= count; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "msg-%06llu", static_cast<unsigned long long>(i));
      md->add(name, pop3::synthetic_message(f[0], i, size));
    }
    mailboxes.add(md);
  }
}

int run_pop3d(const Pop3dOptions& o) {
  const auto& presets = pop3::presets();
  if (o.list_presets) return list_presets(presets);
  if (o.list_kinds) return list_kinds();
  if (!o.http.address.empty()) http_config(o.http);  // a bad --http changes nothing
  pop3::Server server(server_config(o));
  server.mailboxes().wire_cache()->set_budget(std::uint64_t{o.cache_mb} << 20);
  add_directories(server.mailboxes(), o);
  add_generated(server.mailboxes(), o);
  server.faults().add(load_faults(o.fault_specs, o.fault_files, presets));

  server.start();
  // Scripts read the first line for the port; the note comes after it.
  auto tls_note = write_tls_ca(o.tls, server.tls_identity(), "pop3d", server.port());
  std::cout << "maillab pop3d listening on " << server.endpoint().str() << std::endl;
  if (!tls_note.empty()) std::cout << tls_note << std::endl;
  if (!o.mailboxes.empty() && !o.in_place)
    std::cout << "maillab pop3d: --mailbox directories are served read-only (deleted mail is hidden until exit; "
                 "--in-place deletes the files)"
              << std::endl;
  console::Targets targets;
  targets.pop3 = &server;
  auto control = start_http(o.http, targets);
  wait_for_signal();
  control.stop();
  server.stop();
  if (o.print_transcripts) print_transcripts(server.transcripts());
  return 0;
}

}  // namespace

Run add_pop3d(CLI::App& app) {
  auto o = std::make_shared<Pop3dOptions>();
  app.add_option("--listen", o->listen, "HOST:PORT to listen on; port 0 picks a free port")->capture_default_str();
  app.add_option("--mailbox", o->mailboxes,
                 "USER:PASSWORD:DIR, DIR holding one *.eml per message (repeatable); its files are never changed: "
                 "mail a client deletes is hidden until pop3d exits, unless --in-place");
  app.add_option("--generate", o->generated, "USER:PASSWORD:COUNT:SIZE, a synthetic mailbox (SIZE: 4096, 4K, 1M)");
  app.add_option("--fault", o->fault_specs, "a fault: NAME[:ARG][,KEY=VALUE...] (repeatable; --list-presets, --list-kinds)");
  app.add_option("--faults", o->fault_files, "a YAML file of faults (repeatable)");
  app.add_option("--banner", o->banner, "greeting line (default: the seeds' +OK banner)");
  app.add_option("--hostname", o->hostname, "host name in the APOP timestamp")->capture_default_str();
  app.add_flag("--apop", o->apop, "offer APOP (adds a <timestamp> to the greeting)");
  app.add_flag("--in-place", o->in_place, "DELE + QUIT deletes the --mailbox directories' files");
  app.add_flag("--no-user", o->no_user, "refuse USER/PASS (SASL and APOP only)");
  app.add_option("--max-line", o->max_line, "longest command line in octets, CRLF included")
      ->capture_default_str()->check(CLI::Range(8, 1 << 20));
  app.add_option("--idle-timeout", o->idle_timeout, "seconds of silence before a session is dropped")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--max-sessions", o->max_sessions, "sessions at once; more are told -ERR [SYS/TEMP]")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  app.add_option("--max-errors", o->max_errors, "protocol errors before a session is closed")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  app.add_option("--threads", o->threads, "I/O threads")->capture_default_str()->check(CLI::Range(1, 64));
  add_busy_poll_option(app, o->busy_poll);
  app.add_option("--cache-mb", o->cache_mb, "memory for messages read from --mailbox directories")
      ->capture_default_str()->check(CLI::Range(0, 1 << 20));
  app.add_flag("--transcripts", o->print_transcripts,
               "keep the last sessions' transcripts and print them to stderr on exit (none are kept otherwise)");
  app.add_flag("--show-secrets", o->show_secrets, "transcripts show passwords and SASL responses (masked as **** otherwise)");
  add_tls_options(app, o->tls, "stls");
  app.add_flag("--list-presets", o->list_presets, "list the named faults and exit");
  app.add_flag("--list-kinds", o->list_kinds, "list the primitive fault kinds (what presets are built of) and exit");
  add_http_options(app, o->http);
  app.footer("Exit codes: 0 stopped by SIGINT/SIGTERM (or a --list option), 2 bad arguments, a bad fault, or the "
             "address cannot be listened on (the message names it).");
  return [o] { return run_pop3d(*o); };
}

}  // namespace maillab::app
