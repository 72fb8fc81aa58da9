// The documented faults, as presets, seen from a client of the session.
#include <gtest/gtest.h>

#include "maillab/pop3/replies.hpp"
#include "session_harness.hpp"

using namespace maillab;
using namespace maillab::pop3;
using maillab::test::Pop3Harness;

namespace {

std::string crlf(std::string_view line) { return std::string(line) + "\r\n"; }

class PresetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 3; ++i)
      h.bob->add("m" + std::to_string(i), "Subject: " + std::to_string(i) + "\r\n\r\n" + std::string(2000, 'a' + i) + "\r\n");
  }
  Pop3Harness h;
};

TEST_F(PresetTest, BadPasswordGivesTheSeedsReplyEvenForTheRightPassword) {
  h.fault("bad-password");
  h.start();
  EXPECT_EQ(h.send("user bob\r\n"), "+OK\r\n");
  EXPECT_EQ(h.send("pass secret\r\n"), "-ERR Logon failure: Unknown user name or bad password.\r\n");
  EXPECT_EQ(h.session->state(), State::Authorization);
  EXPECT_FALSE(h.bob->locked());
  EXPECT_EQ(h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n"), crlf(reply::kLogonFailure)) << "every mechanism";
  EXPECT_EQ(h.send("AUTH LOGIN Ym9i\r\nc2VjcmV0\r\n"), crlf(reply::kAuthLoginPass) + crlf(reply::kLogonFailure));
}

TEST_F(PresetTest, EmptyDropGivesStatZeroAndLeavesTheMail) {
  h.fault("empty-drop");
  h.login();
  EXPECT_EQ(h.send("stat\r\n"), "+OK 0 0\r\n");
  EXPECT_EQ(h.send("LIST\r\n"), "+OK 0 messages (0 octets)\r\n.\r\n");
  h.send("QUIT\r\n");
  EXPECT_EQ(h.bob->snapshot().size(), 3u);
}

TEST_F(PresetTest, CompetingClientTakesTheMailFirst) {
  h.fault("competing-client");
  h.login();
  EXPECT_EQ(h.send("STAT\r\n"), crlf(reply::kEmptyDrop));
  auto gone = h.bob->departures();
  ASSERT_EQ(gone.size(), 3u);
  for (auto& d : gone) EXPECT_EQ(d.reason, DepartureReason::CompetingClient);
}

TEST_F(PresetTest, CompetingClientCanTakeSome) {
  h.fault("competing-client:2");
  h.login();
  EXPECT_EQ(h.send("UIDL\r\n"), "+OK unique-id listing follows\r\n1 m3\r\n.\r\n");
}

TEST_F(PresetTest, BannerNotOk) {
  h.fault("banner-not-ok");
  auto banner = h.start();
  EXPECT_EQ(banner, "-ERR [SYS/TEMP] mail-host.fabrikam.com service not available\r\n[close]");
  h.faults.clear();
  h.fault("banner-not-ok:220 mail-host.fabrikam.com ESMTP");
  EXPECT_EQ(h.start(), "220 mail-host.fabrikam.com ESMTP\r\n[close]");
}

TEST_F(PresetTest, DropMidRetrSendsPartOfTheMessageThenCloses) {
  h.fault("drop-mid-retr:100");
  h.login();
  auto got = h.send("DELE 1\r\nRETR 2\r\nQUIT\r\n");
  EXPECT_EQ(got.size(), std::string("+OK message 1 deleted\r\n").size() + 100 + std::string("[close]").size());
  EXPECT_TRUE(got.ends_with("[close]"));
  EXPECT_EQ(h.session->state(), State::Closed);
  EXPECT_EQ(h.bob->snapshot().size(), 3u) << "no QUIT, no UPDATE";
  EXPECT_FALSE(h.bob->locked());
}

TEST_F(PresetTest, SlowDelaysEveryReplyAndThrottles) {
  h.fault("slow,ms=30,bps=1000");
  EXPECT_EQ(h.start(), "[pause 30][bps 1000]" + crlf(reply::kBanner));
}

TEST_F(PresetTest, CorruptEmlServesMessageOneCorruptWithConsistentSizes) {
  h.fault("corrupt-eml");
  h.login();
  auto list = h.send("LIST 1\r\n");
  auto retr = h.send("RETR 1\r\n");
  auto body = retr.substr(5, retr.size() - 5 - 3);  // between "+OK\r\n" and ".\r\n"
  EXPECT_NE(body.find('\0'), std::string::npos);
  EXPECT_EQ(list, "+OK 1 " + std::to_string(body.size()) + "\r\n");
  EXPECT_EQ(h.send("RETR 2\r\n").find('\0'), std::string::npos);
}

TEST_F(PresetTest, CorruptBareLfReachesTheWire) {
  h.fault("corrupt-eml:bare-lf,message=2");
  h.bob->add("m4", "Subject: x\r\n\r\na\r\nb\r\n");
  h.login();
  EXPECT_EQ(h.send("RETR 4\r\n"), "+OK\r\nSubject: x\r\n\r\na\r\nb\r\n.\r\n");
  auto two = h.send("RETR 2\r\n");
  EXPECT_NE(two.find("\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(two.ends_with("\n\r\n.\r\n")) << "terminated even though the body ends in a bare LF";
}

TEST_F(PresetTest, ReplyOverrideOnlyTheNthTimeThenNormal) {
  h.fault("reply,on=RETR,nth=2,text=-ERR [SYS/TEMP] try later");
  h.login();
  EXPECT_TRUE(h.send("RETR 1\r\n").starts_with("+OK\r\n"));
  EXPECT_EQ(h.send("RETR 2\r\n"), "-ERR [SYS/TEMP] try later\r\n");
  EXPECT_TRUE(h.send("RETR 2\r\n").starts_with("+OK\r\n"));
}

TEST_F(PresetTest, ReplyOverrideForOneMessageOnly) {
  h.fault("reply,on=DELE,message=2,text=-ERR cannot delete");
  h.login();
  EXPECT_EQ(h.send("DELE 1\r\nDELE 2\r\nDELE 3\r\n"),
            "+OK message 1 deleted\r\n-ERR cannot delete\r\n+OK message 3 deleted\r\n");
  h.send("QUIT\r\n");
  ASSERT_EQ(h.bob->snapshot().size(), 1u);
  EXPECT_EQ(h.bob->snapshot()[0].uid, "m2");
}

TEST_F(PresetTest, PositiveOverrideChangesOnlyTheStatusLine) {
  h.fault("reply,on=STAT,text=+OK   3   6033");
  h.login();
  EXPECT_EQ(h.send("STAT\r\n"), "+OK   3   6033\r\n");
}

TEST_F(PresetTest, DisconnectAndResetBeforeOrAfter) {
  h.fault("disconnect,on=STAT");
  h.login();
  EXPECT_EQ(h.send("STAT\r\n"), "[close]");
  h.faults.clear();
  h.fault("reset,on=NOOP,when=after");
  h.login();
  EXPECT_EQ(h.send("NOOP\r\nSTAT\r\n"), "+OK\r\n[reset]");
}

TEST_F(PresetTest, StallNeverAnswers) {
  h.fault("stall,on=RETR");
  h.login();
  EXPECT_EQ(h.send("RETR 1\r\nNOOP\r\n"), "[stall]");
  EXPECT_TRUE(h.session->finished());
}

TEST_F(PresetTest, FaultsForOneUserOnly) {
  h.mailboxes.add(std::make_shared<Maildrop>("eve", "pw"));
  h.fault("empty-drop,user=bob");
  h.start();
  h.send("USER eve\r\nPASS pw\r\n");
  EXPECT_EQ(h.send("STAT\r\n"), "+OK 0 0\r\n");
  h.login();
  EXPECT_TRUE(h.send("STAT\r\n").starts_with("+OK 0 0")) << "bob's drop hidden";
  h.faults.clear();
  h.login();
  EXPECT_FALSE(h.send("STAT\r\n").starts_with("+OK 0 0"));
}

}  // namespace
