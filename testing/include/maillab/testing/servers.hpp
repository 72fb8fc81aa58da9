#pragma once
// The simulators as test members: each starts on 127.0.0.1, port 0, when constructed
// (so ctest -j never sees a port clash) and stops, closing every session, when destroyed.
//
//   maillab::testing::Pop3Server pop3;
//   pop3.add_message("bob", "secret", text);
//   maillab::testing::SmtpServer smtp;            // Exchange side: smtp::default_world()
//   ... point the system under test at pop3.endpoint() and smtp.endpoint() ...
//   EXPECT_THAT(smtp, Delivered("bob@contoso.local", "Inbox", MessageId("<1@x>")));
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "maillab/base/endpoint.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/smtp/server.hpp"

namespace maillab::testing {

class Pop3Server {
 public:
  // Transcripts are kept (config.transcripts_kept) unless the config says otherwise.
  explicit Pop3Server(pop3::ServerConfig config = {});
  ~Pop3Server();
  Pop3Server(const Pop3Server&) = delete;
  Pop3Server& operator=(const Pop3Server&) = delete;

  std::uint16_t port() const { return server_->port(); }
  HostPort endpoint() const { return server_->endpoint(); }
  // The maildrop of `user`, created with `password` when new.
  std::shared_ptr<pop3::Maildrop> mailbox(const std::string& user, const std::string& password = "secret");
  // Adds a message (LF or CRLF line ends; served with CRLF) and returns its name.
  std::string add_message(const std::string& user, const std::string& password, const std::string& text);
  // A fault spec or preset name (docs/faults.md), installed before the next reply.
  void fault(const std::string& spec);
  void clear_faults();
  // Every kept session's transcript ("C: USER bob\nS: +OK\n...").
  std::vector<std::string> transcripts() const;
  pop3::Server& server() { return *server_; }

 private:
  std::unique_ptr<pop3::Server> server_;
  std::size_t added_ = 0;
};

class SmtpServer {
 public:
  // `store` empty: mail kept in memory (placements and texts still readable).
  explicit SmtpServer(smtp::WorldConfig world = smtp::default_world(), std::filesystem::path store = {},
                      smtp::ServerConfig config = {});
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  HostPort endpoint() const { return server_->endpoint(); }
  void fault(const std::string& spec);
  void clear_faults();
  std::vector<smtp::Placement> placements() const { return server_->placements(); }
  // The stored text of a placement; empty when it is gone.
  std::string text(const smtp::Placement& placement) const;
  std::vector<std::string> transcripts() const;
  smtp::Server& server() { return *server_; }

 private:
  std::unique_ptr<smtp::Server> server_;
};

}  // namespace maillab::testing
