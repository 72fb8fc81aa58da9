#include "maillab/connector/connector.hpp"

#include <fmt/format.h>

#include <thread>

#include "cycle_context.hpp"
#include "delivery_stage.hpp"
#include "mailbox_download.hpp"
#include "profile_policy.hpp"

namespace maillab::connector {
namespace {

// The delivery thread: every job in the queue, in order, until it is closed.
std::size_t deliver_all(DeliveryStage& stage, CycleContext& cycle, Services& s) {
  std::size_t errors = 0;
  DeliveryJob job;
  OutcomeCallback done;
  while (cycle.queue.pop(job, done)) {
    Outcome o;
    try {
      o = stage.deliver(job);
    } catch (const std::exception& e) {
      // A file-system error while handing on: the file stays where it is.
      s.events.report(EventId::UnreadableFile, {job.file, e.what()});
      o = Outcome::Deferred;
      ++errors;
    }
    cycle.add([&](CycleReport& r) {
      if (o == Outcome::Delivered) r.delivered++;
      if (o == Outcome::Failed) r.failed++;
      if (o == Outcome::Refused) r.refused++;
    });
    if (done) done(o);
  }
  stage.finish();
  return errors;
}

}  // namespace

Connector::Connector(Config config, Services services) : config_(std::move(config)), s_(services) {}

bool Connector::prepare_folders(CycleContext& cycle) {
  auto f = folders();
  if (!s_.fs.is_dir(config_.root)) s_.fs.make_dir(config_.root);
  // A root without any of the connector's folders is a new installation, set up quietly;
  // a folder missing from a root that has the others is KB 885685's CDO step 1.
  bool fresh = !s_.fs.is_dir(f.incoming()) && !s_.fs.is_dir(f.failed()) && !s_.fs.is_dir(f.state()) &&
               !s_.fs.exists(f.events_file());
  for (const auto& dir : {f.incoming(), f.failed()}) {
    if (s_.fs.is_dir(dir)) continue;
    if (fresh) s_.fs.make_dir(dir);
    else if (!cycle.policy.restore_folder(dir, cycle.report())) return false;
  }
  return true;
}

// What waits in Incoming Mail from earlier cycles goes first, in name (arrival) order.
void Connector::queue_waiting(CycleContext& cycle) {
  try {
    for (auto& name : s_.fs.list(folders().incoming())) {
      if (name.starts_with(".")) continue;  // a temporary a crash left behind
      cycle.queue.push(DeliveryJob{name, 0, 0, false}, nullptr);
    }
  } catch (const FsError&) {
  }
}

CycleReport Connector::run_cycle() {
  auto policy = make_policy(config_, s_);
  CycleContext cycle(*policy);
  if (!prepare_folders(cycle)) return cycle.report();
  s_.log.line(LogLevel::Minimum, 0, "Retrieval cycle started.");
  policy->begin_cycle(cycle.report());

  // Every channel of the cycle ends by the cycle's deadline: a stalled server cannot hold
  // the next cycle of every mailbox back.
  DeadlineChannelFactory channels(s_.channels, Deadline::after(DeadlineKind::Cycle, cycle_deadline(config_)));
  Services s{channels, s_.fs, s_.clock, s_.events, s_.log};
  DeliveryStage stage(config_, s, *policy);
  std::size_t delivery_errors = 0;
  std::thread deliverer([&] { delivery_errors = deliver_all(stage, cycle, s); });
  queue_waiting(cycle);
  std::vector<std::thread> downloads;
  for (std::size_t i = 0; i < config_.mailboxes.size(); ++i)
    downloads.emplace_back([this, i, &cycle, &s] { MailboxDownload(config_, s, cycle, i).run(); });
  for (auto& t : downloads) t.join();
  cycle.queue.close();
  deliverer.join();

  finish(cycle.report(), stage.errors(), delivery_errors);
  return cycle.report();
}

// Counts what is left in Incoming Mail and reports the cycle.
// Event 1048 follows the stage's own errors, as the 2003 product's did; a file-system error
// thrown while handing on has its own event already.
void Connector::finish(CycleReport& r, std::size_t stage_errors, std::size_t thrown_errors) {
  r.errors += stage_errors + thrown_errors;
  try {
    for (auto& name : s_.fs.list(folders().incoming()))
      if (!name.starts_with(".")) r.left++;
  } catch (const FsError&) {
  }
  if (stage_errors > 0) s_.events.report(EventId::DeliveryCompletedWithErrors);
  s_.events.report(EventId::CycleCompleted, {std::to_string(r.downloaded), std::to_string(r.delivered),
                                             std::to_string(r.failed), std::to_string(r.left)});
  s_.log.line(LogLevel::Minimum, 0,
              fmt::format("Retrieval cycle completed: {} downloaded, {} delivered, {} failed, {} left.", r.downloaded,
                          r.delivered, r.failed, r.left));
}

}  // namespace maillab::connector
