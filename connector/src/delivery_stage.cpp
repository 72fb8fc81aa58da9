#include "maillab/connector/delivery_stage.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "maillab/connector/hr_result.hpp"
#include "maillab/connector/message_file.hpp"
#include "maillab/connector/ndr.hpp"

namespace maillab::connector {

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

DeliveryStage::DeliveryStage(const Config& config, Services& services)
    : config_(config), s_(services), folders_{config.root}, robust_(config.profile == Profile::Robust) {}

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

// A message that cannot go now. Under sbs2003 a message fetched in this session is
// simply dropped locally (it is still on the POP3 server and comes again next cycle,
// which is seed 004's refetch); anything else waits in Incoming Mail.
Outcome DeliveryStage::not_now(const DeliveryJob& job, const std::string& path) {
  if (!robust_ && job.on_server) {
    s_.fs.remove(path);
    return Outcome::Refused;
  }
  return Outcome::Deferred;
}

Outcome DeliveryStage::fail_to(const DeliveryJob& job, const std::string& path) {
  s_.fs.move(path, folders_.failed() + "/" + job.file);
  return Outcome::Failed;
}

Outcome DeliveryStage::deliver(const DeliveryJob& job) {
  const auto path = folders_.incoming() + "/" + job.file;
  if (!job.file.ends_with(".eml")) {
    // An antivirus program renamed it: the 2003 product ignored such files silently.
    if (robust_ && std::find(reported_.begin(), reported_.end(), job.file) == reported_.end()) {
      reported_.push_back(job.file);
      s_.events.report(EventId::UnreadableFile, {job.file, "not a .eml file"});
    }
    return Outcome::Deferred;
  }
  if (blocked_) return Outcome::Blocked;
  std::string text;
  try {
    text = s_.fs.read(path);
  } catch (const FsError& e) {
    ++errors_;
    if (robust_) {
      s_.events.report(EventId::UnreadableFile, {job.file, e.what()});
      return Outcome::Deferred;
    }
    // The 2003 stage stops at a file it cannot open as at a corrupt one: it stays in
    // Incoming Mail (seed 000, CDO step 4h) and so does everything behind it.
    s_.events.report(EventId::RetrieveFromQueueFailed);
    blocked_ = true;
    return Outcome::Blocked;
  }
  auto parsed = parse_envelope(text);
  std::optional<std::string> corrupt;
  if (!parsed) corrupt = "no envelope";
  else corrupt = find_corruption(std::string_view(text).substr(parsed->message_offset));
  if (corrupt) {
    ++errors_;
    s_.log.line(LogLevel::Medium, job.thread, fmt::format("Message file {} is corrupt: {}.", job.file, *corrupt));
    if (!robust_) {
      // The 2003 CDO stage stops at the first message it cannot read: the rest wait behind it.
      s_.events.report(EventId::RetrieveFromQueueFailed);
      blocked_ = true;
      return Outcome::Blocked;
    }
    s_.events.report(EventId::CorruptMessage, {job.file, *corrupt});
    return fail_to(job, path);
  }
  if (parsed->envelope.recipients.empty()) {
    ++errors_;
    s_.events.report(EventId::NoValidRecipient, {job.file});
    return fail_to(job, path);
  }
  if (config_.delivery.smtp) return smtp_deliver(job, path, text, *parsed);
  // PickUp: one rename, so the file is in Incoming Mail or in PickUp, never both.
  if (!s_.fs.is_dir(config_.delivery.pickup)) {
    ++errors_;
    if (std::find(reported_.begin(), reported_.end(), "pickup") == reported_.end()) {
      reported_.push_back("pickup");
      s_.events.report(EventId::SmtpUnreachable, {config_.delivery.pickup, "the pickup folder does not exist"});
    }
    return Outcome::Deferred;
  }
  s_.fs.move(path, config_.delivery.pickup + "/" + job.file);
  s_.log.line(LogLevel::Medium, job.thread, fmt::format("Moved message {} to the pickup folder.", job.file));
  return Outcome::Delivered;
}

void DeliveryStage::drop_smtp() {
  smtp_.reset();
  channel_.reset();
  smtp_down_ = true;
}

bool DeliveryStage::ensure_smtp() {
  if (smtp_) return true;
  if (smtp_down_) return false;
  const auto& to = *config_.delivery.smtp;
  try {
    ChannelOptions options;
    options.connect_timeout = config_.connect_timeout;
    options.io_timeout = config_.io_timeout;
    channel_ = s_.channels.connect(to, options);
    SmtpStyle style;
    style.pipelining = robust_;
    style.seed_syntax = !robust_;
    style.size_param = robust_;
    smtp_ = std::make_unique<SmtpClient>(*channel_, s_.log, 0, style);
    smtp_->open(config_.delivery.helo);
    if (!config_.delivery.auth_user.empty()) smtp_->authenticate(config_.delivery.auth_user, config_.delivery.auth_password);
    return true;
  } catch (const std::exception& e) {
    drop_smtp();
    ++errors_;
    s_.events.report(EventId::SmtpUnreachable, {to.str(), e.what()});
    return false;
  }
}

Outcome DeliveryStage::smtp_deliver(const DeliveryJob& job, const std::string& path, const std::string& text,
                                    const ParsedFile& parsed) {
  if (!ensure_smtp()) return not_now(job, path);
  const int id = job.number ? job.number : ++leftover_id_;
  std::string_view message = std::string_view(text).substr(parsed.message_offset);
  const auto& env = parsed.envelope;
  s_.log.line(LogLevel::Maximum, job.thread,
              fmt::format("Sending message {} to the SMTP recipient {}\u2026", id, fmt::join(env.recipients, ", ")));
  SmtpOutcome out;
  try {
    out = smtp_->send(env, has_8bit(message), message);
  } catch (const std::exception& e) {
    // The session broke mid-transaction: nothing is known to be delivered.
    drop_smtp();
    ++errors_;
    s_.events.report(EventId::SmtpUnreachable, {config_.delivery.smtp->str(), e.what()});
    return not_now(job, path);
  }
  if (out.delivered) {
    s_.fs.remove(path);
    return Outcome::Delivered;
  }
  ++errors_;
  const auto hr = hr_for_smtp(out.reply.code);
  s_.log.delivery_failure(job.thread, hr, id, out.command, out.reply, 0);
  try {
    smtp_->reset();
  } catch (const std::exception&) {
    drop_smtp();
  }
  const auto* mailbox = mailbox_of(job.file);
  const auto reply = out.reply.first_line();
  if (out.reply.code == 530) {
    // Anonymous access off. The 2003 product reported this as a POP3 transaction error.
    s_.events.report(EventId::Pop3TransactionError,
                     {mailbox ? mailbox->pop3.host : "?", mailbox ? mailbox->user : "?"});
    return not_now(job, path);
  }
  if (out.command == "SMTP_RCPT" && out.reply.enhanced == "5.7.1") {
    s_.events.report(EventId::RecipientPolicy, {fmt::format("{}", fmt::join(env.recipients, ", ")), reply});
    return not_now(job, path);
  }
  if (out.reply.transient() || !robust_) {
    if (robust_) s_.events.report(EventId::TransientRejection, {job.file, reply});
    return not_now(job, path);
  }
  // Robust, permanent: set it aside and tell the administrator; it is never fetched again.
  fail_to(job, path);
  s_.events.report(EventId::PermanentRejection, {job.file, reply, send_ndr(job, env, out.reply, message)});
  return Outcome::Failed;
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
