// Issue 12: the connector's hand-over is exactly once across a kill at any point, and a
// failing file system or socket only delays mail. A bounded crash-point sweep (every
// k-th point; scripts/crash.sh runs them all), the pieces it is made of, and the SMTP
// client recording a delivery before anything else once the 250 to the final dot is read.
#include <gtest/gtest.h>

#include <cstdio>
#include <string_view>
#include <sys/stat.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "maillab/connector/clock.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/file_system.hpp"
#include "maillab/connector/smtp_client.hpp"
#include "maillab/runner/crash_sweep.hpp"
#include "maillab/runner/crashing_channel.hpp"
#include "temp_dir.hpp"

namespace cn = maillab::connector;
namespace rn = maillab::runner;
namespace fs = std::filesystem;

namespace {

rn::SweepResult sweep(rn::SweepDelivery delivery, cn::Profile profile, rn::CrashAction action, std::uint64_t every) {
  rn::SweepOptions o;
  o.every = every;
  return rn::run_crash_sweep(rn::SweepMode{delivery, profile, action}, o);
}

std::string problems(const rn::SweepResult& r) {
  std::string out;
  for (auto& p : r.problems) out += p + "\n";
  return out;
}

// The points at which a kill may double a message delivered over SMTP (RFC 1047): the
// server has the final dot, the connector has not yet removed the file. `hit` is the
// operation struck, then " | " and where the process's other threads were. When the
// delivery thread's own operation is struck, it must be one of the window's. When another
// thread's is struck, the delivery thread's label is only the last operation it started
// (buffered replies are read and the text written without a new label before the process
// ends), so it cannot place the delivery thread exactly; those duplicates are held to the
// other rules (never more than one extra copy, nothing lost), not to a position.
bool in_rfc1047_window(const std::string& hit) {
  auto struck = hit.substr(0, hit.find(" | "));
  bool delivery_op = struck.starts_with("smtp ") || struck.starts_with("read Incoming Mail") ||
                     struck.starts_with("remove Incoming Mail") || struck.starts_with("move Incoming Mail");
  if (!delivery_op) return true;
  return struck == "smtp read 1 after text+dot" || struck == "remove Incoming Mail";
}

}  // namespace

// The reproduction, at the seam: PickUp on another file system, a kill at every
// point of the cycle (the unlink of the old copy-then-unlink among them: the hand-over's
// steps are separate operations now). Before the fix a kill after the copy doubled it.
TEST(CrashSweep, RobustPickupAcrossFileSystemsIsExactlyOnceAtEveryKill) {
  auto r = sweep(rn::SweepDelivery::Pickup, cn::Profile::Robust, rn::CrashAction::Exit, 1);
  ASSERT_GT(r.points, 50u) << "operations " << r.operations;
  EXPECT_EQ(r.lost, 0u) << problems(r);
  EXPECT_EQ(r.duplicated, 0u) << problems(r);
  EXPECT_EQ(r.stuck, 0u) << "recovery left mail undelivered";
  EXPECT_EQ(r.littered, 0u) << "recovery left temporaries behind";
}

TEST(CrashSweep, RobustSmtpDoublesOnlyInRfc1047WindowAndAtMostOncePerKill) {
  auto r = sweep(rn::SweepDelivery::Smtp, cn::Profile::Robust, rn::CrashAction::Exit, 1);
  ASSERT_GT(r.points, 50u) << "operations " << r.operations;
  EXPECT_EQ(r.lost, 0u) << problems(r);
  EXPECT_LE(r.max_extra, 1u) << problems(r);
  EXPECT_EQ(r.stuck, 0u) << "recovery left mail undelivered";
  EXPECT_EQ(r.littered, 0u) << "recovery left temporaries behind";
  for (auto& [hit, n] : r.duplicate_points) EXPECT_TRUE(in_rfc1047_window(hit)) << hit << " doubled mail " << n << "x";
}

// A failing unlink of a delivered file is recorded by a rename instead: delayed, not doubled.
TEST(CrashSweep, DiskErrorsDelayRobustMailNeverLoseOrDoubleIt) {
  for (auto delivery : {rn::SweepDelivery::Smtp, rn::SweepDelivery::Pickup})
    for (auto action : {rn::CrashAction::FailEio, rn::CrashAction::FailEnospc}) {
      auto r = sweep(delivery, cn::Profile::Robust, action, 2);
      EXPECT_GT(r.points, 15u) << rn::crash_action_name(action);
      EXPECT_EQ(r.lost, 0u) << rn::crash_action_name(action) << "\n" << problems(r);
      EXPECT_EQ(r.duplicated, 0u) << rn::crash_action_name(action) << "\n" << problems(r);
    }
}

// A reset while the 250 to the final dot is on its way is RFC 1047's window too: the
// server has the message, the connector cannot know. Nowhere else.
TEST(CrashSweep, ConnectionResetsDoubleRobustMailOnlyInRfc1047Window) {
  for (auto delivery : {rn::SweepDelivery::Smtp, rn::SweepDelivery::Pickup}) {
    auto r = sweep(delivery, cn::Profile::Robust, rn::CrashAction::FailReset, 2);
    EXPECT_GT(r.points, 20u);
    EXPECT_EQ(r.lost, 0u) << problems(r);
    EXPECT_LE(r.max_extra, 1u) << problems(r);
    for (auto& [hit, n] : r.duplicate_points) EXPECT_TRUE(hit.starts_with("smtp read 1 after text+dot")) << hit;
  }
}

// sbs2003 keeps no record of what it holds and DELEs a message only after handing it on,
// before QUIT: a kill in between fetches and delivers it again (docs/connector.md). It
// never loses one.
TEST(CrashSweep, Sbs2003LosesNothingButDoublesWhatAKillCatchesBeforeQuit) {
  for (auto delivery : {rn::SweepDelivery::Smtp, rn::SweepDelivery::Pickup}) {
    auto r = sweep(delivery, cn::Profile::Sbs2003, rn::CrashAction::Exit, 3);
    EXPECT_GT(r.points, 30u);
    EXPECT_EQ(r.lost, 0u) << problems(r);
    EXPECT_GT(r.duplicated, 0u);
  }
}

TEST(CrashSweep, NamesWritesByCommand) {
  EXPECT_EQ(rn::name_of_write("RETR 3\r\n"), "RETR");
  EXPECT_EQ(rn::name_of_write("MAIL FROM:<>\r\nRCPT TO:<b@c>\r\nDATA\r\n"), "MAIL+2");
  EXPECT_EQ(rn::name_of_write("Subject: x\r\n\r\nhi\r\n.\r\n"), "text+dot");
  EXPECT_EQ(rn::name_of_write(".\r\n"), "text+dot");
  EXPECT_EQ(rn::name_of_write("Subject: x\r\n"), "text");
}

// A real second file system when the machine has one (/dev/shm is a tmpfs on Linux):
// move() is one rename or an EXDEV error, never a copy that a kill can leave twice.
TEST(PosixFileSystemMove, AcrossFileSystemsFailsWithExdevAndLeavesTheSource) {
  maillab::test::TempDir here;
  struct stat a {}, b {};
  if (::stat(here.path().c_str(), &a) != 0 || ::stat("/dev/shm", &b) != 0 || a.st_dev == b.st_dev)
    GTEST_SKIP() << "no second file system";
  auto from = here.path() / "m.eml";
  std::ofstream(from) << "x";
  auto to = fs::path("/dev/shm") / ("maillab-move-test-" + std::to_string(::getpid()) + ".eml");
  cn::PosixFileSystem pfs;
  try {
    pfs.move(from.string(), to.string());
    FAIL() << "moved across file systems";
  } catch (const cn::FsError& e) {
    EXPECT_EQ(e.error(), EXDEV);
  }
  EXPECT_TRUE(fs::exists(from));
  EXPECT_FALSE(fs::exists(to));
}

namespace {

// Serves scripted reply lines, and notes whether the log had the last one when the
// delivery was recorded.
class ScriptedChannel final : public cn::Channel {
 public:
  explicit ScriptedChannel(std::vector<std::string> lines) {
    for (auto& l : lines) replies_.push_back(l + "\r\n");
  }
  void write(std::string_view) override {}
  std::string_view read_line() override {
    if (replies_.empty()) throw cn::ChannelError(cn::ChannelError::Kind::Closed, 0, "closed");
    current_ = replies_.front();
    replies_.pop_front();
    return current_;
  }
  void close() override {}

 private:
  std::deque<std::string> replies_;
  std::string current_;
};

}  // namespace

// Deliverable 3: nothing, not even the log line of the 250, comes between reading the
// server's 250 to the final dot and the caller recording the delivery.
TEST(SmtpClientWindow, RecordsTheDeliveryBeforeLoggingTheFinal250) {
  ScriptedChannel ch({"220 ready", "250 ok", "250 sender ok", "250 recipient ok", "354 go ahead",
                      "250 2.6.0 queued as 42"});
  cn::ManualClock clock{std::chrono::system_clock::time_point{}};
  std::vector<std::string> lines;
  cn::DiagLog log{cn::LogLevel::Maximum, clock, [&](std::string_view l) { lines.emplace_back(l); }};
  cn::SmtpClient c(ch, log, 0, cn::SmtpStyle{});
  c.open("connector");
  std::size_t logged_at_record = 0;
  int records = 0;
  auto out = c.send(cn::Envelope{"", {"bob@contoso.local"}}, false, "Subject: x\r\n\r\nhi\r\n", [&] {
    ++records;
    logged_at_record = lines.size();
  });
  EXPECT_TRUE(out.delivered);
  EXPECT_EQ(records, 1);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("queued as 42"), std::string::npos);
  EXPECT_EQ(logged_at_record, lines.size() - 1) << "the 250 was logged before the delivery was recorded";
}
