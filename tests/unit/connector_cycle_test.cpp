// Whole connector cycles against the in-process simulators on loopback (port 0), and
// against a GoogleMock file system for disk errors. Every test checks where each message
// ended up: delivered, Failed Mail, Incoming Mail or still on the POP3 server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include <filesystem>
#include <fstream>

#include "maillab/connector/connector.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/server.hpp"
#include "temp_dir.hpp"

namespace cn = maillab::connector;
namespace fs = std::filesystem;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Invoke;

namespace {

std::string message(int i) {
  return "From: sender" + std::to_string(i) + "@fabrikam.com\r\nTo: bob@fabrikam.com\r\nSubject: message " +
         std::to_string(i) + "\r\nMessage-ID: <" + std::to_string(i) + "@fabrikam.com>\r\n\r\nBody of message " +
         std::to_string(i) + "\r\n.a line that starts with a dot\r\n";
}

std::size_t count_files(const fs::path& dir) {
  if (!fs::is_directory(dir)) return 0;
  std::size_t n = 0;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) ++n;
  return n;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class MockFileSystem : public cn::FileSystem {
 public:
  explicit MockFileSystem(cn::FileSystem& real) {
    ON_CALL(*this, is_dir(_)).WillByDefault(Invoke(&real, &cn::FileSystem::is_dir));
    ON_CALL(*this, make_dir(_)).WillByDefault(Invoke(&real, &cn::FileSystem::make_dir));
    ON_CALL(*this, list(_)).WillByDefault(Invoke(&real, &cn::FileSystem::list));
    ON_CALL(*this, read(_)).WillByDefault(Invoke(&real, &cn::FileSystem::read));
    ON_CALL(*this, exists(_)).WillByDefault(Invoke(&real, &cn::FileSystem::exists));
    ON_CALL(*this, create(_)).WillByDefault(Invoke(&real, &cn::FileSystem::create));
    ON_CALL(*this, commit(_)).WillByDefault(Invoke(&real, &cn::FileSystem::commit));
    ON_CALL(*this, abandon(_)).WillByDefault(Invoke([&real](std::unique_ptr<cn::PendingFile> f) { real.abandon(std::move(f)); }));
    ON_CALL(*this, move(_, _)).WillByDefault(Invoke(&real, &cn::FileSystem::move));
    ON_CALL(*this, remove(_)).WillByDefault(Invoke(&real, &cn::FileSystem::remove));
    ON_CALL(*this, append(_, _)).WillByDefault(Invoke(&real, &cn::FileSystem::append));
    ON_CALL(*this, replace(_, _, _)).WillByDefault(Invoke(&real, &cn::FileSystem::replace));
  }
  MOCK_METHOD(bool, is_dir, (const std::string&), (override));
  MOCK_METHOD(void, make_dir, (const std::string&), (override));
  MOCK_METHOD(std::vector<std::string>, list, (const std::string&), (override));
  MOCK_METHOD(std::string, read, (const std::string&), (override));
  MOCK_METHOD(bool, exists, (const std::string&), (override));
  MOCK_METHOD(std::unique_ptr<cn::PendingFile>, create, (const std::string&), (override));
  MOCK_METHOD(void, commit, (std::vector<std::unique_ptr<cn::PendingFile>>&), (override));
  MOCK_METHOD(void, abandon, (std::unique_ptr<cn::PendingFile>), (override));
  MOCK_METHOD(void, move, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, remove, (const std::string&), (override));
  MOCK_METHOD(void, append, (const std::string&, std::string_view), (override));
  MOCK_METHOD(void, replace, (const std::string&, std::string_view, bool), (override));
};

class ConnectorCycle : public ::testing::Test {
 protected:
  void SetUp() override {
    maillab::pop3::ServerConfig pc;
    pc.listen = {"127.0.0.1", 0};  // never the default port: ctest runs tests in parallel
    pc.transcripts_kept = maillab::net::kTranscriptsWhenAsked;
    pop3 = std::make_unique<maillab::pop3::Server>(pc);
    drop = std::make_shared<maillab::pop3::Maildrop>("bob", "secret");
    pop3->mailboxes().add(drop);
    for (int i = 1; i <= 3; ++i) drop->add(fmt(i), message(i));
    pop3->start();
    maillab::smtp::WorldConfig world;
    world.accepted_domains = {"contoso.local"};
    maillab::smtp::MailboxConfig bob, admin;
    bob.address = "bob@contoso.local";
    admin.address = "admin@contoso.local";
    world.mailboxes = {bob, admin};
    world.admin_mailbox = "admin@contoso.local";
    maillab::smtp::ServerConfig sc;
    sc.listen = {"127.0.0.1", 0};
    sc.transcripts_kept = maillab::net::kTranscriptsWhenAsked;
    smtp = std::make_unique<maillab::smtp::Server>(sc, world, dir.path() / "store");
    smtp->start();
  }
  static std::string fmt(int i) { return "msg" + std::to_string(i) + ".eml"; }

  cn::Config config(cn::Profile profile) {
    cn::Config c;
    c.profile = profile;
    c.root = (dir.path() / "root").string();
    c.logging = cn::LogLevel::Maximum;
    c.admin_mailbox = "admin@contoso.local";
    c.connect_timeout = c.io_timeout = std::chrono::seconds(10);
    c.delivery.smtp = smtp->endpoint();
    cn::MailboxConfig m;
    m.pop3 = pop3->endpoint();
    m.user = "bob";
    m.password = "secret";
    m.deliver_to = "bob@contoso.local";
    m.name = "bob";
    c.mailboxes.push_back(m);
    return c;
  }

  cn::CycleReport cycle(const cn::Config& c) { return cycle(c, real_fs); }
  cn::CycleReport cycle(const cn::Config& c, cn::FileSystem& fs) {
    cn::Connector connector(c, cn::Services{channels, fs, clock, events, log});
    return connector.run_cycle();
  }
  std::vector<int> event_ids() const {
    std::vector<int> ids;
    for (auto& e : events.events()) ids.push_back(e.id);
    return ids;
  }
  std::size_t on_server() { return drop->snapshot().size(); }
  std::size_t in_inbox() { return count_files(dir.path() / "store" / "bob@contoso.local"); }
  fs::path root() const { return dir.path() / "root"; }
  std::string log_text() const {
    std::string out;
    for (auto& l : log_lines) out += l + "\n";
    return out;
  }
  void pop3_fault(const std::string& spec) {
    pop3->faults().add(maillab::faults::parse_fault_spec(spec, maillab::pop3::presets()));
  }
  void smtp_fault(const std::string& spec) {
    smtp->faults().add(maillab::faults::parse_fault_spec(spec, maillab::smtp::presets()));
  }

  maillab::test::TempDir dir;
  std::unique_ptr<maillab::pop3::Server> pop3;
  std::shared_ptr<maillab::pop3::Maildrop> drop;
  std::unique_ptr<maillab::smtp::Server> smtp;
  cn::SystemClock clock;
  cn::TcpChannelFactory channels;
  cn::PosixFileSystem real_fs;
  cn::EventLog events{"", cn::Lang::En, clock};
  std::vector<std::string> log_lines;
  std::mutex log_mutex;
  cn::DiagLog log{cn::LogLevel::Maximum, clock, [this](std::string_view l) { log_lines.emplace_back(l); }};
};

TEST_F(ConnectorCycle, RobustDeliversEveryMessageOnceByteIdentical) {
  auto r = cycle(config(cn::Profile::Robust));
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.problems);
  EXPECT_EQ(r.downloaded, 3u);
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(on_server(), 0u);
  ASSERT_EQ(in_inbox(), 3u);
  std::set<std::string> bodies;
  for (auto& e : fs::recursive_directory_iterator(dir.path() / "store" / "bob@contoso.local"))
    if (e.is_regular_file()) bodies.insert(read(e.path()));
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(bodies.count(message(i)), 1u) << i;
  auto again = cycle(config(cn::Profile::Robust));
  EXPECT_EQ(again.downloaded, 0u);
  EXPECT_EQ(in_inbox(), 3u);
  EXPECT_THAT(log_text(), ::testing::Not(HasSubstr("secret")));
}

TEST_F(ConnectorCycle, Sbs2003RefetchesWhatTheServerRefusesEveryCycle) {
  smtp_fault("sender-denied");
  auto c = config(cn::Profile::Sbs2003);
  auto r = cycle(c);
  EXPECT_EQ(r.downloaded, 3u);
  EXPECT_EQ(r.refused, 3u);
  EXPECT_EQ(on_server(), 3u);
  EXPECT_EQ(count_files(root() / "Incoming Mail"), 0u);
  EXPECT_THAT(log_text(), HasSubstr(": Failure hrResult (0x800ccc6f) trying to deliver message id 1:\n"));
  EXPECT_THAT(log_text(), HasSubstr(": (SMTP) [TX] MAIL FROM: <> RET=FULL\n"));
  EXPECT_THAT(log_text(), HasSubstr(": (SMTP) [TX] RCPT TO: <bob@contoso.local> NOTIFY=FAILURE\n"));
  EXPECT_THAT(log_text(), HasSubstr(": (SMTP) [TX] RSET\n"));
  EXPECT_THAT(event_ids(), ::testing::Contains(1048));
  auto again = cycle(c);
  EXPECT_EQ(again.downloaded, 3u) << "seed 004: fetched again on every run";
  EXPECT_EQ(on_server(), 3u);
}

TEST_F(ConnectorCycle, RobustSetsRefusedMailAsideAndNeverFetchesItAgain) {
  smtp_fault("sender-denied");
  auto r = cycle(config(cn::Profile::Robust));
  EXPECT_EQ(r.failed, 3u);
  EXPECT_EQ(on_server(), 0u);
  EXPECT_EQ(count_files(root() / "Failed Mail"), 3u);
  EXPECT_THAT(event_ids(), ::testing::Contains(1052));
  EXPECT_EQ(cycle(config(cn::Profile::Robust)).downloaded, 0u);
}

TEST_F(ConnectorCycle, Sbs2003CorruptFileBlocksIncomingMail) {
  pop3_fault("corrupt-eml");  // message 1 served with NUL bytes
  auto c = config(cn::Profile::Sbs2003);
  auto r = cycle(c);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(count_files(root() / "Incoming Mail"), 3u) << "the corrupt file and the two behind it";
  EXPECT_EQ(on_server(), 0u);
  EXPECT_THAT(event_ids(), ::testing::IsSupersetOf({1046, 1048}));
  pop3->faults().clear();
  EXPECT_EQ(cycle(c).delivered, 0u) << "still blocked";
}

TEST_F(ConnectorCycle, RobustMovesTheCorruptMessageAsideAndDeliversTheRest) {
  pop3_fault("corrupt-eml");
  auto r = cycle(config(cn::Profile::Robust));
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(count_files(root() / "Failed Mail"), 1u);
  EXPECT_EQ(in_inbox(), 2u);
  EXPECT_THAT(event_ids(), ::testing::Contains(1051));
}

TEST_F(ConnectorCycle, MissingFolderFailsSbs2003AndIsRecreatedByRobust) {
  cycle(config(cn::Profile::Robust));  // sets up the root
  for (int i = 4; i <= 5; ++i) drop->add(fmt(i), message(i));
  fs::remove_all(root() / "Failed Mail");
  auto r = cycle(config(cn::Profile::Sbs2003));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(on_server(), 2u);
  EXPECT_EQ(event_ids(), (std::vector<int>{1000, 1046, 1048}));
  auto fixed = cycle(config(cn::Profile::Robust));
  EXPECT_EQ(fixed.delivered, 2u);
  EXPECT_THAT(event_ids(), ::testing::Contains(1050));
}

TEST_F(ConnectorCycle, BadPasswordIsAnEventAndChangesNothing) {
  auto c = config(cn::Profile::Robust);
  c.mailboxes[0].password = "wrong";
  auto r = cycle(c);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(on_server(), 3u);
  EXPECT_EQ(event_ids().front(), 12053);
  EXPECT_THAT(events.events().front().description, HasSubstr("-ERR Logon failure: Unknown user name or bad password."));
}

TEST_F(ConnectorCycle, AnonymousAccessOffIsEvent12052AndTheMailWaits) {
  smtp_fault("anonymous-disabled");
  auto c = config(cn::Profile::Robust);
  auto r = cycle(c);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(count_files(root() / "Incoming Mail"), 3u);
  auto e = events.events();
  auto it = std::find_if(e.begin(), e.end(), [](auto& ev) { return ev.id == 12052; });
  ASSERT_NE(it, e.end());
  EXPECT_EQ(it->description, "POP3: An error occurred during a POP3 transaction on 127.0.0.1 for user bob. The error is 86.");
  smtp->faults().clear();
  EXPECT_EQ(cycle(c).delivered, 3u);
  EXPECT_EQ(in_inbox(), 3u);
}

TEST_F(ConnectorCycle, RecipientPolicyWithoutTheDomainIsEvent1070) {
  smtp_fault("unknown-domain");
  auto r = cycle(config(cn::Profile::Robust));
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_THAT(event_ids(), ::testing::Contains(1070));
  EXPECT_EQ(count_files(root() / "Incoming Mail"), 3u);
}

TEST_F(ConnectorCycle, LostQuitNeitherLosesNorDoublesAMessage) {
  pop3_fault("disconnect,on=QUIT");  // the server never reaches UPDATE: nothing deleted
  auto c = config(cn::Profile::Robust);
  auto r = cycle(c);
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(on_server(), 3u);
  pop3->faults().clear();
  auto again = cycle(c);
  EXPECT_EQ(again.downloaded, 0u) << "the UIDL journal knows them";
  EXPECT_EQ(on_server(), 0u) << "and deletes them now";
  EXPECT_EQ(in_inbox(), 3u);
}

TEST_F(ConnectorCycle, DropMidRetrKeepsWhatArrivedWholeAndFetchesTheRestLater) {
  pop3_fault("disconnect,on=RETR,nth=2,bytes=10");
  auto c = config(cn::Profile::Robust);
  auto r = cycle(c);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.downloaded, 1u);
  pop3->faults().clear();
  cycle(c);
  EXPECT_EQ(on_server(), 0u);
  EXPECT_EQ(in_inbox(), 3u);
}

TEST_F(ConnectorCycle, ADiskErrorBeforeDeleLeavesTheMailOnTheServer) {
  ::testing::NiceMock<MockFileSystem> disk(real_fs);
  EXPECT_CALL(disk, commit(_)).WillRepeatedly(Invoke([](auto&) -> void {
    throw cn::FsError("cannot flush: No space left on device", ENOSPC);
  }));
  auto r = cycle(config(cn::Profile::Robust), disk);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(on_server(), 3u);
  for (auto& t : pop3->transcripts()) EXPECT_THAT(t->str(), ::testing::Not(HasSubstr("DELE")));
  EXPECT_EQ(count_files(root() / "Incoming Mail"), 0u) << "no half-written file is left under a message name";
  EXPECT_EQ(cycle(config(cn::Profile::Robust)).delivered, 3u);
}

TEST_F(ConnectorCycle, PickupDeliveryIsOneRename) {
  auto c = config(cn::Profile::Robust);
  c.delivery.smtp.reset();
  c.delivery.pickup = (dir.path() / "PickUp").string();
  fs::create_directories(c.delivery.pickup);
  auto r = cycle(c);
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(count_files(c.delivery.pickup), 3u);
  for (auto& e : fs::directory_iterator(c.delivery.pickup))
    EXPECT_TRUE(read(e.path()).starts_with("x-sender: <>\r\nx-receiver: <bob@contoso.local>\r\nFrom: sender"));
}

TEST_F(ConnectorCycle, GermanEventsWithLangDe) {
  cn::EventLog de("", cn::Lang::De, clock);
  fs::create_directories(root() / "Incoming Mail");
  auto c = config(cn::Profile::Sbs2003);
  cn::Connector connector(c, cn::Services{channels, real_fs, clock, de, log});
  connector.run_cycle();
  ASSERT_GE(de.events().size(), 2u);
  EXPECT_EQ(de.events()[0].id, 1046);
  EXPECT_EQ(de.events()[0].source, "POP3-Connector");
  EXPECT_EQ(de.events()[1].description, "Die Übermittlung wurde mit mindestens einem Fehler fertig gestellt.");
}

}  // namespace

// A crash after a batch is renamed into Incoming Mail and before its UIDLs are journaled
// (here: the journal append fails), then a cycle in which the delivery stage hands the
// leftovers on before the download looks at the folders. The download must still know
// them, or it fetches them again and they are delivered twice (seen as a rare failure of
// the SIGKILL test with pickup delivery).
TEST_F(ConnectorCycle, ACrashBeforeTheJournalDoublesNothingWhenDeliveryGoesFirst) {
  auto c = config(cn::Profile::Robust);
  {
    ::testing::NiceMock<MockFileSystem> crash(real_fs);
    EXPECT_CALL(crash, append(_, _)).WillOnce(Invoke([](const std::string&, std::string_view) -> void {
      throw cn::FsError("killed before the journal", EIO);
    }));
    cycle(c, crash);
  }
  ASSERT_EQ(count_files(root() / "Incoming Mail"), 3u);
  ASSERT_EQ(on_server(), 3u);

  ::testing::NiceMock<MockFileSystem> racing(real_fs);
  std::mutex m;
  std::condition_variable cv;
  int removed = 0;
  const auto cycle_thread = std::this_thread::get_id();
  ON_CALL(racing, remove(_)).WillByDefault(Invoke([&](const std::string& p) {
    real_fs.remove(p);
    std::lock_guard l(m);
    ++removed;
    cv.notify_all();
  }));
  // The download thread's first look at the journal waits (bounded) for the leftovers'
  // delivery: the order in which the old code lost the race.
  ON_CALL(racing, exists(_)).WillByDefault(Invoke([&](const std::string& p) {
    if (p.ends_with(".uidl") && std::this_thread::get_id() != cycle_thread) {
      std::unique_lock l(m);
      cv.wait_for(l, std::chrono::seconds(5), [&] { return removed >= 3; });
    }
    return real_fs.exists(p);
  }));
  auto r = cycle(c, racing);
  EXPECT_EQ(r.downloaded, 0u) << "fetched again";
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(on_server(), 0u);
  EXPECT_EQ(in_inbox(), 3u);
}

// A server that ends a session after a few refusals (421 after max_errors), as seed 004's
// pile of refused messages meets it: robust opens a new session after one that made
// progress and sets every refused message aside in the same cycle, with event 1055 once;
// sbs2003 stops at the first ended session, as before.
TEST_F(ConnectorCycle, RobustGoesOnOverANewSessionWhenTheServerEndsOneThatMadeProgress) {
  smtp->stop();
  maillab::smtp::ServerConfig sc;
  sc.listen = {"127.0.0.1", 0};
  sc.transcripts_kept = maillab::net::kTranscriptsWhenAsked;
  sc.session.max_errors = 4;  // one refused message (552, 503, 503) and its refused NDR
  smtp = std::make_unique<maillab::smtp::Server>(sc, smtp->world().config(), dir.path() / "store2");
  smtp->start();
  for (int i = 4; i <= 10; ++i) drop->add(fmt(i), message(i));
  smtp_fault("too-large:100");
  auto r = cycle(config(cn::Profile::Robust));
  EXPECT_EQ(r.failed, 10u);
  EXPECT_EQ(r.left, 0u);
  EXPECT_EQ(count_files(root() / "Failed Mail"), 10u);
  auto ids = event_ids();
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 1052), 10);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 1055), 1) << "one event for the cycle, not one per session";
  EXPECT_GT(smtp->transcripts().size(), 1u);
}

TEST_F(ConnectorCycle, Sbs2003StopsAtTheFirstSessionTheServerEnds) {
  smtp->stop();
  maillab::smtp::ServerConfig sc;
  sc.listen = {"127.0.0.1", 0};
  sc.transcripts_kept = maillab::net::kTranscriptsWhenAsked;
  sc.session.max_errors = 4;
  smtp = std::make_unique<maillab::smtp::Server>(sc, smtp->world().config(), dir.path() / "store2");
  smtp->start();
  for (int i = 4; i <= 10; ++i) drop->add(fmt(i), message(i));
  smtp_fault("too-large:100");
  auto r = cycle(config(cn::Profile::Sbs2003));
  EXPECT_EQ(smtp->transcripts().size(), 1u) << "no second session this cycle";
  EXPECT_EQ(r.refused, 10u) << "tried or not, every local copy is dropped";
  EXPECT_EQ(on_server(), 10u);
}

// Issue 12, defect 5: a line over 1 MiB blocked its mailbox for ever. Message text is
// streamed in pieces now, in both profiles alike, and arrives byte-identical.
class LongLineCycle : public ConnectorCycle {
 protected:
  void run(cn::Profile profile) {
    const std::string text = "From: big@fabrikam.com\r\nTo: bob@fabrikam.com\r\nMessage-ID: <big@fabrikam.com>\r\n\r\n" +
                             std::string(3 << 20, 'x') + "\r\n." + std::string(1 << 20, 'y') + "\r\nend\r\n";
    drop->add("long.eml", text);  // beside the fixture's three
    auto r = cycle(config(profile));
    EXPECT_TRUE(r.ok()) << ::testing::PrintToString(r.problems);
    EXPECT_EQ(r.delivered, 4u);
    EXPECT_EQ(on_server(), 0u);
    ASSERT_EQ(in_inbox(), 4u);
    std::size_t found = 0;
    for (auto& e : fs::recursive_directory_iterator(dir.path() / "store" / "bob@contoso.local"))
      if (e.is_regular_file() && read(e.path()) == text) ++found;
    EXPECT_EQ(found, 1u);
  }
};

TEST_F(LongLineCycle, Sbs2003DeliversAMessageWithA3MiBLineAndTheOthers) { run(cn::Profile::Sbs2003); }
TEST_F(LongLineCycle, RobustDeliversAMessageWithA3MiBLineAndTheOthers) { run(cn::Profile::Robust); }

// Issue 12, defect 9: with io 300 ms, a server that sends a byte every 100 ms never
// trips the io timeout; the deadline (1 s) ends the session, and the mail stays on the
// server for the next cycle.
class TrickleCycle : public ConnectorCycle {
 protected:
  void run(cn::Config c, const std::string& passed) {
    pop3_fault("bandwidth,on=RETR,bps=10");
    c.io_timeout = std::chrono::milliseconds(300);
    auto start = std::chrono::steady_clock::now();
    auto r = cycle(c);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.downloaded, 0u);
    EXPECT_EQ(on_server(), 3u);
    EXPECT_THAT(event_ids(), ::testing::Contains(12056));
    EXPECT_THAT(log_text(), HasSubstr(passed));
    pop3->faults().clear();
    // The server holds the maildrop's lock until its next trickled write meets the closed
    // connection; the test waits for that state (not for a time) before the next cycle.
    for (auto until = start + std::chrono::seconds(20); pop3->active_sessions() > 0;) {
      ASSERT_LT(std::chrono::steady_clock::now(), until) << "the server never noticed the closed session";
      std::this_thread::yield();
    }
    EXPECT_EQ(cycle(c).delivered, 3u);
    EXPECT_EQ(on_server(), 0u);
    EXPECT_EQ(in_inbox(), 3u);
  }
};

TEST_F(TrickleCycle, TheSessionDeadlineGivesUpATricklingServerAndNothingIsLost) {
  auto c = config(cn::Profile::Robust);
  c.session_timeout = std::chrono::seconds(1);
  run(c, "the session deadline (1 s) passed");
}

TEST_F(TrickleCycle, TheCycleDeadlineGivesUpATricklingServerAndNothingIsLost) {
  auto c = config(cn::Profile::Sbs2003);
  c.cycle_timeout = std::chrono::seconds(1);  // the session's is 4.5 s (15 io timeouts)
  run(c, "the cycle deadline (1 s) passed");
}

// In --interval mode one stalled mailbox must not hold the others back: its session ends
// at its deadline while the other mailbox's mail is delivered in the same cycle.
TEST_F(TrickleCycle, AStalledMailboxDoesNotHoldTheOthersBack) {
  auto alice = std::make_shared<maillab::pop3::Maildrop>("alice", "secret");
  pop3->mailboxes().add(alice);
  for (int i = 11; i <= 12; ++i) alice->add(fmt(i), message(i));
  pop3_fault("bandwidth,on=RETR,bps=10,user=bob");
  auto c = config(cn::Profile::Robust);
  c.io_timeout = std::chrono::milliseconds(300);
  c.session_timeout = std::chrono::seconds(1);
  auto second = c.mailboxes[0];
  second.user = second.name = "alice";
  c.mailboxes.push_back(second);
  auto start = std::chrono::steady_clock::now();
  auto r = cycle(c);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(r.delivered, 2u) << "alice's";
  EXPECT_EQ(alice->snapshot().size(), 0u);
  EXPECT_EQ(on_server(), 3u) << "bob's wait for the next cycle";
  EXPECT_THAT(event_ids(), ::testing::Contains(12056));
}
