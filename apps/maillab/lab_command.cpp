// maillab lab: both simulators, the connector between them and the scenario catalog in
// one process, driven through the control API (docs/api.md). The connector runs when
// POST /api/connector/run asks, and on its --interval when one is given.
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "daemon.hpp"
#include "http_option.hpp"
#include "maillab/base/units.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/smtp/server.hpp"

namespace maillab::app {
namespace {
namespace cn = maillab::connector;

struct LabOptions {
  HttpOptions http{"127.0.0.1:8025", "", 10, 64};
  std::vector<std::string> accounts;
  std::string world_file;
  std::string root;
  std::string profile = "robust";
  std::string interval;
  std::string scenarios;
  std::uint64_t generate = 0;
};

struct Account {
  std::string user, password, deliver_to;
};

Account account_option(const std::string& spec) {
  auto first = spec.find(':');
  auto last = spec.rfind(':');
  if (first == std::string::npos || first == 0 || last == first || last + 1 == spec.size())
    throw std::invalid_argument("--account '" + spec + "': expected USER:PASSWORD:DELIVER_TO");
  return Account{spec.substr(0, first), spec.substr(first + 1, last - first - 1), spec.substr(last + 1)};
}

cn::Config connector_config(const LabOptions& o, const std::vector<Account>& accounts, const HostPort& pop3,
                            const HostPort& smtp) {
  cn::Config c;
  c.source = "(maillab lab)";
  c.root = o.root;
  c.profile = cn::parse_profile(o.profile);
  c.logging = cn::LogLevel::Maximum;
  c.delivery.smtp = smtp;
  for (const auto& a : accounts) {
    cn::MailboxConfig m;
    m.pop3 = pop3;
    m.user = a.user;
    m.password = a.password;
    m.deliver_to = a.deliver_to;
    m.name = a.user + "@" + pop3.host;
    c.mailboxes.push_back(std::move(m));
  }
  if (!o.interval.empty()) c.interval = cn::parse_duration(o.interval);
  cn::validate(c);
  return c;
}

// The connector and what it needs, one cycle at a time.
class LabConnector {
 public:
  explicit LabConnector(cn::Config config)
      : folders_{config.root},
        events_(folders_.events_file(), config.lang, clock_),
        log_(config.logging, clock_, cn::sink_for(config.logging, folders_.log_file())),
        connector_(config, cn::Services{channels_, fs_, clock_, events_, log_}) {}

  cn::CycleReport run() {
    std::lock_guard lock(mutex_);
    return connector_.run_cycle();
  }
  const cn::Folders& folders() const { return folders_; }

 private:
  cn::SystemClock clock_;
  cn::PosixFileSystem fs_;
  cn::TcpChannelFactory channels_;
  cn::Folders folders_;
  cn::EventLog events_;
  cn::DiagLog log_;
  cn::Connector connector_;
  std::mutex mutex_;
};

// Runs the connector through the API on its interval (so the stream hears of each cycle)
// until destroyed.
class Schedule {
 public:
  Schedule(console::Api& api, std::chrono::milliseconds interval)
      : thread_([this, &api, interval] {
          std::unique_lock lock(mutex_);
          while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            api.handle(console::Request{"POST", "/api/connector/run", "", ""});
            lock.lock();
          }
        }) {}
  ~Schedule() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

std::vector<Account> accounts_of(const LabOptions& o) {
  std::vector<Account> out;
  for (const auto& spec : o.accounts) out.push_back(account_option(spec));
  if (out.empty()) out.push_back(Account{"bob", "secret", "bob@contoso.local"});
  return out;
}

void fill_maildrops(pop3::Server& pop3, const std::vector<Account>& accounts, std::uint64_t generate) {
  for (const auto& a : accounts) {
    auto md = std::make_shared<pop3::Maildrop>(a.user, a.password);
    for (std::uint64_t i = 1; i <= generate; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "msg-%06llu", static_cast<unsigned long long>(i));
      md->add(name, pop3::synthetic_message(a.user, i, 2048));
    }
    pop3.mailboxes().add(md);
  }
}

int run_lab(LabOptions o) {
  http_config(o.http);  // a bad --http changes nothing
  auto accounts = accounts_of(o);
  if (o.root.empty())
    o.root = (std::filesystem::temp_directory_path() / ("maillab-lab-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(o.root);
  pop3::ServerConfig pop3_config;
  pop3_config.listen = {"127.0.0.1", 0};
  pop3_config.transcripts_kept = net::kTranscriptsWhenAsked;
  pop3::Server pop3(pop3_config);
  fill_maildrops(pop3, accounts, o.generate);
  smtp::ServerConfig smtp_config;
  smtp_config.listen = {"127.0.0.1", 0};
  smtp_config.transcripts_kept = net::kTranscriptsWhenAsked;
  smtp::Server smtp(smtp_config, o.world_file.empty() ? smtp::default_world() : smtp::load_world_file(o.world_file), {});
  pop3.start();
  smtp.start();
  LabConnector connector(connector_config(o, accounts, pop3.endpoint(), smtp.endpoint()));
  std::cout << "maillab lab: pop3d listening on " << pop3.endpoint().str() << std::endl;
  std::cout << "maillab lab: smtpd listening on " << smtp.endpoint().str() << std::endl;
  std::cout << "maillab lab: connector folders in " << o.root << std::endl;

  console::Targets targets{&pop3, &smtp, [&connector] { return connector.run(); },
                           connector.folders().events_file(), connector.folders().log_file(),
                           o.scenarios.empty() ? runner::default_scenarios_dir() : o.scenarios, o.root};
  auto control = start_http(o.http, std::move(targets));
  {
    std::optional<Schedule> schedule;
    if (!o.interval.empty()) schedule.emplace(*control.api, cn::parse_duration(o.interval));
    wait_for_signal();
  }
  control.stop();
  smtp.stop();
  pop3.stop();
  return 0;
}

}  // namespace

Run add_lab(CLI::App& app) {
  auto o = std::make_shared<LabOptions>();
  add_http_options(app, o->http);
  app.get_option("--http")->capture_default_str();
  app.add_option("--account", o->accounts,
                 "USER:PASSWORD:DELIVER_TO: a POP3 mailbox the connector empties into an Exchange address "
                 "(repeatable; default bob:secret:bob@contoso.local)");
  app.add_option("--generate", o->generate, "messages to put in each POP3 mailbox at start");
  app.add_option("--world", o->world_file, "a YAML file describing the Exchange side (docs/smtpd.md)");
  app.add_option("--root", o->root, "the connector's folders (default: a new directory under the system's temp)");
  app.add_option("--profile", o->profile, "connector profile: robust or sbs2003")->capture_default_str();
  app.add_option("--interval", o->interval, "run the connector on this schedule (30s, 15m); default: only when asked");
  app.add_option("--scenarios", o->scenarios, "the scenario catalog (default: $MAILLAB_SCENARIOS or the source tree's)");
  app.footer("Exit codes: 0 stopped by SIGINT/SIGTERM, 2 bad arguments or an address that cannot be listened on.");
  return [o] { return run_lab(*o); };
}

}  // namespace maillab::app
