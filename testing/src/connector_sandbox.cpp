#include "maillab/testing/connector_sandbox.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "maillab/base/files.hpp"
#include "maillab/connector/clock.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/file_system.hpp"
#include "maillab/connector/folders.hpp"

namespace fs = std::filesystem;
namespace cn = maillab::connector;

namespace maillab::testing {
namespace {

fs::path make_sandbox() {
  auto pattern = (fs::temp_directory_path() / "maillab-sandbox-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a sandbox under " + pattern);
  return pattern;
}

smtp::ServerConfig with_pickup(const fs::path& root, bool pickup) {
  smtp::ServerConfig c;
  if (pickup) {
    c.pickup = root / "Mailroot" / "PickUp";
    fs::create_directories(c.pickup);
  }
  return c;
}

}  // namespace

// What the connector is built on; rebuilt at each cycle so config() changes apply.
struct ConnectorSandbox::Wiring {
  cn::SystemClock clock;
  cn::TcpChannelFactory channels;
  cn::PosixFileSystem files;
  std::unique_ptr<cn::EventLog> events;
  std::unique_ptr<cn::DiagLog> log;
};

ConnectorSandbox::ConnectorSandbox(SandboxOptions o)
    : root_(make_sandbox()),
      smtp_(smtp::default_world(), root_ / "Exchange", with_pickup(root_, o.pickup)),
      wiring_(std::make_unique<Wiring>()) {
  config_.source = "maillab::testing::ConnectorSandbox";
  config_.root = (root_ / "POP3").string();
  config_.profile = o.profile;
  config_.logging = o.logging;
  config_.admin_mailbox = "administrator@contoso.local";
  config_.connect_timeout = std::chrono::seconds(2);
  config_.io_timeout = std::chrono::seconds(5);
  cn::MailboxConfig m;
  m.pop3 = pop3_.endpoint();
  m.user = o.user;
  m.password = o.password;
  m.deliver_to = o.deliver_to;
  m.name = o.user + "@127.0.0.1";
  config_.mailboxes.push_back(std::move(m));
  if (o.pickup) {
    config_.delivery.pickup = (root_ / "Mailroot" / "PickUp").string();
  } else {
    config_.delivery.smtp = smtp_.endpoint();
  }
  pop3_.mailbox(o.user, o.password);
  fs::create_directories(config_.root);
  cn::Folders folders{config_.root};
  wiring_->events = std::make_unique<cn::EventLog>(folders.events_file(), config_.lang, wiring_->clock, config_.logging);
  wiring_->log = std::make_unique<cn::DiagLog>(config_.logging, wiring_->clock,
                                               cn::sink_for(config_.logging, folders.log_file()));
}

ConnectorSandbox::~ConnectorSandbox() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

cn::CycleReport ConnectorSandbox::cycle() {
  cn::validate(config_);
  auto& w = *wiring_;
  cn::Connector connector(config_, cn::Services{w.channels, w.files, w.clock, *w.events, *w.log});
  auto report = connector.run_cycle();
  if (auto* pickup = smtp_.server().pickup()) pickup->poll();
  return report;
}

std::vector<cn::Event> ConnectorSandbox::events() const { return wiring_->events->events(); }

std::string ConnectorSandbox::log() const { return read_file(cn::Folders{config_.root}.log_file()).value_or(""); }

std::vector<std::string> ConnectorSandbox::folder(const std::string& name) const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(config_.root) / name, ec))
    if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace maillab::testing
