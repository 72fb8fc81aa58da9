// The documented 2003 behaviour, symptoms and all (KB 885685, seed 004): one message at
// a time, no record of what it holds, a message deleted from the server only once handed
// on, and a delivery stage that stops at the first file it cannot read.
#include "profile_policy.hpp"

namespace maillab::connector {
namespace {

class Sbs2003Policy final : public ProfilePolicy {
 public:
  Sbs2003Policy(const Config&, Services& s) : s_(s) {}

  // KB 885685, CDO step 1: a missing folder fails the delivery with 1046 and 1048.
  bool restore_folder(const std::string& dir, CycleReport& report) override {
    s_.events.report(EventId::RetrieveFromQueueFailed);
    s_.events.report(EventId::DeliveryCompletedWithErrors);
    report.errors++;
    report.problems.push_back("missing folder " + dir);
    return false;
  }
  void begin_cycle(CycleReport&) override {}

  // The 2003 product spoke plain text only (a configuration asking for TLS is refused
  // before a cycle runs: validate()). An ISP that requires TLS refuses its logon: the
  // -ERR reaches event 12053, a 530 from the SMTP side event 12052.
  TlsSettings tls(const TlsSettings&) const override { return {}; }

  DownloadPlan plan(const MailboxConfig&, const std::vector<Pop3Entry>& entries) override { return {entries, {}}; }
  std::size_t batch() const override { return 1; }
  bool pipeline() const override { return false; }
  std::vector<int> committed(const MailboxConfig&, const std::vector<Pop3Entry>&) override { return {}; }
  bool holds_server_copy() const override { return true; }
  // A refused message (dropped locally) stays on the server and comes back every cycle:
  // seed 004's slowdown. One stuck behind a corrupt file is deleted all the same.
  std::vector<int> settle(const std::map<int, Outcome>& outcomes) override {
    std::vector<int> out;
    for (auto& [n, o] : outcomes)
      if (o == Outcome::Delivered || o == Outcome::Failed || o == Outcome::Blocked) out.push_back(n);
    return out;
  }

  SmtpStyle smtp_style() const override { return {.pipelining = false, .seed_syntax = true, .size_param = false}; }
  bool reconnects_smtp() const override { return false; }
  bool consults_message_tracking() const override { return false; }
  // The 2003 product ignored a renamed file silently.
  void foreign_file(const DeliveryJob&) override {}
  // The 2003 stage stops at a file it cannot open as at a corrupt one: it stays in
  // Incoming Mail (seed 000, CDO step 4h) and so does everything behind it.
  Outcome unreadable(DeliveryStage& stage, const DeliveryJob&, const FsError&) override { return stop(stage); }
  Outcome corrupt(DeliveryStage& stage, const DeliveryJob&, const std::string&) override { return stop(stage); }
  Outcome rejected(DeliveryStage& stage, const Rejection& r) override { return stage.not_now(r.job); }

 private:
  Outcome stop(DeliveryStage& stage) {
    s_.events.report(EventId::RetrieveFromQueueFailed);
    return stage.block();
  }

  Services& s_;
};

}  // namespace

std::unique_ptr<ProfilePolicy> make_sbs2003_policy(const Config& config, Services& services) {
  return std::make_unique<Sbs2003Policy>(config, services);
}

}  // namespace maillab::connector
