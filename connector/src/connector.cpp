#include "maillab/connector/connector.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "maillab/connector/delivery_stage.hpp"
#include "maillab/connector/message_file.hpp"
#include "maillab/connector/pop3_client.hpp"

namespace maillab::connector {
namespace {

// Hands jobs from the download threads to the delivery thread.
class JobQueue {
 public:
  void push(DeliveryJob job, std::function<void(Outcome)> done) {
    std::lock_guard lock(mutex_);
    jobs_.emplace_back(std::move(job), std::move(done));
    cv_.notify_one();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
  }
  bool pop(DeliveryJob& job, std::function<void(Outcome)>& done) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
    if (jobs_.empty()) return false;
    job = std::move(jobs_.front().first);
    done = std::move(jobs_.front().second);
    jobs_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::pair<DeliveryJob, std::function<void(Outcome)>>> jobs_;
  bool closed_ = false;
};

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

// The envelope recipients of a downloaded message.
std::vector<std::string> recipients_for(const Config& c, const MailboxConfig& m, std::string_view header) {
  std::vector<std::string> out;
  if (!m.global) {
    out.push_back(m.deliver_to);
  } else {
    for (const auto& a : header_recipients(header)) {
      auto it = m.routing.find(a);
      auto target = it != m.routing.end() ? it->second : c.admin_mailbox;
      if (std::find(out.begin(), out.end(), target) == out.end()) out.push_back(target);
    }
  }
  if (c.delivery.event_sink_addresses)
    for (auto& a : out) {
      auto at = a.rfind('@');
      if (at != std::string::npos) a = a.substr(0, at) + "@mspop3connector." + domain_of(a);
    }
  return out;
}

// Streams RETR replies into pending files in Incoming Mail, each prefixed by its envelope.
class IncomingWriter final : public Pop3MessageSink {
 public:
  IncomingWriter(const Config& c, const MailboxConfig& m, FileSystem& fs, const std::string& key, const Folders& f)
      : c_(c), m_(m), fs_(fs), key_(key), folders_(f) {}

  void begin(const Pop3Entry& e) override {
    current_ = fs_.create(folders_.incoming() + "/" + (name_ = message_file_name(key_, e.uid, e.number)));
    header_.clear();
    in_header_ = true;
  }
  void line(std::string_view bytes) override {
    if (!in_header_) {
      current_->write(bytes);
      return;
    }
    header_ += bytes;
    // The envelope needs the To/Cc fields; the header is held until its end (bounded).
    if (bytes == "\r\n" || bytes == "\n" || header_.size() > 256 * 1024) flush_header();
  }
  void end(const Pop3Entry& e) override {
    if (in_header_) flush_header();
    done_.push_back({e, name_, std::move(current_)});
  }
  void refused(const Pop3Entry&, const Pop3Status&) override {}

  struct Done {
    Pop3Entry entry;
    std::string name;
    std::unique_ptr<PendingFile> file;
  };
  std::vector<Done>& done() { return done_; }
  void abandon_current() {
    if (current_) fs_.abandon(std::move(current_));
  }

 private:
  void flush_header() {
    in_header_ = false;
    current_->write(envelope_header(Envelope{"", recipients_for(c_, m_, header_)}));
    current_->write(header_);
    header_.clear();
  }

  const Config& c_;
  const MailboxConfig& m_;
  FileSystem& fs_;
  std::string key_;
  Folders folders_;
  std::unique_ptr<PendingFile> current_;
  std::string name_, header_;
  bool in_header_ = true;
  std::vector<Done> done_;
};

}  // namespace

struct Connector::Shared {
  // robust: the UIDLs the message files in Incoming Mail carried when the cycle began, by
  // mailbox key (all journaled by then). Written before the threads start, then read-only.
  std::map<std::string, std::set<std::string>> held_at_start;
  JobQueue queue;
  std::mutex mutex;
  CycleReport report;
  void add(const std::function<void(CycleReport&)>& f) {
    std::lock_guard lock(mutex);
    f(report);
  }
};

Connector::Connector(Config config, Services services) : config_(std::move(config)), s_(services) {}

bool Connector::prepare_folders(CycleReport& report) {
  auto f = folders();
  if (!s_.fs.is_dir(config_.root)) s_.fs.make_dir(config_.root);
  // A root without any of the connector's folders is a new installation, set up quietly;
  // a folder missing from a root that has the others is KB 885685's CDO step 1.
  bool fresh = !s_.fs.is_dir(f.incoming()) && !s_.fs.is_dir(f.failed()) && !s_.fs.is_dir(f.state()) &&
               !s_.fs.exists(f.events_file());
  for (const auto& dir : {f.incoming(), f.failed()}) {
    if (s_.fs.is_dir(dir)) continue;
    if (fresh) {
      s_.fs.make_dir(dir);
      continue;
    }
    if (config_.profile == Profile::Sbs2003) {
      // KB 885685, CDO step 1: a missing folder fails the delivery with 1046 and 1048.
      s_.events.report(EventId::RetrieveFromQueueFailed);
      s_.events.report(EventId::DeliveryCompletedWithErrors);
      report.errors++;
      report.problems.push_back("missing folder " + dir);
      return false;
    }
    s_.fs.make_dir(dir);
    s_.events.report(EventId::FolderRecreated, {dir});
  }
  if (config_.profile == Profile::Robust && !s_.fs.is_dir(f.state())) s_.fs.make_dir(f.state());
  return true;
}

CycleReport Connector::run_cycle() {
  Shared shared;
  if (!prepare_folders(shared.report)) return shared.report;
  s_.log.line(LogLevel::Minimum, 0, "Retrieval cycle started.");

  if (config_.profile == Profile::Robust) {
    try {
      journal_held(shared.held_at_start);
    } catch (const FsError& e) {
      shared.report.errors++;
      shared.report.problems.push_back(std::string("journal: ") + e.what());
    }
  }

  DeliveryStage stage(config_, s_);
  std::size_t delivery_errors = 0;
  std::thread deliverer([&] {
    DeliveryJob job;
    std::function<void(Outcome)> done;
    while (shared.queue.pop(job, done)) {
      Outcome o;
      try {
        o = stage.deliver(job);
      } catch (const std::exception& e) {
        // A file-system error while handing on: the file stays where it is.
        s_.events.report(EventId::UnreadableFile, {job.file, e.what()});
        o = Outcome::Deferred;
        ++delivery_errors;
      }
      shared.add([&](CycleReport& r) {
        if (o == Outcome::Delivered) r.delivered++;
        if (o == Outcome::Failed) r.failed++;
        if (o == Outcome::Refused) r.refused++;
      });
      if (done) done(o);
    }
    stage.finish();
  });

  // What waits in Incoming Mail from earlier cycles goes first, in name (arrival) order.
  try {
    for (auto& name : s_.fs.list(folders().incoming())) {
      if (name.starts_with(".")) continue;  // a temporary a crash left behind
      shared.queue.push(DeliveryJob{name, 0, 0, false}, nullptr);
    }
  } catch (const FsError&) {
  }

  std::vector<std::thread> downloads;
  for (std::size_t i = 0; i < config_.mailboxes.size(); ++i)
    downloads.emplace_back([this, i, &shared] { download(i, shared); });
  for (auto& t : downloads) t.join();
  shared.queue.close();
  deliverer.join();

  auto& r = shared.report;
  r.errors += stage.errors() + delivery_errors;
  try {
    for (auto& name : s_.fs.list(folders().incoming()))
      if (!name.starts_with(".")) r.left++;
  } catch (const FsError&) {
  }
  if (stage.errors() > 0) s_.events.report(EventId::DeliveryCompletedWithErrors);
  s_.events.report(EventId::CycleCompleted, {std::to_string(r.downloaded), std::to_string(r.delivered),
                                             std::to_string(r.failed), std::to_string(r.left)});
  s_.log.line(LogLevel::Minimum, 0,
              fmt::format("Retrieval cycle completed: {} downloaded, {} delivered, {} failed, {} left.", r.downloaded,
                          r.delivered, r.failed, r.left));
  return r;
}

namespace {

// The UIDLs of a journal; a torn last line (a crash mid-append) is not trusted.
std::set<std::string> read_journal(FileSystem& fs, const std::string& path, bool* torn = nullptr) {
  std::set<std::string> out;
  if (!fs.exists(path)) return out;
  auto text = fs.read(path);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    if (nl > pos) out.insert(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (torn) *torn = !text.empty() && text.back() != '\n';
  return out;
}

}  // namespace

// A crash between renaming a batch into Incoming Mail and journaling it leaves files whose
// UIDLs only their names record. The delivery stage may hand such a file on before a
// download lists the folder (and a crash may come before that download DELEs the server
// copy), so the names are journaled, durably, before the delivery stage starts; without
// it the message would be fetched again and delivered twice.
void Connector::journal_held(std::map<std::string, std::set<std::string>>& held) {
  for (auto& name : s_.fs.list(folders().incoming()))
    if (auto p = parse_message_file_name(name); p && p->uid) held[p->mailbox_key].insert(*p->uid);
  for (auto& [key, uids] : held) {
    auto path = folders().journal(key);
    bool torn = false;
    auto journal = read_journal(s_.fs, path, &torn);
    std::string missing;
    for (auto& u : uids)
      if (!journal.count(u)) missing += u + "\n";
    if (missing.empty()) continue;
    // After a torn append the new lines must not glue onto the fragment.
    s_.fs.append(path, (torn ? "\n" : "") + missing);
  }
}

void Connector::download(std::size_t index, Shared& shared) {
  const auto& m = config_.mailboxes[index];
  const int t = static_cast<int>(index);
  const bool robust = config_.profile == Profile::Robust;
  const auto key = mailbox_key(m.name);
  const auto f = folders();
  auto problem = [&](EventId id, std::vector<std::string> args, const std::string& text) {
    s_.events.report(id, args);
    s_.log.line(LogLevel::Minimum, t, text);
    shared.add([&](CycleReport& r) {
      r.errors++;
      r.problems.push_back(m.name + ": " + text);
    });
  };

  std::unique_ptr<Channel> channel;
  try {
    ChannelOptions options;
    options.connect_timeout = config_.connect_timeout;
    options.io_timeout = config_.io_timeout;
    s_.log.line(LogLevel::Medium, t, fmt::format("Connecting to {} for user {}.", m.pop3.str(), m.user));
    channel = s_.channels.connect(m.pop3, options);
  } catch (const ChannelError& e) {
    problem(EventId::ConnectFailed, {m.pop3.str(), m.user, e.what()}, e.what());
    return;
  }

  Pop3Client pop3(*channel, s_.log, t);
  IncomingWriter writer(config_, m, s_.fs, key, f);
  // sbs2003: the outcome of each message fetched in this session, by number.
  std::mutex outcome_mutex;
  std::condition_variable outcome_cv;
  std::map<int, Outcome> outcomes;
  std::size_t expected = 0;

  // Makes the finished downloads durable and hands them to the delivery stage.
  auto commit = [&] {
    // Taken out first: when the flush or the journal fails, nothing half-committed stays
    // behind for the error path's second commit().
    auto done = std::move(writer.done());
    writer.done().clear();
    if (done.empty()) return std::vector<int>{};
    std::vector<std::unique_ptr<PendingFile>> files;
    for (auto& d : done) files.push_back(std::move(d.file));
    s_.fs.commit(files);
    std::vector<int> numbers;
    std::string journal;
    for (auto& d : done) {
      numbers.push_back(d.entry.number);
      if (!d.entry.uid.empty()) journal += d.entry.uid + "\n";
    }
    if (robust && !journal.empty()) s_.fs.append(f.journal(key), journal);
    shared.add([&](CycleReport& r) { r.downloaded += done.size(); });
    for (auto& d : done) {
      std::function<void(Outcome)> cb;
      if (!robust) {
        std::lock_guard lock(outcome_mutex);
        ++expected;
        cb = [&, n = d.entry.number](Outcome o) {
          std::lock_guard l(outcome_mutex);
          outcomes[n] = o;
          outcome_cv.notify_all();
        };
      }
      shared.queue.push(DeliveryJob{d.name, t, d.entry.number, !robust}, std::move(cb));
    }
    return numbers;
  };
  // sbs2003: waits until the delivery stage has judged every message of this session.
  auto wait_outcomes = [&] {
    std::unique_lock lock(outcome_mutex);
    outcome_cv.wait(lock, [&] { return outcomes.size() >= expected; });
  };

  try {
    pop3.greet();
    pop3.capabilities();
    pop3.login(m.user, m.password, m.auth);
    auto entries = pop3.listing();

    std::set<std::string> known;
    std::vector<int> leftovers;
    if (robust) {
      // The UIDLs this connector already holds: its journal and its folders.
      known = read_journal(s_.fs, f.journal(key));
      std::set<std::string> journal_known = known;
      auto held = shared.held_at_start.find(key);
      for (const auto& dir : {f.incoming(), f.failed()})
        for (auto& name : s_.fs.list(dir))
          if (auto p = parse_message_file_name(name); p && p->mailbox_key == key && p->uid) known.insert(*p->uid);
      std::set<std::string> present;
      for (auto& e : entries) present.insert(e.uid);
      // Forget what the server no longer has, so the journal stays as small as the drop.
      // Not flushed: after a crash the older, longer journal only names UIDLs the server
      // no longer has, which is harmless.
      std::string kept;
      bool pruned = false;
      for (auto& u : journal_known) {
        // Kept while the server or Incoming Mail still has it, so journal_held() does not
        // append the same lines again next cycle.
        if (present.count(u) || (held != shared.held_at_start.end() && held->second.count(u))) kept += u + "\n";
        else pruned = true;
      }
      if (pruned) s_.fs.replace(f.journal(key), kept, false);
      for (auto& e : entries)
        if (!e.uid.empty() && known.count(e.uid)) leftovers.push_back(e.number);
    }

    std::vector<Pop3Entry> fetch;
    for (auto& e : entries) {
      if (robust && !e.uid.empty() && known.count(e.uid)) continue;
      if (config_.max_message_size && e.size > config_.max_message_size) {
        s_.events.report(EventId::MessageTooLarge, {std::to_string(e.number), m.pop3.str(), m.user});
        continue;
      }
      fetch.push_back(e);
    }
    s_.log.line(LogLevel::Medium, t,
                fmt::format("{} messages on the server, {} to download.", entries.size(), fetch.size()));

    if (robust && !config_.leave_on_server && !leftovers.empty()) pop3.dele(leftovers, true);
    const std::size_t batch = robust ? config_.batch : 1;
    std::vector<int> to_delete;
    for (std::size_t i = 0; i < fetch.size(); i += batch) {
      std::vector<Pop3Entry> part(fetch.begin() + static_cast<std::ptrdiff_t>(i),
                                  fetch.begin() + static_cast<std::ptrdiff_t>(std::min(fetch.size(), i + batch)));
      pop3.retrieve(part, entries.size(), writer, robust);
      auto numbers = commit();
      if (robust && !config_.leave_on_server && !numbers.empty()) pop3.dele(numbers, true);
    }
    if (!robust) {
      wait_outcomes();
      for (auto& [n, o] : outcomes)
        if (o == Outcome::Delivered || o == Outcome::Failed || o == Outcome::Blocked) to_delete.push_back(n);
      if (!to_delete.empty()) pop3.dele(to_delete, false);
    }
    pop3.quit();
    channel->close();
  } catch (const std::exception& e) {
    // What arrived whole is kept (robust: with its UIDL, so it is not fetched again).
    writer.abandon_current();
    try {
      commit();
    } catch (const std::exception&) {
    }
    if (!robust) wait_outcomes();
    if (auto* pe = dynamic_cast<const Pop3Error*>(&e)) {
      if (pe->kind() == Pop3Error::Kind::Greeting)
        problem(EventId::BadGreeting, {m.pop3.str(), m.user, pe->reply()}, "greeting: " + pe->reply());
      else if (pe->kind() == Pop3Error::Kind::Logon)
        problem(EventId::LogonFailure, {m.pop3.str(), m.user, pe->reply()}, "logon: " + pe->reply());
      else
        problem(EventId::Pop3ProtocolError, {m.pop3.str(), m.user, pe->reply()}, pe->reply());
    } else {
      problem(EventId::Pop3ProtocolError, {m.pop3.str(), m.user, e.what()}, e.what());
    }
    channel->close();
  }
}

}  // namespace maillab::connector
