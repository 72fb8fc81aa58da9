// The same faults handled well: a batch is made durable in Incoming Mail and journaled
// before DELE, a message whose UIDL the connector holds is never fetched again, a bad
// file is set aside in Failed Mail with an event, and a permanent refusal reaches the
// administrator as an NDR.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "profile_policy.hpp"
#include "uid_journal.hpp"

namespace maillab::connector {
namespace {

class RobustPolicy final : public ProfilePolicy {
 public:
  RobustPolicy(const Config& c, Services& s) : c_(c), s_(s), journal_(s.fs, Folders{c.root}) {}

  bool restore_folder(const std::string& dir, CycleReport&) override {
    s_.fs.make_dir(dir);
    s_.events.report(EventId::FolderRecreated, {dir});
    return true;
  }
  void begin_cycle(CycleReport& report) override;

  // As configured: certificates are checked unless verify is off, and a connection whose
  // TLS fails is given up (events 12058, 1059), never continued in plain text.
  TlsSettings tls(const TlsSettings& configured) const override { return configured; }

  DownloadPlan plan(const MailboxConfig& m, const std::vector<Pop3Entry>& entries) override;
  std::size_t batch() const override { return c_.batch; }
  bool pipeline() const override { return true; }
  std::vector<int> committed(const MailboxConfig& m, const std::vector<Pop3Entry>& batch) override;
  bool holds_server_copy() const override { return false; }
  std::vector<int> settle(const std::map<int, Outcome>&) override { return {}; }

  SmtpStyle smtp_style() const override { return {.pipelining = true, .seed_syntax = false, .size_param = true}; }
  bool reconnects_smtp() const override { return true; }
  bool consults_message_tracking() const override { return true; }
  void foreign_file(const DeliveryJob& job) override {
    if (reported_.insert(job.file).second) s_.events.report(EventId::UnreadableFile, {job.file, "not a .eml file"});
  }
  Outcome unreadable(DeliveryStage&, const DeliveryJob& job, const FsError& e) override {
    s_.events.report(EventId::UnreadableFile, {job.file, e.what()});
    return Outcome::Deferred;
  }
  Outcome corrupt(DeliveryStage& stage, const DeliveryJob& job, const std::string& why) override {
    s_.events.report(EventId::CorruptMessage, {job.file, why});
    return stage.fail_to_failed_mail(job);
  }
  Outcome rejected(DeliveryStage& stage, const Rejection& r) override;

 private:
  struct Keyed {
    std::vector<Pop3Entry> entries;
    std::set<int> shared;  // numbers whose UIDL another message has too
  };
  Keyed keyed(const MailboxConfig& m, std::vector<Pop3Entry> entries);

  const Config& c_;
  Services& s_;
  UidJournal journal_;
  // The UIDLs the files in Incoming Mail carried when the cycle began (all journaled by
  // then). Written before the threads start, then read-only.
  HeldUids held_at_start_;
  std::set<std::string> reported_;  // renamed files, reported once per cycle
};

void RobustPolicy::begin_cycle(CycleReport& report) {
  const Folders f{c_.root};
  if (!s_.fs.is_dir(f.state())) s_.fs.make_dir(f.state());
  try {
    journal_.journal_held(held_at_start_);
  } catch (const FsError& e) {
    report.errors++;
    report.problems.push_back(std::string("journal: ") + e.what());
  }
}

// The usual case, checked first so a long listing costs one sort and no maps.
bool uids_unique(const std::vector<Pop3Entry>& entries) {
  std::vector<std::string_view> uids;
  uids.reserve(entries.size());
  for (auto& e : entries)
    if (!e.uid.empty()) uids.push_back(e.uid);
  std::sort(uids.begin(), uids.end());
  return std::adjacent_find(uids.begin(), uids.end()) == uids.end();
}

// A UIDL the server gives to more than one message identifies none of them (issue 12:
// a dropped RETR of the second, and the next cycle DELEd it unread as held). Such
// messages are keyed by UIDL and size instead ("X 1234"; a UIDL has no space), which
// keeps a copy left on the server from being fetched every cycle; where the size is
// shared too, they go on as from a server without UIDL. Either way none of them is ever
// DELEd on the journal's word: it is downloaded again (a duplicate is better than a loss).
RobustPolicy::Keyed RobustPolicy::keyed(const MailboxConfig& m, std::vector<Pop3Entry> entries) {
  if (uids_unique(entries)) return Keyed{std::move(entries), {}};
  std::map<std::string, std::vector<int>> numbers;
  std::map<std::string, int> sized;
  auto sized_key = [](const Pop3Entry& e) { return e.uid + " " + std::to_string(e.size); };
  for (auto& e : entries) {
    if (e.uid.empty()) continue;
    numbers[e.uid].push_back(e.number);
    sized[sized_key(e)]++;
  }
  for (auto& [uid, ns] : numbers)
    if (ns.size() > 1) s_.events.report(EventId::DuplicateUidl, {m.pop3.str(), m.user, uid, fmt::format("{}", fmt::join(ns, ", "))});
  Keyed out;
  for (auto& e : entries) {
    if (e.uid.empty() || numbers[e.uid].size() == 1) continue;
    out.shared.insert(e.number);
    auto key = sized_key(e);
    e.uid = sized[key] == 1 ? key : "";
  }
  out.entries = std::move(entries);
  return out;
}

DownloadPlan RobustPolicy::plan(const MailboxConfig& m, const std::vector<Pop3Entry>& listing) {
  const auto [entries, shared] = keyed(m, listing);
  const auto key = mailbox_key(m.name);
  UidSet on_server(entries.size());
  for (auto& e : entries) on_server.insert(e.uid);
  static const std::set<std::string> none;
  auto held = held_at_start_.find(key);
  auto known = journal_.reconcile(key, on_server, held == held_at_start_.end() ? none : held->second);
  DownloadPlan plan;
  for (auto& e : entries) {
    if (e.uid.empty() || !known.count(e.uid)) plan.fetch.push_back(e);
    else if (c_.leave_on_server) continue;                       // held; the server copy stays
    else if (shared.count(e.number)) plan.fetch.push_back(e);    // never DELEd unread
    else plan.leftovers.push_back(e.number);
  }
  return plan;
}

std::vector<int> RobustPolicy::committed(const MailboxConfig& m, const std::vector<Pop3Entry>& batch) {
  std::vector<std::string> uids;
  std::vector<int> numbers;
  for (auto& e : batch) {
    uids.push_back(e.uid);
    numbers.push_back(e.number);
  }
  journal_.append(mailbox_key(m.name), uids);
  if (c_.leave_on_server) numbers.clear();
  return numbers;
}

// A permanent refusal is set aside and the administrator told; it is never fetched again.
Outcome RobustPolicy::rejected(DeliveryStage& stage, const Rejection& r) {
  const auto reply = r.reply.first_line();
  if (r.reply.transient()) {
    s_.events.report(EventId::TransientRejection, {r.job.file, reply});
    return stage.not_now(r.job);
  }
  stage.fail_to_failed_mail(r.job);
  s_.events.report(EventId::PermanentRejection, {r.job.file, reply, stage.send_ndr(r.job, r.envelope, r.reply, r.message)});
  return Outcome::Failed;
}

}  // namespace

std::unique_ptr<ProfilePolicy> make_robust_policy(const Config& config, Services& services) {
  return std::make_unique<RobustPolicy>(config, services);
}

}  // namespace maillab::connector
