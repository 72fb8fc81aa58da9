// Each fault kind on its own, the trigger, and the table's precedence.
#include <gtest/gtest.h>

#include "maillab/base/message_text.hpp"
#include "maillab/faults/corruption.hpp"
#include "maillab/faults/fault_registry.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/faults/fault_table.hpp"
#include "session_harness.hpp"

using namespace maillab;
using namespace maillab::faults;
using namespace std::chrono_literals;

namespace {

Trigger on(std::string verb) {
  Trigger t;
  t.verb = std::move(verb);
  return t;
}

// A kind with no parameters of its own, on a hand-made trigger.
std::unique_ptr<Fault> bare(std::string_view kind, Trigger t) {
  return fault_kinds().find(kind)->make(std::move(t), KindArgs{});
}

// A primitive from its spec, without presets.
std::unique_ptr<Fault> make(std::string_view spec) {
  auto faults = parse_fault_spec(spec, PresetRegistry{});
  return std::move(faults.at(0));
}

TEST(Trigger, MatchesVerbMessageAndUser) {
  Trigger t = on("retr");
  t.message = 2;
  t.user = "bob";
  auto f = bare("stall", t);
  EXPECT_TRUE(f->matches({"RETR", 2, "bob"}));
  EXPECT_FALSE(f->matches({"RETR", 1, "bob"}));
  EXPECT_FALSE(f->matches({"RETR", 2, "eve"}));
  EXPECT_FALSE(f->matches({"DELE", 2, "bob"}));
  EXPECT_TRUE(bare("stall", on("*"))->matches({"connect", 0, ""}));
  EXPECT_TRUE(bare("stall", on("CONNECT"))->matches({"connect", 0, ""}));
}

TEST(Trigger, NthOccurrenceOnly) {
  Trigger t = on("RETR");
  t.nth = 3;
  auto f = bare("stall", t);
  std::vector<bool> fired;
  for (int i = 0; i < 5; ++i) fired.push_back(f->fires({"RETR", 1, ""}));
  EXPECT_EQ(fired, (std::vector<bool>{false, false, true, false, false}));
  EXPECT_FALSE(f->fires({"DELE", 1, ""}));
}

TEST(Trigger, TimesLimitsFirings) {
  Trigger t = on("PASS");
  t.times = 2;
  auto f = bare("stall", t);
  EXPECT_TRUE(f->fires({"PASS", 0, ""}));
  EXPECT_TRUE(f->fires({"PASS", 0, ""}));
  EXPECT_FALSE(f->fires({"PASS", 0, ""}));
  EXPECT_EQ(f->fired(), 2u);
}

TEST(Trigger, ProbabilityIsSeededAndDeterministic) {
  auto run = [](std::uint64_t seed) {
    Trigger t = on("*");
    t.probability = 0.5;
    t.seed = seed;
    auto f = bare("stall", t);
    std::string pattern;
    for (int i = 0; i < 64; ++i) pattern += f->fires({"NOOP", 0, ""}) ? '1' : '0';
    return pattern;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  auto p = run(7);
  auto ones = std::count(p.begin(), p.end(), '1');
  EXPECT_GT(ones, 16);
  EXPECT_LT(ones, 48);
}

TEST(FaultTable, EmptyTableGivesNormal) {
  FaultTable table;
  auto v = table.on_reply({"RETR", 1, ""});
  EXPECT_EQ(v.rank, Rank::Normal);
  EXPECT_FALSE(v.reply);
  EXPECT_TRUE(table.empty());
}

TEST(FaultTable, PrecedenceDisconnectThenCloseThenHardThenSoftThenDelay) {
  FaultTable table;
  table.add(make("delay,on=X,ms=100"));
  table.add(make("reply,on=X,text=-ERR [SYS/TEMP] later"));
  auto v = table.on_reply({"X", 0, ""});
  EXPECT_EQ(v.rank, Rank::SoftError);
  EXPECT_EQ(v.delay, 100ms) << "delays add to whatever wins";
  table.add(make("reply,on=X,text=-ERR no"));
  EXPECT_EQ(*table.on_reply({"X", 0, ""}).reply, "-ERR no");
  table.add(make("reply,on=X,text=421 4.3.2 closing"));
  v = table.on_reply({"X", 0, ""});
  EXPECT_EQ(v.rank, Rank::ErrorAndClose);
  EXPECT_TRUE(v.close_after_reply);
  auto id = table.add(make("disconnect,on=X"));
  v = table.on_reply({"X", 0, ""});
  EXPECT_EQ(v.rank, Rank::Disconnect);
  EXPECT_EQ(v.drop, Drop::CloseBefore);
  EXPECT_EQ(v.delay, 100ms);
  EXPECT_TRUE(table.remove(id));
  EXPECT_FALSE(table.remove(id));
  EXPECT_EQ(table.on_reply({"X", 0, ""}).rank, Rank::ErrorAndClose);
  EXPECT_EQ(table.on_reply({"Y", 0, ""}).rank, Rank::Normal);
}

TEST(FaultTable, ClassifiesRepliesOfBothProtocols) {
  EXPECT_EQ(classify_reply("+OK"), Rank::Normal);
  EXPECT_EQ(classify_reply("-ERR [IN-USE] busy"), Rank::SoftError);
  EXPECT_EQ(classify_reply("-ERR Logon failure"), Rank::HardError);
  EXPECT_EQ(classify_reply("250 OK"), Rank::Normal);
  EXPECT_EQ(classify_reply("451 later"), Rank::SoftError);
  EXPECT_EQ(classify_reply("554 5.1.0 Sender denied"), Rank::HardError);
  EXPECT_EQ(classify_reply("421 bye"), Rank::ErrorAndClose);
  EXPECT_EQ(classify_reply("garbage"), Rank::HardError);
}

TEST(FaultTable, BandwidthTakesTheSlowestAndCutKeepsItsBytes) {
  FaultTable table;
  table.add(make("bandwidth,bps=1000"));
  table.add(make("bandwidth,bps=500"));
  table.add(make("reset,on=RETR,bytes=10"));
  auto v = table.on_reply({"RETR", 1, ""});
  EXPECT_EQ(v.bytes_per_second, 500u);
  EXPECT_EQ(v.drop, Drop::ResetAfter);
  EXPECT_EQ(v.cut_after_bytes, 10u);
}

TEST(FaultTable, LayersAreSeparate) {
  FaultTable table;
  int changes = 0;
  auto watch = table.subscribe([&] { ++changes; });
  table.add(make("refuse"));
  table.add(make("competing-client,take=2"));
  table.add(make("hide-drop"));
  EXPECT_TRUE(table.refusing());
  EXPECT_EQ(table.on_reply({"RETR", 1, ""}).rank, Rank::Normal);
  auto plan = table.on_lock({"PASS", 0, "bob"});
  EXPECT_TRUE(plan.hide_all);
  EXPECT_EQ(plan.take, 2u);
  table.clear();
  EXPECT_FALSE(table.refusing());
  EXPECT_EQ(changes, 4);
}

TEST(FaultTable, EveryObserverHearsOfEveryChangeUntilUnsubscribed) {
  FaultTable table;
  int first = 0, second = 0, third = 0;
  auto a = table.subscribe([&] { ++first; });
  auto b = table.subscribe([&] { ++second; });
  {
    auto c = table.subscribe([&] { ++third; });
    table.add(make("refuse"));
  }  // c unsubscribes as it goes
  b.reset();
  EXPECT_FALSE(b.active());
  auto id = table.add(make("hide-drop"));
  table.remove(id);
  EXPECT_EQ(first, 3);
  EXPECT_EQ(second, 1) << "unsubscribed explicitly";
  EXPECT_EQ(third, 1) << "unsubscribed by destruction";
}

TEST(FaultTable, ObserversMayUnsubscribeWhileCalledAndOutliveTheTable) {
  FaultTable::Subscription outliving;
  {
    FaultTable table;
    int calls = 0;
    FaultTable::Subscription self;
    self = table.subscribe([&] {
      ++calls;
      self.reset();
    });
    int later = 0;
    outliving = table.subscribe([&] { ++later; });
    table.clear();
    table.clear();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(later, 2);
    EXPECT_TRUE(outliving.active());
  }
  EXPECT_FALSE(outliving.active()) << "the table is gone; resetting must be harmless";
  outliving.reset();
}

TEST(FaultTable, CompetingClientsCombine) {
  MaildropPlan p;
  make("competing-client,take=3")->plan(p);
  make("competing-client,take=5")->plan(p);
  EXPECT_EQ(p.take, 5u);
  make("competing-client,take=all")->plan(p);
  EXPECT_EQ(p.take, 0u) << "0 means all";
  make("competing-client,take=2")->plan(p);
  EXPECT_EQ(p.take, 0u);
}

// truncate: a POP3 session whose RETR reply breaks off after N octets.
class TruncateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* h : {&cut, &whole})
      for (int i = 1; i <= 2; ++i)
        h->bob->add("m" + std::to_string(i), "Subject: " + std::to_string(i) + "\r\n\r\n" + std::string(500, 'a') + "\r\n");
    whole.login();
  }
  // What RETR N sends when nothing is cut.
  std::string full_retr(int n) { return whole.send("RETR " + std::to_string(n) + "\r\n"); }

  test::Pop3Harness cut;
  test::Pop3Harness whole;
};

TEST_F(TruncateTest, RetrIsCutAfterNOctetsThenTheConnectionCloses) {
  cut.fault("truncate,on=RETR,bytes=100");
  cut.login();
  auto got = cut.send("RETR 2\r\nQUIT\r\n");
  EXPECT_EQ(got, full_retr(2).substr(0, 100) + "[close]");
  EXPECT_EQ(cut.session->state(), pop3::State::Closed) << "QUIT is never read";
  EXPECT_EQ(cut.bob->snapshot().size(), 2u);
  EXPECT_FALSE(cut.bob->locked());
}

TEST_F(TruncateTest, OnlyTheMessageTheTriggerNames) {
  cut.fault("truncate,on=RETR,message=2,bytes=10,then=reset");
  cut.login();
  EXPECT_EQ(cut.send("RETR 1\r\n"), full_retr(1));
  EXPECT_EQ(cut.send("RETR 2\r\n"), full_retr(2).substr(0, 10) + "[reset]");
}

TEST_F(TruncateTest, ThenOpenLeavesTheReplyUnfinishedAndTheSessionGoing) {
  cut.fault("truncate,on=RETR,bytes=50,then=open");
  cut.login();
  EXPECT_EQ(cut.send("RETR 1\r\nNOOP\r\n"), full_retr(1).substr(0, 50) + "+OK\r\n");
  EXPECT_EQ(cut.session->state(), pop3::State::Transaction);
}

TEST_F(TruncateTest, AReplyShorterThanNGoesOutWholeAndStillCloses) {
  cut.fault("truncate,on=STAT,bytes=1000");
  cut.login();
  EXPECT_EQ(cut.send("STAT\r\n"), whole.send("STAT\r\n") + "[close]");
}

TEST(Truncate, SpecVerdictAndDescription) {
  auto f = make("truncate,on=retr,bytes=1K");
  EXPECT_EQ(f->describe(), "truncate,on=RETR,bytes=1024");
  Verdict v;
  f->apply(v);
  EXPECT_EQ(v.rank, Rank::Disconnect);
  EXPECT_EQ(v.drop, Drop::CloseAfter);
  EXPECT_EQ(v.cut_after_bytes, 1024u);
  EXPECT_EQ(make("truncate,bytes=0,then=open")->describe(), "truncate,bytes=0,then=open");
  EXPECT_THROW(make("truncate,on=RETR"), SpecError);
  EXPECT_THROW(make("truncate,bytes=9,then=later"), SpecError);
}

const std::string kPlain = "From: a@b\r\nSubject: hi\r\n\r\nline one\r\nline two\r\nline three\r\n";
const std::string kMultipart =
    "Subject: parts\r\nContent-Type: multipart/mixed; boundary=\"XyZ\"\r\n\r\n--XyZ\r\nContent-Type: "
    "text/plain\r\n\r\nbody\r\n--XyZ--\r\n";

std::string corrupted(Corruption c, std::string text) {
  apply_corruption(c, text);
  return text;
}

TEST(Corruption, Truncated) {
  auto t = corrupted(Corruption::Truncated, kPlain);
  EXPECT_LT(t.size(), kPlain.size());
  EXPECT_TRUE(kPlain.starts_with(t));
  EXPECT_FALSE(t.ends_with("\n")) << "ends in the middle of a line";
}

TEST(Corruption, NulBytesInTheBody) {
  auto t = corrupted(Corruption::NulBytes, kPlain);
  auto nul = t.find('\0');
  ASSERT_NE(nul, std::string::npos);
  EXPECT_GT(nul, body_offset(kPlain));
}

TEST(Corruption, BareLfInTheBody) {
  auto t = corrupted(Corruption::BareLf, kPlain);
  EXPECT_TRUE(t.starts_with("From: a@b\r\nSubject: hi\r\n\r\n"));
  EXPECT_NE(t.find("line one\nline two\n"), std::string::npos);
}

TEST(Corruption, NoSeparator) {
  auto t = corrupted(Corruption::NoSeparator, kPlain);
  EXPECT_EQ(t.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(t.size(), kPlain.size() - 2);
}

TEST(Corruption, BrokenBoundary) {
  auto t = corrupted(Corruption::BrokenBoundary, kMultipart);
  EXPECT_NE(t.find("boundary=\"XyZ\""), std::string::npos);
  EXPECT_EQ(t.find("\r\n--XyZ\r\n"), std::string::npos);
  EXPECT_EQ(t.find("\r\n--XyZ--\r\n"), std::string::npos);
  auto plain = corrupted(Corruption::BrokenBoundary, kPlain);
  EXPECT_TRUE(plain.starts_with("Content-Type: multipart/mixed; boundary=")) << "a boundary that never appears";
}

TEST(Corruption, EightBitHeader) {
  auto t = corrupted(Corruption::EightBitHeader, kPlain);
  auto subject = header_value(t, "Subject");
  EXPECT_TRUE(std::any_of(subject.begin(), subject.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
      << subject;
  EXPECT_EQ(header_value(t, "From"), "a@b");
}

TEST(Corruption, NamesRoundTrip) {
  for (auto c : {Corruption::Truncated, Corruption::NulBytes, Corruption::BareLf, Corruption::NoSeparator,
                 Corruption::BrokenBoundary, Corruption::EightBitHeader})
    EXPECT_EQ(corruption_from_name(corruption_name(c)), c);
  EXPECT_FALSE(corruption_from_name("nope"));
}

}  // namespace
