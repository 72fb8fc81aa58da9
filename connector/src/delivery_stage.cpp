#include "delivery_stage.hpp"

#include "maillab/base/ascii.hpp"
#include "maillab/base/message_text.hpp"
#include "maillab/connector/components.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <utility>

#include "maillab/connector/hr_result.hpp"
#include "maillab/connector/ndr.hpp"
#include "profile_policy.hpp"
#include "tracking_log.hpp"

namespace maillab::connector {

namespace {

// The dot names no cycle queues. A hand-over to PickUp across file systems
// (hand_over_across) has two: the file in Incoming Mail renamed once the copy is durable,
// which records the hand-over, and the copy in PickUp under a name the pickup service
// does not take (it takes *.eml). A delivery whose unlink failed is recorded by the third
// (record_delivered).
std::string handed_name(const std::string& file) { return "." + file + ".handed"; }
std::string copy_name(const std::string& file) { return "." + file + ".handover"; }
constexpr std::string_view kHanded = ".handed", kCopy = ".handover", kDelivered = ".delivered";

// "X" from ".X<suffix>"; empty when `name` is not one.
std::string inner_name(const std::string& name, std::string_view suffix) {
  if (!name.starts_with('.') || !name.ends_with(suffix) || name.size() <= suffix.size() + 1) return {};
  return name.substr(1, name.size() - 1 - suffix.size());
}

}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Delivered: return "delivered";
    case Outcome::Failed: return "failed";
    case Outcome::Refused: return "refused";
    case Outcome::Deferred: return "deferred";
    case Outcome::Blocked: return "blocked";
  }
  return "?";
}

DeliveryStage::DeliveryStage(const Config& config, Services& services, ProfilePolicy& policy)
    : config_(config), s_(services), policy_(policy), folders_{config.root} {
  if (!config.delivery.message_tracking.empty() && policy.consults_message_tracking())
    tracking_ = std::make_unique<TrackingLog>(s_.fs, config.delivery.message_tracking);
  tidy_incoming();
}

// What a kill or a file-system error left among the dot names of Incoming Mail (which no
// cycle queues): a delivery recorded by a rename (record_delivered) is dropped; a recorded
// hand-over to PickUp (hand_over_across) is completed, never repeated; a copy in PickUp
// without a record was never handed over (its message is still in Incoming Mail or on the
// server) and is dropped, as are temporaries a kill left half written (their messages are
// still on the server). Runs before this cycle's downloads start.
void DeliveryStage::tidy_incoming() {
  const auto& pickup = config_.delivery.pickup;
  try {
    for (const auto& name : s_.fs.list(folders_.incoming())) {
      const auto path = folders_.incoming() + "/" + name;
      if (auto file = inner_name(name, kHanded); !file.empty()) {
        if (pickup.empty()) continue;  // delivery is over SMTP now: left for a cycle into PickUp
        if (s_.fs.exists(pickup + "/" + copy_name(file))) s_.fs.move(pickup + "/" + copy_name(file), pickup + "/" + file);
        s_.fs.remove(path);
      } else if (!inner_name(name, kDelivered).empty() || (name.starts_with('.') && name.ends_with(".tmp"))) {
        s_.fs.remove(path);  // a recorded delivery; a message file a kill left half written
      }
    }
    if (pickup.empty() || !s_.fs.is_dir(pickup)) return;
    const std::string copy_temporary = std::string(kCopy) + ".tmp";
    for (const auto& name : s_.fs.list(pickup)) {
      auto file = inner_name(name, kCopy);
      if ((!file.empty() && !s_.fs.exists(folders_.incoming() + "/" + handed_name(file))) ||
          (name.starts_with("..") && name.ends_with(copy_temporary)))
        s_.fs.remove(pickup + "/" + name);
    }
  } catch (const FsError& e) {
    // Left as it is for the next cycle; nothing goes twice meanwhile (dot names are not queued).
    ++errors_;
    s_.events.report(EventId::UnreadableFile, {folders_.incoming(), e.what()});
  }
}

// The delivery is recorded by removing the file; when the file system refuses that, by
// renaming it to a dot name (tidy_incoming removes it). Only when both fail is the message
// sent again next cycle. Never throws: it runs inside the SMTP client's read of the 250.
std::exception_ptr DeliveryStage::record_delivered(const DeliveryJob& job) noexcept {
  try {
    s_.fs.remove(path_of(job));
    return nullptr;
  } catch (const FsError&) {
  }
  try {
    s_.fs.move(path_of(job), folders_.incoming() + "/." + job.file + std::string(kDelivered));
    return nullptr;
  } catch (const std::exception&) {
    return std::current_exception();
  }
}

DeliveryStage::~DeliveryStage() {
  try {
    finish();
  } catch (...) {
  }
}

void DeliveryStage::finish() {
  if (smtp_) {
    try {
      smtp_->quit();
    } catch (const std::exception&) {
    }
    smtp_.reset();
  }
  if (channel_) channel_->close();
  channel_.reset();
}

const MailboxConfig* DeliveryStage::mailbox_of(const std::string& file) const {
  auto parts = parse_message_file_name(file);
  if (!parts) return nullptr;
  for (const auto& m : config_.mailboxes)
    if (mailbox_key(m.name) == parts->mailbox_key) return &m;
  return nullptr;
}

Outcome DeliveryStage::block() {
  blocked_ = true;
  return Outcome::Blocked;
}

Outcome DeliveryStage::not_now(const DeliveryJob& job) {
  if (!job.on_server) return Outcome::Deferred;
  s_.fs.remove(path_of(job));
  return Outcome::Refused;
}

Outcome DeliveryStage::fail_to_failed_mail(const DeliveryJob& job) {
  s_.fs.move(path_of(job), folders_.failed() + "/" + job.file);
  return Outcome::Failed;
}

const std::optional<std::string>& DeliveryStage::components_problem() {
  if (!components_) {
    try {
      components_ = load_components(s_.fs, folders_);
    } catch (const FsError& e) {
      components_ = std::optional<std::string>("the MIME components cannot be set up (" + std::string(e.what()) + ")");
    }
  }
  return *components_;
}

// The file's text; nullopt with `outcome` set when the policy settled an unreadable file.
std::optional<std::string> DeliveryStage::read(const DeliveryJob& job, Outcome& outcome) {
  try {
    return s_.fs.read(path_of(job));
  } catch (const FsError& e) {
    ++errors_;
    outcome = policy_.unreadable(*this, job, e);
    return std::nullopt;
  }
}

Outcome DeliveryStage::deliver(const DeliveryJob& job) {
  if (!job.file.ends_with(".eml")) {
    policy_.foreign_file(job);
    return Outcome::Deferred;
  }
  if (blocked_) return Outcome::Blocked;
  if (const auto& problem = components_problem()) {
    ++errors_;
    return policy_.unreadable(*this, job, FsError("cannot open " + job.file + ": " + *problem, EIO));
  }
  Outcome outcome = Outcome::Deferred;
  auto text = read(job, outcome);
  if (!text) return outcome;
  auto parsed = parse_envelope(*text);
  auto corrupt = parsed ? find_corruption(std::string_view(*text).substr(parsed->message_offset))
                        : std::optional<std::string>("no envelope");
  if (corrupt) {
    ++errors_;
    s_.log.line(LogLevel::Medium, job.thread, fmt::format("Message file {} is corrupt: {}.", job.file, *corrupt));
    return policy_.corrupt(*this, job, *corrupt);
  }
  if (parsed->envelope.recipients.empty()) {
    ++errors_;
    s_.events.report(EventId::NoValidRecipient, {job.file});
    return fail_to_failed_mail(job);
  }
  if (drop_if_delivered(job, *text, *parsed)) return Outcome::Delivered;
  if (config_.delivery.smtp) return smtp_deliver(job, *text, *parsed);
  return to_pickup(job, *text);
}

bool DeliveryStage::drop_if_delivered(const DeliveryJob& job, std::string_view text, const ParsedFile& parsed) {
  if (!tracking_) return false;
  auto id = header_value(text.substr(parsed.message_offset), "Message-ID");
  const auto& to = parsed.envelope.recipients;
  if (id.empty() || !std::all_of(to.begin(), to.end(), [&](auto& r) { return tracking_->delivered(id, ascii::lower(r)); }))
    return false;
  s_.fs.remove(path_of(job));
  std::string who;
  for (const auto& r : to) who += (who.empty() ? "" : ", ") + r;
  s_.events.report(EventId::AlreadyDelivered, {job.file, who, "Message-ID " + id});
  s_.log.line(LogLevel::Medium, job.thread, fmt::format("Message {} was delivered already (message tracking); removed.", job.file));
  return true;
}

// One rename, so the file is in Incoming Mail or in PickUp, never both; across file
// systems, hand_over_across.
Outcome DeliveryStage::to_pickup(const DeliveryJob& job, const std::string& text) {
  if (!s_.fs.is_dir(config_.delivery.pickup)) {
    ++errors_;
    if (!std::exchange(pickup_reported_, true))
      s_.events.report(EventId::SmtpUnreachable, {config_.delivery.pickup, "the pickup folder does not exist"});
    return Outcome::Deferred;
  }
  try {
    s_.fs.move(path_of(job), config_.delivery.pickup + "/" + job.file);
  } catch (const FsError& e) {
    if (e.error() != EXDEV) throw;
    hand_over_across(job, text);
  }
  s_.log.line(LogLevel::Medium, job.thread, fmt::format("Moved message {} to the pickup folder.", job.file));
  return Outcome::Delivered;
}

// PickUp on another file system: a durable copy under a name the pickup service ignores,
// then the record (the source renamed to a dot name, which no cycle queues), then the
// copy renamed into PickUp, then the record removed. A kill before the record leaves the
// message undelivered (the copy is written again); after it, tidy_incoming completes
// the rename or finds it done. Both profiles: the 2003 product's MoveFile across volumes
// was copy and delete, and a kill between them doubled mail; no scenario depends on that.
void DeliveryStage::hand_over_across(const DeliveryJob& job, const std::string& text) {
  const auto& pickup = config_.delivery.pickup;
  std::vector<std::unique_ptr<PendingFile>> copy;
  copy.push_back(s_.fs.create(pickup + "/" + copy_name(job.file)));
  copy.back()->write(text);
  s_.fs.commit(copy);
  const auto handed = folders_.incoming() + "/" + handed_name(job.file);
  s_.fs.move(path_of(job), handed);
  s_.fs.move(pickup + "/" + copy_name(job.file), pickup + "/" + job.file);
  s_.fs.remove(handed);
}

// A session that gave a verdict on at least one message may be replaced when the policy
// says so (the server ended it, e.g. after too many refusals, and still takes mail); one
// that gave none means the server is not taking mail now: nothing more is tried this cycle.
void DeliveryStage::drop_smtp() {
  smtp_.reset();
  channel_.reset();
  smtp_down_ = !(answered_ > 0 && policy_.reconnects_smtp());
  answered_ = 0;
}

// Event 1055 once per cycle, however many sessions the server ended.
void DeliveryStage::report_unreachable(const std::string& what) {
  if (!std::exchange(unreachable_reported_, true))
    s_.events.report(EventId::SmtpUnreachable, {config_.delivery.smtp->str(), what});
}

// The message's transaction, on a new session once more when the server ended the last
// one before any of the message's text went out (so it cannot have been accepted, and
// sending it again cannot double it). Nothing when the SMTP side is gone for this cycle.
std::optional<SmtpOutcome> DeliveryStage::transact(const Envelope& env, std::string_view message,
                                                   const std::function<void()>& accepted) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ensure_smtp()) return std::nullopt;
    try {
      return smtp_->send(env, has_8bit(message), message, accepted);
    } catch (const std::exception& e) {
      const bool untouched = !smtp_->sent_body();
      drop_smtp();
      ++errors_;
      report_unreachable(e.what());
      if (!untouched) return std::nullopt;
    }
  }
  return std::nullopt;
}

bool DeliveryStage::ensure_smtp() {
  if (smtp_) return true;
  if (smtp_down_) return false;
  const auto& to = *config_.delivery.smtp;
  try {
    ChannelOptions options;
    options.connect_timeout = config_.connect_timeout;
    options.io_timeout = config_.io_timeout;
    options.tls = policy_.tls(smtp_tls(config_));
    channel_ = s_.channels.connect(to, options);
    smtp_ = std::make_unique<SmtpClient>(*channel_, s_.log, 0, policy_.smtp_style());
    smtp_->open(config_.delivery.helo);
    if (options.tls.mode == TlsMode::Upgrade) smtp_->start_tls(config_.delivery.helo);
    if (!config_.delivery.auth_user.empty()) smtp_->authenticate(config_.delivery.auth_user, config_.delivery.auth_password);
    return true;
  } catch (const TlsError& e) {
    // Given up, never continued in plain text: the files wait in Incoming Mail.
    drop_smtp();
    smtp_down_ = true;
    ++errors_;
    if (!std::exchange(unreachable_reported_, true)) s_.events.report(EventId::SmtpTlsFailed, {to.str(), e.what()});
    return false;
  } catch (const std::exception& e) {
    drop_smtp();
    ++errors_;
    report_unreachable(e.what());
    return false;
  }
}

Outcome DeliveryStage::smtp_deliver(const DeliveryJob& job, const std::string& text, const ParsedFile& parsed) {
  if (!ensure_smtp()) return not_now(job);
  const int id = job.number ? job.number : ++leftover_id_;
  std::string_view message = std::string_view(text).substr(parsed.message_offset);
  const auto& env = parsed.envelope;
  s_.log.line(LogLevel::Maximum, job.thread,
              fmt::format("Sending message {} to the SMTP recipient {}\u2026", id, fmt::join(env.recipients, ", ")));
  // The file goes the moment the 250 to the final dot is read (RFC 1047's window).
  std::exception_ptr unremoved;
  auto sent = transact(env, message, [&] { unremoved = record_delivered(job); });
  // The session broke mid-transaction: nothing is known to be delivered.
  if (!sent) return not_now(job);
  const auto& out = *sent;
  ++answered_;
  if (out.delivered) {
    if (unremoved) std::rethrow_exception(unremoved);
    return Outcome::Delivered;
  }
  ++errors_;
  s_.log.delivery_failure(job.thread, hr_for_smtp(out.reply.code), id, out.command, out.reply, 0);
  try {
    smtp_->reset();
  } catch (const std::exception&) {
    drop_smtp();
  }
  return judge_refusal(job, out, env, message);
}

// The refusals both profiles report alike; the rest is the policy's.
Outcome DeliveryStage::judge_refusal(const DeliveryJob& job, const SmtpOutcome& out, const Envelope& env,
                                     std::string_view message) {
  if (out.reply.code == 530) {
    // Anonymous access off. The 2003 product reported this as a POP3 transaction error.
    const auto* mailbox = mailbox_of(job.file);
    s_.events.report(EventId::Pop3TransactionError,
                     {mailbox ? mailbox->pop3.host : "?", mailbox ? mailbox->user : "?"});
    return not_now(job);
  }
  if (out.command == "SMTP_RCPT" && out.reply.enhanced == "5.7.1") {
    s_.events.report(EventId::RecipientPolicy, {fmt::format("{}", fmt::join(env.recipients, ", ")),
                                                out.reply.first_line()});
    return not_now(job);
  }
  return policy_.rejected(*this, Rejection{job, env, out.reply, message});
}

std::string DeliveryStage::send_ndr(const DeliveryJob& job, const Envelope& envelope, const SmtpReply& reply,
                                    std::string_view message) {
  if (config_.admin_mailbox.empty()) return "no one (no administrator mailbox)";
  const std::string failed = "no one (the NDR to " + config_.admin_mailbox + " ";
  if (!ensure_smtp()) return failed + "could not be sent: the SMTP server is unreachable)";
  NdrInput in;
  in.reporting_host = config_.delivery.helo;
  in.admin = config_.admin_mailbox;
  in.original_recipient = envelope.recipients.empty() ? "" : envelope.recipients.front();
  in.reply = reply.first_line();
  in.status = reply.enhanced;
  in.file_name = job.file;
  in.original = message;
  auto ndr = make_ndr(in, s_.clock.now());
  try {
    auto out = smtp_->send(Envelope{"", {config_.admin_mailbox}}, false, ndr);
    if (out.delivered) return config_.admin_mailbox;
    smtp_->reset();
    return failed + "was refused: " + out.reply.first_line() + ")";
  } catch (const std::exception& e) {
    drop_smtp();
    return failed + "could not be sent: " + e.what() + ")";
  }
}

}  // namespace maillab::connector
