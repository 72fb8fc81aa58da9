#pragma once
// The connector in a sandbox: a temporary root (Incoming Mail, Failed Mail, the log and
// events), a POP3 server with bob's maildrop and an SMTP server with the Exchange side,
// all on port 0, and a Connector wired to them over real sockets and files. The sandbox
// is removed when it is destroyed.
//
//   maillab::testing::ConnectorSandbox lab;
//   lab.pop3().add_message("bob", "secret", text);
//   auto report = lab.cycle();
//   EXPECT_THAT(lab.smtp(), Delivered("bob@contoso.local", "Inbox", MessageId("<1@x>")));
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/testing/servers.hpp"

namespace maillab::testing {

struct SandboxOptions {
  connector::Profile profile = connector::Profile::Robust;
  bool pickup = false;  // deliver through PickUp (polled by cycle()) instead of SMTP
  std::string user = "bob", password = "secret", deliver_to = "bob@contoso.local";
  connector::LogLevel logging = connector::LogLevel::Maximum;
};

class ConnectorSandbox {
 public:
  explicit ConnectorSandbox(SandboxOptions options = {});
  ~ConnectorSandbox();
  ConnectorSandbox(const ConnectorSandbox&) = delete;
  ConnectorSandbox& operator=(const ConnectorSandbox&) = delete;

  Pop3Server& pop3() { return pop3_; }
  SmtpServer& smtp() { return smtp_; }
  // The connector's configuration; changes take effect at the next cycle().
  connector::Config& config() { return config_; }
  // One cycle ("Retrieve now"); with pickup delivery, the pickup service polls after it.
  connector::CycleReport cycle();
  std::vector<connector::Event> events() const;
  std::string log() const;
  // File names in a folder under the root ("Incoming Mail", "Failed Mail"), sorted.
  std::vector<std::string> folder(const std::string& name) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  struct Wiring;
  std::filesystem::path root_;
  Pop3Server pop3_;
  SmtpServer smtp_;
  connector::Config config_;
  std::unique_ptr<Wiring> wiring_;
};

}  // namespace maillab::testing
