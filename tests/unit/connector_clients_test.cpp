// The connector's POP3 and SMTP clients against a GoogleMock channel: what they send, how
// they read what comes back, and that credentials never reach the diagnostic log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>

#include "maillab/connector/clock.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/hr_result.hpp"
#include "maillab/connector/pop3_client.hpp"
#include "maillab/connector/smtp_client.hpp"

namespace cn = maillab::connector;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Invoke;
using ::testing::Not;

namespace {

class MockChannel : public cn::Channel {
 public:
  MOCK_METHOD(void, write, (std::string_view bytes), (override));
  MOCK_METHOD(std::string_view, read_line, (), (override));
  MOCK_METHOD(void, close, (), (override));

  // Serves `lines` (CRLF added) to read_line and records every write.
  void script(std::vector<std::string> lines) {
    for (auto& l : lines) queue_.push_back(l + "\r\n");
    ON_CALL(*this, read_line()).WillByDefault(Invoke([this]() -> std::string_view {
      if (queue_.empty()) throw cn::ChannelError(cn::ChannelError::Kind::Closed, 0, "closed");
      current_ = queue_.front();
      queue_.pop_front();
      return current_;
    }));
    ON_CALL(*this, write(_)).WillByDefault(Invoke([this](std::string_view b) { written += b; }));
  }
  std::string written;

 private:
  std::deque<std::string> queue_;
  std::string current_;
};

struct Log {
  Log() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  // 07/29/20, 15:49:30 UTC, the seed's time.
  cn::ManualClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1596037770))};
  std::vector<std::string> lines;
  cn::DiagLog log{cn::LogLevel::Maximum, clock, [this](std::string_view l) { lines.emplace_back(l); }};
  std::string all() const {
    std::string out;
    for (auto& l : lines) out += l + "\n";
    return out;
  }
};

}  // namespace

TEST(Pop3Client, LogsOnWithUserPassAndMasksThePassword) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"+OK mail-host.fabrikam.com server type and version server ready", "+OK", "+OK User successfully logged on."});
  Log log;
  cn::Pop3Client c(ch, log.log, 0);
  c.greet();
  c.login("bob", "s3cret-pw", cn::Pop3Auth::UserPass);
  EXPECT_EQ(ch.written, "USER bob\r\nPASS s3cret-pw\r\n");
  EXPECT_THAT(log.all(), Not(HasSubstr("s3cret-pw")));
  EXPECT_THAT(log.all(), HasSubstr("[t 0] 07/29/20, 15:49:30: (POP3) [TX] PASS ****\n"));
}

TEST(Pop3Client, SeedsLogonFailureIsALogonError) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"+OK ready", "+OK", "-ERR Logon failure: Unknown user name or bad password."});
  cn::Pop3Client c(ch, cn::DiagLog::null(), 0);
  c.greet();
  try {
    c.login("bob", "wrong", cn::Pop3Auth::UserPass);
    FAIL() << "no error";
  } catch (const cn::Pop3Error& e) {
    EXPECT_EQ(e.kind(), cn::Pop3Error::Kind::Logon);
    EXPECT_EQ(e.reply(), "-ERR Logon failure: Unknown user name or bad password.");
    EXPECT_EQ(e.hr(), cn::kHrPop3InvalidPassword);
  }
}

TEST(Pop3Client, AGreetingThatIsNotOkIsRefused) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"-ERR [SYS/TEMP] mail-host.fabrikam.com service not available"});
  cn::Pop3Client c(ch, cn::DiagLog::null(), 0);
  EXPECT_THROW(c.greet(), cn::Pop3Error);
}

TEST(Pop3Client, ApopAndAuthPlainSendDigestAndToken) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "+OK"});
  Log log;
  cn::Pop3Client c(ch, log.log, 0);
  c.greet();
  c.login("mrose", "tanstaaf", cn::Pop3Auth::Apop);
  EXPECT_EQ(ch.written, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");  // RFC 1939's example
  EXPECT_THAT(log.all(), Not(HasSubstr("c4c9334b")));
  ::testing::NiceMock<MockChannel> ch2;
  ch2.script({"+OK", "+OK"});
  cn::Pop3Client c2(ch2, log.log, 0);
  c2.greet();
  c2.login("bob", "pw", cn::Pop3Auth::Plain);
  EXPECT_EQ(ch2.written, "AUTH PLAIN AGJvYgBwdw==\r\n");
  EXPECT_THAT(log.all(), Not(HasSubstr("AGJvYgBwdw")));
}

namespace {
struct Collect : cn::Pop3MessageSink {
  std::vector<std::string> messages;
  std::vector<int> refused_numbers;
  void begin(const cn::Pop3Entry&) override { messages.emplace_back(); }
  void line(std::string_view b) override { messages.back() += b; }
  void end(const cn::Pop3Entry&) override {}
  void refused(const cn::Pop3Entry& e, const cn::Pop3Status&) override { refused_numbers.push_back(e.number); }
};
}  // namespace

TEST(Pop3Client, PipelinedRetrIsOneWriteAndUnstuffsDots) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"+OK", "+OK Capability list follows", "PIPELINING", "UIDL", ".", "+OK", "a", "..dot", ".", "-ERR no such message",
             "+OK", "b", "."});
  cn::Pop3Client c(ch, cn::DiagLog::null(), 0);
  c.greet();
  c.capabilities();
  EXPECT_TRUE(c.offers_pipelining());
  ch.written.clear();
  EXPECT_CALL(ch, write(_)).Times(1);  // three RETRs, one write
  Collect sink;
  c.retrieve({{1, 10, "u1"}, {2, 10, "u2"}, {3, 10, "u3"}}, 3, sink, true);
  EXPECT_EQ(sink.messages, (std::vector<std::string>{"a\r\n.dot\r\n", "b\r\n"}));
  EXPECT_EQ(sink.refused_numbers, std::vector<int>{2});
}

TEST(Pop3Client, ListingMergesUidlAndList) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"+OK", "1 whqtswO00WBw418f9t5JxYwZ", "2 QhdPYR:00WBw1Ph7x7", ".", "+OK 2 messages", "1 120", "2 200", "."});
  cn::Pop3Client c(ch, cn::DiagLog::null(), 0);
  auto l = c.listing();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[1].uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_EQ(l[1].size, 200u);
}

TEST(SmtpClient, SeedSyntaxWithoutPipeliningAsTheLogShows) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"220 mail1 ESMTP", "250-mail1 Hello", "250-PIPELINING", "250-DSN", "250-SIZE 5242880", "250 OK",
             "250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "354 Start mail input; end with .",
             "554 5.1.0 Sender denied"});
  Log log;
  cn::SmtpStyle style;
  style.pipelining = false;
  style.seed_syntax = true;
  style.size_param = false;
  cn::SmtpClient c(ch, log.log, 0, style);
  c.open("sbs");
  ch.written.clear();
  std::string msg = "Subject: x\r\n\r\n.leading dot\r\nlast";
  auto out = c.send({"", {"bla@test.de"}}, false, msg);
  EXPECT_FALSE(out.delivered);
  EXPECT_EQ(out.command, "SMTP_DOT");
  EXPECT_EQ(out.reply.code, 554);
  EXPECT_EQ(ch.written,
            "MAIL FROM: <> RET=FULL\r\nRCPT TO: <bla@test.de> NOTIFY=FAILURE\r\nDATA\r\n"
            "Subject: x\r\n\r\n..leading dot\r\nlast\r\n.\r\n");
  EXPECT_THAT(log.all(), HasSubstr("(SMTP) [TX] MAIL FROM: <> RET=FULL\n"));
  EXPECT_THAT(log.all(), HasSubstr("(SMTP) [TX]\n.\n"));
  EXPECT_THAT(log.all(), HasSubstr("(SMTP) [RX] 554 5.1.0 Sender denied\n"));
}

TEST(SmtpClient, PipelinesWhenOfferedAndFallsBackToHelo) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"220 x", "502 5.5.2 EHLO not implemented", "250 x", "250 ok", "250 ok", "354 go", "250 queued"});
  cn::SmtpClient c(ch, cn::DiagLog::null(), 0, {});
  c.open("me");
  EXPECT_FALSE(c.extensions().pipelining);
  ::testing::NiceMock<MockChannel> ch2;
  ch2.script({"220 x", "250-x", "250-PIPELINING", "250 8BITMIME", "250 ok", "250 ok", "354 go", "250 queued"});
  cn::SmtpClient c2(ch2, cn::DiagLog::null(), 0, {});
  c2.open("me");
  ch2.written.clear();
  std::string msg = "Subject: \xe9\r\n\r\nb\r\n";
  auto out = c2.send({"", {"a@b"}}, true, msg);
  EXPECT_TRUE(out.delivered);
  EXPECT_EQ(ch2.written.substr(0, ch2.written.find("Subject")),
            "MAIL FROM:<> BODY=8BITMIME\r\nRCPT TO:<a@b>\r\nDATA\r\n");
}

TEST(SmtpClient, AuthMasksCredentials) {
  ::testing::NiceMock<MockChannel> ch;
  ch.script({"220 x", "250-x", "250 AUTH LOGIN", "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 ok"});
  Log log;
  cn::SmtpClient c(ch, log.log, 0, {});
  c.open("me");
  c.authenticate("relay", "hunter2");
  EXPECT_THAT(ch.written, HasSubstr("AUTH LOGIN\r\ncmVsYXk=\r\naHVudGVyMg==\r\n"));
  EXPECT_THAT(log.all(), Not(HasSubstr("aHVudGVyMg")));
  EXPECT_THAT(log.all(), Not(HasSubstr("hunter2")));
}

// Seed 004's block, to the byte, from "Failure hrResult" to the second "pwszProblem:".
TEST(DiagLog, DeliveryFailureBlockIsSeed004s) {
  Log log;
  cn::SmtpReply reply;
  reply.code = 554;
  reply.lines = {"5.1.0 Sender denied"};
  log.log.delivery_failure(0, 0x800ccc6f, 1, "SMTP_DOT", reply, 0);
  const char* block =
      "[t 0] 07/29/20, 15:49:35: SMTPRESPONSE: * * * !Failed! * * *\n"
      "[t 0] 07/29/20, 15:49:35: * * * * * *\n"
      "[t 0] 07/29/20, 15:49:35: * * * 0x800ccc6f * * *\n"
      "[t 0] 07/29/20, 15:49:35: Command: [SMTP_DOT]\n"
      "[t 0] 07/29/20, 15:49:35: Completed: Yes.\n"
      "[t 0] 07/29/20, 15:49:35: IxpResult:\n"
      "[t 0] 07/29/20, 15:49:35: \u2014> \u2014> \u2014> hrResult: 0x800ccc6f\n"
      "[t 0] 07/29/20, 15:49:35: pszResponse: 554 5.1.0 Sender denied\n"
      "[t 0] 07/29/20, 15:49:35: uiServerError: 554\n"
      "[t 0] 07/29/20, 15:49:35: dwSocketError: 0\n"
      "[t 0] 07/29/20, 15:49:35: pwszProblem:\n";
  std::string expected = std::string("[t 0] 07/29/20, 15:49:35: Failure hrResult (0x800ccc6f) trying to deliver message id 1:\n") +
                         block + "[t 0] 07/29/20, 15:49:35: Unfamiliar error delivering mail: 554\n" +
                         "[t 0] 07/29/20, 15:49:35: Full response details:\n" + block;
  log.lines.clear();
  log.clock.advance(std::chrono::seconds(5));
  log.log.delivery_failure(0, 0x800ccc6f, 1, "SMTP_DOT", reply, 0);
  EXPECT_EQ(log.all(), expected);
}

TEST(DiagLog, LevelsFilter) {
  std::vector<std::string> lines;
  cn::SystemClock clock;
  cn::DiagLog medium(cn::LogLevel::Medium, clock, [&](std::string_view l) { lines.emplace_back(l); });
  medium.traffic(0, "POP3", true, "RETR 1");
  medium.line(cn::LogLevel::Medium, 0, "kept");
  cn::DiagLog none(cn::LogLevel::None, clock, [&](std::string_view l) { lines.emplace_back(l); });
  none.line(cn::LogLevel::Minimum, 0, "dropped");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("kept"));
}
