#pragma once
// One mailbox's POP3 session in a cycle, as stages: connect, log on, plan, fetch (each
// batch made durable and handed to the delivery stage), settle, quit. Where the profiles
// differ it asks the cycle's ProfilePolicy. Runs on its own thread; a failure becomes an
// event and a problem in the cycle report, never an exception.
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cycle_context.hpp"
#include "incoming_writer.hpp"
#include "maillab/connector/config.hpp"
#include "maillab/connector/pop3_client.hpp"
#include "maillab/connector/services.hpp"

namespace maillab::connector {

class OutcomeTracker;

class MailboxDownload {
 public:
  MailboxDownload(const Config& config, Services& services, CycleContext& cycle, std::size_t index);
  ~MailboxDownload();
  void run();

 private:
  std::unique_ptr<Channel> connect();
  DownloadPlan plan(const std::vector<Pop3Entry>& entries);
  void fetch(Pop3Client& pop3, const DownloadPlan& plan, std::size_t total);
  // Makes the finished downloads durable and hands them to the delivery stage; returns the
  // message numbers to DELE now.
  std::vector<int> hand_over();
  void settle(Pop3Client& pop3);
  // After a failure: what arrived whole is kept (robust: with its UIDL).
  void salvage();
  void problem(EventId id, const std::string& detail, const std::string& text);
  void channel_problem(const ChannelError& e, EventId otherwise);

  const Config& config_;
  Services& s_;
  CycleContext& cycle_;
  const MailboxConfig& m_;
  const int thread_;
  IncomingWriter writer_;
  std::shared_ptr<OutcomeTracker> outcomes_;
  bool tls_upgrade_ = false;  // STLS after the greeting (the policy's TLS for this mailbox)
};

}  // namespace maillab::connector
