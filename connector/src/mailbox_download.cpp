#include "mailbox_download.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>

#include "maillab/connector/message_file.hpp"

namespace maillab::connector {

// The delivery stage's verdict on each message of this session, by message number. Shared
// with the callbacks in the queue.
class OutcomeTracker {
 public:
  static OutcomeCallback expect(const std::shared_ptr<OutcomeTracker>& tracker, int number) {
    std::lock_guard lock(tracker->mutex_);
    ++tracker->expected_;
    return [tracker, number](Outcome o) { tracker->record(number, o); };
  }
  // Waits until every expected verdict is in.
  std::map<int, Outcome> wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return outcomes_.size() >= expected_; });
    return outcomes_;
  }

 private:
  void record(int number, Outcome o) {
    std::lock_guard lock(mutex_);
    outcomes_[number] = o;
    cv_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<int, Outcome> outcomes_;
  std::size_t expected_ = 0;
};

MailboxDownload::MailboxDownload(const Config& config, Services& services, CycleContext& cycle, std::size_t index)
    : config_(config),
      s_(services),
      cycle_(cycle),
      m_(config.mailboxes[index]),
      thread_(static_cast<int>(index)),
      writer_(config, m_, services.fs, mailbox_key(m_.name), Folders{config.root}),
      outcomes_(std::make_shared<OutcomeTracker>()) {}

MailboxDownload::~MailboxDownload() = default;

void MailboxDownload::problem(EventId id, const std::string& detail, const std::string& text) {
  s_.events.report(id, {m_.pop3.str(), m_.user, detail});
  s_.log.line(LogLevel::Minimum, thread_, text);
  cycle_.add([&](CycleReport& r) {
    r.errors++;
    r.problems.push_back(m_.name + ": " + text);
  });
}

std::unique_ptr<Channel> MailboxDownload::connect() {
  ChannelOptions options;
  options.connect_timeout = config_.connect_timeout;
  options.io_timeout = config_.io_timeout;
  options.deadline = Deadline::after(DeadlineKind::Session, session_deadline(config_));
  options.tls = cycle_.policy.tls(pop3_tls(config_, m_));
  s_.log.line(LogLevel::Medium, thread_, fmt::format("Connecting to {} for user {}.", m_.pop3.str(), m_.user));
  return s_.channels.connect(m_.pop3, options);
}

void MailboxDownload::run() {
  std::unique_ptr<Channel> channel;
  tls_upgrade_ = cycle_.policy.tls(pop3_tls(config_, m_)).mode == TlsMode::Upgrade;
  try {
    channel = connect();
  } catch (const ChannelError& e) {
    channel_problem(e, EventId::ConnectFailed);
    return;
  }
  try {
    Pop3Client pop3(*channel, s_.log, thread_);
    pop3.greet();
    pop3.capabilities();
    if (tls_upgrade_) pop3.start_tls();
    pop3.login(m_.user, m_.password, m_.auth);
    auto entries = pop3.listing();
    fetch(pop3, plan(entries), entries.size());
    settle(pop3);
    pop3.quit();
  } catch (const Pop3Error& e) {
    salvage();
    switch (e.kind()) {
      case Pop3Error::Kind::Greeting: problem(EventId::BadGreeting, e.reply(), "greeting: " + e.reply()); break;
      case Pop3Error::Kind::Logon: problem(EventId::LogonFailure, e.reply(), "logon: " + e.reply()); break;
      case Pop3Error::Kind::Protocol: problem(EventId::Pop3ProtocolError, e.reply(), e.reply()); break;
    }
  } catch (const ChannelError& e) {
    salvage();
    channel_problem(e, EventId::Pop3ProtocolError);
  } catch (const std::exception& e) {
    salvage();
    problem(EventId::Pop3ProtocolError, e.what(), e.what());
  }
  channel->close();
}

// A passed deadline and a failed TLS have their own events; the session is closed by the
// caller. Nothing more is said on a connection whose TLS failed.
void MailboxDownload::channel_problem(const ChannelError& e, EventId otherwise) {
  if (e.kind() == ChannelError::Kind::Deadline) problem(EventId::DeadlinePassed, e.what(), e.what());
  else if (e.kind() == ChannelError::Kind::Tls) problem(EventId::Pop3TlsFailed, e.what(), std::string("TLS: ") + e.what());
  else problem(otherwise, e.what(), e.what());
}

// The policy's plan, less what is over the size limit (left on the server, with an event).
DownloadPlan MailboxDownload::plan(const std::vector<Pop3Entry>& entries) {
  auto plan = cycle_.policy.plan(m_, entries);
  if (config_.max_message_size) {
    std::erase_if(plan.fetch, [&](const Pop3Entry& e) {
      if (e.size <= config_.max_message_size) return false;
      s_.events.report(EventId::MessageTooLarge, {std::to_string(e.number), m_.pop3.str(), m_.user});
      return true;
    });
  }
  s_.log.line(LogLevel::Medium, thread_,
              fmt::format("{} messages on the server, {} to download.", entries.size(), plan.fetch.size()));
  return plan;
}

void MailboxDownload::fetch(Pop3Client& pop3, const DownloadPlan& plan, std::size_t total) {
  auto& policy = cycle_.policy;
  if (!plan.leftovers.empty()) pop3.dele(plan.leftovers, policy.pipeline());
  const std::size_t batch = std::max<std::size_t>(1, policy.batch());
  for (std::size_t i = 0; i < plan.fetch.size(); i += batch) {
    auto first = plan.fetch.begin() + static_cast<std::ptrdiff_t>(i);
    auto last = plan.fetch.begin() + static_cast<std::ptrdiff_t>(std::min(plan.fetch.size(), i + batch));
    pop3.retrieve(std::vector<Pop3Entry>(first, last), total, writer_, policy.pipeline());
    auto numbers = hand_over();
    if (!numbers.empty()) pop3.dele(numbers, policy.pipeline());
  }
}

std::vector<int> MailboxDownload::hand_over() {
  // Taken out first: when the flush or the journal fails, nothing half-committed stays
  // behind for the error path's second hand-over.
  auto done = writer_.take_done();
  if (done.empty()) return {};
  std::vector<std::unique_ptr<PendingFile>> files;
  std::vector<Pop3Entry> batch;
  for (auto& d : done) {
    files.push_back(std::move(d.file));
    batch.push_back(d.entry);
  }
  s_.fs.commit(files);
  auto numbers = cycle_.policy.committed(m_, batch);
  cycle_.add([&](CycleReport& r) { r.downloaded += done.size(); });
  const bool held = cycle_.policy.holds_server_copy();
  for (auto& d : done) {
    auto callback = held ? OutcomeTracker::expect(outcomes_, d.entry.number) : OutcomeCallback{};
    cycle_.queue.push(DeliveryJob{d.name, thread_, d.entry.number, held}, std::move(callback));
  }
  return numbers;
}

void MailboxDownload::settle(Pop3Client& pop3) {
  auto& policy = cycle_.policy;
  auto numbers = policy.settle(policy.holds_server_copy() ? outcomes_->wait() : std::map<int, Outcome>{});
  if (!numbers.empty()) pop3.dele(numbers, policy.pipeline());
}

void MailboxDownload::salvage() {
  writer_.abandon_current();
  try {
    hand_over();
  } catch (const std::exception&) {
  }
  // The stage's verdicts on this session's messages come before the session's own event,
  // so the event log reads the same on every run.
  if (cycle_.policy.holds_server_copy()) outcomes_->wait();
}

}  // namespace maillab::connector
