#include "maillab/testing/servers.hpp"

#include "maillab/base/message_text.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/smtp/presets.hpp"

namespace maillab::testing {
namespace {

template <class Config>
Config on_any_port(Config c) {
  c.listen = HostPort{"127.0.0.1", 0};
  if (c.transcripts_kept == 0) c.transcripts_kept = net::kTranscriptsWhenAsked;
  return c;
}

std::vector<std::string> texts(const std::vector<std::shared_ptr<net::Transcript>>& transcripts) {
  std::vector<std::string> out;
  for (const auto& t : transcripts) out.push_back(t->str());
  return out;
}

}  // namespace

Pop3Server::Pop3Server(pop3::ServerConfig config) : server_(std::make_unique<pop3::Server>(on_any_port(config))) {
  server_->start();
}

Pop3Server::~Pop3Server() { server_->stop(); }

std::shared_ptr<pop3::Maildrop> Pop3Server::mailbox(const std::string& user, const std::string& password) {
  if (auto found = server_->mailboxes().find(user)) return found;
  auto drop = std::make_shared<pop3::Maildrop>(user, password);
  server_->mailboxes().add(drop);
  return drop;
}

std::string Pop3Server::add_message(const std::string& user, const std::string& password, const std::string& text) {
  auto name = "msg-" + std::to_string(++added_) + ".eml";
  mailbox(user, password)->add(name, to_crlf(text));
  return name;
}

void Pop3Server::fault(const std::string& spec) {
  server_->faults().add(faults::parse_fault_spec(spec, pop3::presets()));
}

void Pop3Server::clear_faults() { server_->faults().clear(); }

std::vector<std::string> Pop3Server::transcripts() const { return texts(server_->transcripts()); }

SmtpServer::SmtpServer(smtp::WorldConfig world, std::filesystem::path store, smtp::ServerConfig config)
    : server_(std::make_unique<smtp::Server>(on_any_port(config), std::move(world), std::move(store))) {
  server_->start();
}

SmtpServer::~SmtpServer() { server_->stop(); }

void SmtpServer::fault(const std::string& spec) {
  server_->faults().add(faults::parse_fault_spec(spec, smtp::presets()));
}

void SmtpServer::clear_faults() { server_->faults().clear(); }

std::string SmtpServer::text(const smtp::Placement& placement) const {
  return server_->world().text(placement).value_or("");
}

std::vector<std::string> SmtpServer::transcripts() const { return texts(server_->transcripts()); }

}  // namespace maillab::testing
