// The crash-point sweep of smtpd's store and pickup service (issue 12): every file
// operation of a whole run (three SMTP messages to several places, a forward, a client
// rule, then a pickup pass over two files) fails in turn, or ends the process in turn.
//
//   fail  (EIO, ENOSPC at op N): the client gets 451 or 250; after the resends and a
//         second pickup pass every message is in each of its places exactly once.
//   crash (_exit at op N, in a forked child): a fresh server on the same store recovers
//         (no temporary file left, no journal left, the queue ids go on); a message
//         answered 250 is in each of its places once, one not answered is in none (a
//         delivery cut short is undone, never completed: its client resends it); a
//         pickup file is either still in PickUp with no copy made, or gone with every
//         copy made. Then the resends and a pickup pass: every message once everywhere.
//
// Each test prints "smtpd sweep MODE NAMING: points tried N, lost L, duplicated D" for
// scripts/crash.sh (run it with --gtest_filter='SmtpCrashSweep.*').
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "maillab/smtp/pickup.hpp"
#include "op_faults.hpp"
#include "smtp_store_harness.hpp"
#include "store_files.hpp"
#include "temp_dir.hpp"

using namespace maillab;
using namespace maillab::smtp;
using maillab::test::copies_of;
using maillab::test::send_message;
using maillab::test::stored_files;
namespace fs = std::filesystem;

namespace {

struct Message {
  std::string mark;
  bool pickup;
  std::vector<std::string> recipients;
  std::string subject;
  std::vector<std::string> places;  // folders under the store
};

const std::vector<Message>& messages() {
  static const std::vector<Message> all{
      {"m1", false, {"bob@contoso.local", "alice@contoso.local", "carol@contoso.local"}, "[SPAM] one",
       {"bob@contoso.local/Inbox", "alice@contoso.local/Junk E-mail", "carol@contoso.local/Inbox",
        ".forwarded/dave@fabrikam.com"}},
      {"m2", false, {"bob@contoso.local", "carol@contoso.local"}, "two",
       {"bob@contoso.local/Inbox", "carol@contoso.local/Inbox", ".forwarded/dave@fabrikam.com"}},
      {"m3", false, {"bob@contoso.local"}, "three", {"bob@contoso.local/Inbox"}},
      {"p4", true, {"bob@contoso.local", "alice@contoso.local"}, "four",
       {"bob@contoso.local/Inbox", "alice@contoso.local/Inbox"}},
      {"p5", true, {"alice@contoso.local"}, "five", {"alice@contoso.local/Inbox"}},
  };
  return all;
}

std::string text_of(const Message& m) {
  return "Subject: " + m.subject + "\r\nMessage-ID: <" + m.mark + "@sweep>\r\n\r\nbody of " + m.mark + "\r\n";
}

fs::path pickup_dir(const fs::path& root) { return root / "Mailroot" / "PickUp"; }
fs::path pickup_file(const fs::path& root, const Message& m) { return pickup_dir(root) / (m.mark + ".eml"); }

void drop_pickup_files(const fs::path& root) {
  fs::create_directories(pickup_dir(root));
  for (const auto& m : messages()) {
    if (!m.pickup) continue;
    std::string head = "x-sender: alice@fabrikam.com\r\n";
    for (const auto& r : m.recipients) head += "x-receiver: " + r + "\r\n";
    std::ofstream(pickup_file(root, m), std::ios::binary) << head << text_of(m);
  }
}

// A server's store and pickup service on `root`, over `ops`.
struct Server {
  faults::FaultTable faults;
  std::unique_ptr<World> world;
  std::unique_ptr<Pickup> pickup;
  Server(const fs::path& root, StoreFiles::Naming naming, FileOps& ops) {
    world = std::make_unique<World>(test::many_places_world(), root / "store", faults,
                                    std::make_unique<StoreFiles>(root / "store", naming, ops));
    pickup = std::make_unique<Pickup>(pickup_dir(root), *world, &ops);
  }
  // Sends the SMTP messages not answered yet; `on_250(i)` for each one answered 250.
  template <class F>
  void send(std::vector<bool>& answered, F&& on_250) {
    for (std::size_t i = 0; i < messages().size(); ++i) {
      const auto& m = messages()[i];
      if (m.pickup || answered[i]) continue;
      if (send_message(*world, faults, m.recipients, text_of(m)).starts_with("250")) {
        answered[i] = true;
        on_250(i);
      }
    }
  }
};

struct Tally {
  std::uint64_t points = 0, lost = 0, duplicated = 0;
  std::vector<std::string> window;  // "op N: MARK": stored, the process ended before the 250
};

// Copies of message `m` per place: the fewest and the most.
std::pair<int, int> copies(const fs::path& root, const Message& m) {
  int least = 1 << 20, most = 0;
  for (const auto& place : m.places) {
    int n = copies_of(root / "store" / place, "<" + m.mark + "@sweep>");
    least = std::min(least, n);
    most = std::max(most, n);
  }
  return {least, most};
}

// Finished: every message in each of its places exactly once; `resent_whole` (stored
// whole, but the process ended before its 250, so its client sent it again) twice.
void count_finished(const fs::path& root, Tally& tally, const std::string& point, int resent_whole = -1) {
  for (std::size_t i = 0; i < messages().size(); ++i) {
    const auto& m = messages()[i];
    auto [least, most] = copies(root, m);
    const int expected = static_cast<int>(i) == resent_whole ? 2 : 1;
    EXPECT_EQ(least, expected) << m.mark << " at " << point;
    EXPECT_EQ(most, expected) << m.mark << " at " << point;
    tally.lost += least == 0;
    tally.duplicated += most > 1;
  }
  EXPECT_FALSE(fs::exists(pickup_dir(root).parent_path() / "Badmail")) << point;
}

void no_leftovers(const fs::path& root, const std::string& point) {
  for (const auto& f : stored_files(root / "store")) {
    auto name = fs::path(f).filename().string();
    EXPECT_FALSE(name.starts_with('.')) << f << " left at " << point;
    EXPECT_FALSE(f.starts_with(".queue/")) << f << " left at " << point;
  }
}

std::uint64_t operations_of_a_run(StoreFiles::Naming naming) {
  test::TempDir root;
  drop_pickup_files(root.path());
  CountOps count(system_file_ops());
  Server server(root.path(), naming, count);
  std::vector<bool> answered(messages().size());
  server.send(answered, [](std::size_t) {});
  EXPECT_EQ(server.pickup->poll(), 2u);
  Tally ignored;
  count_finished(root.path(), ignored, "the run without faults");
  return count.calls();
}

void print(const std::string& mode, StoreFiles::Naming naming, const Tally& t) {
  std::string window;
  for (const auto& w : t.window) window += (window.empty() ? " (RFC 1047 window: " : ", ") + w;
  std::printf("smtpd sweep %s %s: points tried %llu, lost %llu, duplicated %llu%s\n", mode.c_str(),
              naming == StoreFiles::Naming::Unnamed ? "unnamed" : "renamed", static_cast<unsigned long long>(t.points),
              static_cast<unsigned long long>(t.lost), static_cast<unsigned long long>(t.duplicated),
              (window + (window.empty() ? "" : ")")).c_str());
  std::fflush(stdout);
}

int check_recovered(const fs::path& root, const std::vector<bool>& answered, const std::string& point);

// ---- fail -------------------------------------------------------------------------------

Tally sweep_failures(StoreFiles::Naming naming, int error) {
  Tally tally;
  const auto total = operations_of_a_run(naming);
  for (std::uint64_t n = 1; n <= total + 1; ++n) {
    test::TempDir root;
    drop_pickup_files(root.path());
    FailAtOp fail(system_file_ops(), n, error);
    Server server(root.path(), naming, fail);
    std::vector<bool> answered(messages().size());
    server.send(answered, [](std::size_t) {});
    server.pickup->poll();
    // A message answered 451 is in none of its places, a pickup file left has no copy.
    EXPECT_EQ(check_recovered(root.path(), answered, "op " + std::to_string(n)), -1) << "op " << n;
    server.send(answered, [](std::size_t) {});  // the resends: the failure was one operation
    server.pickup->poll();
    count_finished(root.path(), tally, "op " + std::to_string(n));
    no_leftovers(root.path(), "op " + std::to_string(n));
    ++tally.points;
  }
  return tally;
}

// ---- crash ------------------------------------------------------------------------------

constexpr int kCrashed = 77;

// Runs the whole thing in a child that ends at operation `n`; the SMTP messages answered
// 250 before that.
std::vector<bool> run_child(const fs::path& root, StoreFiles::Naming naming, std::uint64_t n, bool& crashed) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) throw std::runtime_error("pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    CrashAtOp crash(system_file_ops(), n, kCrashed);
    Server server(root, naming, crash);
    std::vector<bool> answered(messages().size());
    server.send(answered, [&](std::size_t i) {
      char c = static_cast<char>('0' + i);
      if (::write(pipefd[1], &c, 1) != 1) ::_exit(3);
    });
    server.pickup->poll();
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::vector<bool> answered(messages().size());
  char c;
  while (::read(pipefd[0], &c, 1) == 1) answered[static_cast<std::size_t>(c - '0')] = true;
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  crashed = WIFEXITED(status) && WEXITSTATUS(status) == kCrashed;
  EXPECT_TRUE(WIFEXITED(status) && (crashed || WEXITSTATUS(status) == 0)) << "op " << n << ": status " << status;
  return answered;
}

// Right after the restart: what was answered 250 is there once; a pickup file is there
// with no copy made, or gone with every copy made; an SMTP message not answered is in
// none of its places, or (the process ended after the store's last step, before the
// reply: RFC 1047's window) in every one once. Returns that message's index, or -1.
int check_recovered(const fs::path& root, const std::vector<bool>& answered, const std::string& point) {
  int whole = -1;
  for (std::size_t i = 0; i < messages().size(); ++i) {
    const auto& m = messages()[i];
    bool done = m.pickup ? !fs::exists(pickup_file(root, m)) : bool(answered[i]);
    auto [least, most] = copies(root, m);
    if (!done && !m.pickup && least == 1 && most == 1 && whole < 0) {
      whole = static_cast<int>(i);
      continue;
    }
    EXPECT_EQ(least, done ? 1 : 0) << m.mark << " at " << point;
    EXPECT_EQ(most, done ? 1 : 0) << m.mark << " at " << point;
  }
  return whole;
}

Tally sweep_crashes(StoreFiles::Naming naming) {
  Tally tally;
  const auto total = operations_of_a_run(naming);
  for (std::uint64_t n = 1; n <= total + 1; ++n) {
    const std::string point = "op " + std::to_string(n);
    test::TempDir root;
    drop_pickup_files(root.path());
    bool crashed = false;
    auto answered = run_child(root.path(), naming, n, crashed);
    EXPECT_EQ(crashed, n <= total) << point;
    Server restarted(root.path(), naming, system_file_ops());
    no_leftovers(root.path(), point);
    int whole = check_recovered(root.path(), answered, point);
    if (whole >= 0) tally.window.push_back(point + ": " + messages()[static_cast<std::size_t>(whole)].mark);
    restarted.send(answered, [](std::size_t) {});
    for (std::size_t i = 0; i < messages().size(); ++i)
      EXPECT_TRUE(messages()[i].pickup || answered[i]) << "the resend of " << messages()[i].mark << " at " << point;
    restarted.pickup->poll();
    count_finished(root.path(), tally, point, whole);
    ++tally.points;
  }
  return tally;
}

class SmtpCrashSweep : public ::testing::TestWithParam<StoreFiles::Naming> {};

TEST_P(SmtpCrashSweep, FailWithEioAtEveryOperation) {
  auto t = sweep_failures(GetParam(), EIO);
  print("fail-EIO", GetParam(), t);
  EXPECT_EQ(t.lost + t.duplicated, 0u);
}

TEST_P(SmtpCrashSweep, FailWithEnospcAtEveryOperation) {
  auto t = sweep_failures(GetParam(), ENOSPC);
  print("fail-ENOSPC", GetParam(), t);
  EXPECT_EQ(t.lost + t.duplicated, 0u);
}

TEST_P(SmtpCrashSweep, CrashAtEveryOperationAndRestart) {
  auto t = sweep_crashes(GetParam());
  print("crash", GetParam(), t);
  EXPECT_EQ(t.lost, 0u);
  // Only the end of an SMTP delivery after its last store step and before its reply:
  // one message per kill, never a pickup file.
  EXPECT_EQ(t.duplicated, t.window.size());
  EXPECT_LE(t.window.size(), 3u) << "at most the step after the commit of each single-copy delivery";
}

INSTANTIATE_TEST_SUITE_P(Naming, SmtpCrashSweep,
                         ::testing::Values(StoreFiles::Naming::Unnamed, StoreFiles::Naming::Renamed),
                         [](const auto& info) { return info.param == StoreFiles::Naming::Unnamed ? "Unnamed" : "Renamed"; });

}  // namespace
