#pragma once
// Everything in which the two profiles differ, behind one interface: the download session
// and the delivery stage are the same machinery for both and ask their policy at each
// point where the 2003 product and the robust connector part ways. A third profile is one
// more class (one file) and a line in make_policy().
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/file_system.hpp"
#include "maillab/connector/pop3_client.hpp"
#include "maillab/connector/services.hpp"
#include "maillab/connector/smtp_client.hpp"

#include "delivery_stage.hpp"

namespace maillab::connector {

struct DownloadPlan {
  std::vector<Pop3Entry> fetch;  // RETR these, in order
  std::vector<int> leftovers;    // DELE these first: the connector already holds them
};

// A message the SMTP server refused, for the policy to settle.
struct Rejection {
  const DeliveryJob& job;
  const Envelope& envelope;
  const SmtpReply& reply;
  std::string_view message;
};

// One instance per cycle. Cycle and download methods may be called from every mailbox's
// thread at once (each with its own mailbox); delivery methods only from the delivery
// thread.
class ProfilePolicy {
 public:
  virtual ~ProfilePolicy() = default;

  // --- the cycle
  // A connector folder is missing from a root that has the others. False: stop the cycle.
  virtual bool restore_folder(const std::string& dir, CycleReport& report) = 0;
  // Before any download or delivery starts.
  virtual void begin_cycle(CycleReport& report) = 0;

  // --- connections
  // The TLS a connection is opened with, given what the configuration asks for.
  virtual TlsSettings tls(const TlsSettings& configured) const = 0;

  // --- a mailbox's download session
  virtual DownloadPlan plan(const MailboxConfig& m, const std::vector<Pop3Entry>& entries) = 0;
  virtual std::size_t batch() const = 0;
  virtual bool pipeline() const = 0;
  // A batch is durable in Incoming Mail; returns the message numbers to DELE now.
  virtual std::vector<int> committed(const MailboxConfig& m, const std::vector<Pop3Entry>& batch) = 0;
  // Whether the server copy stays until the delivery stage has judged the message: the
  // session then waits for the outcomes before QUIT (and a refused message is dropped
  // locally, to come again next cycle).
  virtual bool holds_server_copy() const = 0;
  // Before QUIT, with the outcome of each message fetched this session (complete when
  // holds_server_copy()); returns the message numbers to DELE.
  virtual std::vector<int> settle(const std::map<int, Outcome>& outcomes) = 0;

  // --- the delivery stage
  virtual SmtpStyle smtp_style() const = 0;
  // Whether a new SMTP session replaces one the server ended after it gave a verdict on
  // some messages (so the rest of the cycle's mail still goes this cycle).
  virtual bool reconnects_smtp() const = 0;
  // Whether a file whose message the message tracking log shows delivered already (a
  // copy put into PickUp by hand) is dropped instead of delivered a second time.
  virtual bool consults_message_tracking() const = 0;
  // A file in Incoming Mail that is not a .eml (an antivirus program renamed it).
  virtual void foreign_file(const DeliveryJob& job) = 0;
  virtual Outcome unreadable(DeliveryStage& stage, const DeliveryJob& job, const FsError& error) = 0;
  virtual Outcome corrupt(DeliveryStage& stage, const DeliveryJob& job, const std::string& why) = 0;
  // Refused for a reason both profiles do not handle alike (not 530, not a 5.7.1 RCPT).
  virtual Outcome rejected(DeliveryStage& stage, const Rejection& r) = 0;
};

std::unique_ptr<ProfilePolicy> make_sbs2003_policy(const Config& config, Services& services);
std::unique_ptr<ProfilePolicy> make_robust_policy(const Config& config, Services& services);
std::unique_ptr<ProfilePolicy> make_policy(const Config& config, Services& services);

}  // namespace maillab::connector
