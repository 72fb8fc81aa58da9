#pragma once
// The POP3 connector: one cycle ("Retrieve now") downloads every configured mailbox into
// Incoming Mail (mailboxes concurrently, one thread each) while the delivery stage hands
// the files on, so message n+1 downloads while message n is delivered.
//
// The two profiles differ only behind ProfilePolicy (src/profile_policy.hpp):
// robust (default): a batch of messages is made durable in Incoming Mail (with envelope
// and UIDL) and recorded in the mailbox's UIDL journal before DELE; a server message
// whose UIDL the connector holds is never fetched again.
// sbs2003: a message is deleted from the server only once handed on (or stuck behind a
// corrupt file in Incoming Mail); a refused one stays there and comes back every cycle.
#include <cstddef>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/connector/services.hpp"

namespace maillab::connector {

struct CycleContext;

struct CycleReport {
  std::size_t downloaded = 0;  // stored in Incoming Mail this cycle
  std::size_t delivered = 0;   // handed on (SMTP 250 or moved into PickUp)
  std::size_t failed = 0;      // set aside in Failed Mail
  std::size_t refused = 0;     // sbs2003: dropped locally, still on the POP3 server
  std::size_t left = 0;        // still in Incoming Mail
  std::size_t errors = 0;
  std::vector<std::string> problems;
  bool ok() const { return errors == 0; }
};

class Connector {
 public:
  Connector(Config config, Services services);
  CycleReport run_cycle();
  const Config& config() const { return config_; }
  Folders folders() const { return Folders{config_.root}; }

 private:
  bool prepare_folders(CycleContext& cycle);
  void queue_waiting(CycleContext& cycle);
  void finish(CycleReport& report, std::size_t stage_errors, std::size_t thrown_errors);

  Config config_;
  Services s_;
};

}  // namespace maillab::connector
