#pragma once
// The hand-on stage (the 2003 product's "CDO" stage): takes message files from Incoming
// Mail and delivers each over SMTP or into PickUp, or sets it aside in Failed Mail.
// One stage per cycle, on one thread, with one SMTP session opened on first use.
#include <memory>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/connector/services.hpp"
#include "maillab/connector/smtp_client.hpp"

namespace maillab::connector {

enum class Outcome {
  Delivered,  // handed on; the file is gone from Incoming Mail
  Failed,     // moved to Failed Mail (with an event; robust: an NDR for a 5xx)
  Refused,    // sbs2003: the local copy is dropped, the message stays on the POP3 server
  Deferred,   // left in Incoming Mail for a later cycle
  Blocked,    // sbs2003: a corrupt file stopped the stage; left in Incoming Mail
};
std::string_view outcome_name(Outcome o);

struct DeliveryJob {
  std::string file;        // name in Incoming Mail
  int thread = 0;          // the mailbox's index, the log's [t N]
  int number = 0;          // POP3 message number in this session, 0 for a leftover
  bool on_server = false;  // the POP3 session that fetched it is still open
};

class DeliveryStage {
 public:
  DeliveryStage(const Config& config, Services& services);
  ~DeliveryStage();
  Outcome deliver(const DeliveryJob& job);
  // Ends the SMTP session.
  void finish();
  std::size_t errors() const { return errors_; }

 private:
  Outcome fail_to(const DeliveryJob& job, const std::string& path);
  Outcome smtp_deliver(const DeliveryJob& job, const std::string& path, const std::string& text,
                       const ParsedFile& parsed);
  bool ensure_smtp();
  // The SMTP session is unusable: nothing more goes over it this cycle.
  void drop_smtp();
  // The administrator it reached, or "no one (why)" for event 1052.
  std::string send_ndr(const DeliveryJob& job, const Envelope& envelope, const SmtpReply& reply, std::string_view message);
  const MailboxConfig* mailbox_of(const std::string& file) const;
  Outcome not_now(const DeliveryJob& job, const std::string& path);

  const Config& config_;
  Services& s_;
  Folders folders_;
  bool robust_;
  bool blocked_ = false;
  bool smtp_down_ = false;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<SmtpClient> smtp_;
  std::size_t errors_ = 0;
  int leftover_id_ = 0;
  std::vector<std::string> reported_;  // events said once per cycle
};

}  // namespace maillab::connector
