#pragma once
// The hand-on stage (the 2003 product's "CDO" stage): takes message files from Incoming
// Mail and delivers each over SMTP or into PickUp, or sets it aside in Failed Mail.
// One stage per cycle, on one thread, with one SMTP session opened on first use. Where
// the profiles differ, the stage asks its ProfilePolicy.
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/connector/message_file.hpp"
#include "maillab/connector/services.hpp"
#include "maillab/connector/smtp_client.hpp"

namespace maillab::connector {

class ProfilePolicy;
class TrackingLog;

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
  bool on_server = false;  // the server copy is kept until this job's outcome is known
};

class DeliveryStage {
 public:
  DeliveryStage(const Config& config, Services& services, ProfilePolicy& policy);
  ~DeliveryStage();
  DeliveryStage(const DeliveryStage&) = delete;
  DeliveryStage& operator=(const DeliveryStage&) = delete;

  Outcome deliver(const DeliveryJob& job);
  // Ends the SMTP session.
  void finish();
  std::size_t errors() const { return errors_; }

  // What a policy may do with a message.
  // The stage stops: this file and every one after it stay in Incoming Mail.
  Outcome block();
  Outcome fail_to_failed_mail(const DeliveryJob& job);
  // Cannot go now: a message whose server copy is kept is dropped locally (it comes again
  // next cycle, seed 004's refetch); anything else waits in Incoming Mail.
  Outcome not_now(const DeliveryJob& job);
  // The administrator the NDR reached, or "no one (why)" for event 1052.
  std::string send_ndr(const DeliveryJob& job, const Envelope& envelope, const SmtpReply& reply,
                       std::string_view message);
  Services& services() { return s_; }

 private:
  std::string path_of(const DeliveryJob& job) const { return folders_.incoming() + "/" + job.file; }
  std::optional<std::string> read(const DeliveryJob& job, Outcome& outcome);
  Outcome to_pickup(const DeliveryJob& job, const std::string& text);
  void hand_over_across(const DeliveryJob& job, const std::string& text);
  void tidy_incoming();
  std::exception_ptr record_delivered(const DeliveryJob& job) noexcept;
  Outcome smtp_deliver(const DeliveryJob& job, const std::string& text, const ParsedFile& parsed);
  Outcome judge_refusal(const DeliveryJob& job, const SmtpOutcome& out, const Envelope& env, std::string_view message);
  bool ensure_smtp();
  // The SMTP session is unusable: nothing more goes over it (nor over any other this
  // cycle, unless it made progress and the policy reconnects).
  void drop_smtp();
  void report_unreachable(const std::string& what);
  std::optional<SmtpOutcome> transact(const Envelope& env, std::string_view message,
                                      const std::function<void()>& accepted);
  const MailboxConfig* mailbox_of(const std::string& file) const;
  const std::optional<std::string>& components_problem();
  // Robust: a file whose message the tracking log shows in every recipient's mailbox is
  // removed with event 1058 instead of delivered again.
  bool drop_if_delivered(const DeliveryJob& job, std::string_view text, const ParsedFile& parsed);

  const Config& config_;
  Services& s_;
  ProfilePolicy& policy_;
  Folders folders_;
  bool blocked_ = false;
  // Loaded before the first message file is opened, once per cycle (components.hpp).
  std::optional<std::optional<std::string>> components_;
  std::unique_ptr<TrackingLog> tracking_;
  bool smtp_down_ = false;
  bool unreachable_reported_ = false;
  std::size_t answered_ = 0;  // messages the current SMTP session gave a verdict on
  bool pickup_reported_ = false;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<SmtpClient> smtp_;
  std::size_t errors_ = 0;
  int leftover_id_ = 0;
};

}  // namespace maillab::connector
