// The POP3 session without sockets: every command in every state, every error path, the
// seeds' transcripts byte for byte, and any split of the input.
#include <gtest/gtest.h>

#include "maillab/base/codec.hpp"
#include "maillab/pop3/replies.hpp"
#include "session_harness.hpp"

using namespace maillab;
using namespace maillab::pop3;
using maillab::test::Pop3Harness;

namespace {

std::string crlf(std::string_view line) { return std::string(line) + "\r\n"; }

const std::string kOne = "From: a@fabrikam.com\r\nSubject: one\r\n\r\nhello\r\n.starts with a dot\r\nbye\r\n";
const std::string kTwo = "Subject: two\r\n\r\nline 1\r\nline 2\r\nline 3\r\n";

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.bob->add("001", kOne);
    h.bob->add("002", kTwo);
  }
  Pop3Harness h;
};

TEST_F(SessionTest, GreetsWithTheSeedsBanner) {
  EXPECT_EQ(h.start(), crlf(reply::kBanner));
  EXPECT_EQ(h.session->state(), State::Authorization);
}

TEST_F(SessionTest, ConfiguredBannerAndApopTimestamp) {
  h.config.banner = "+OK pop.contoso.test ready";
  h.config.apop = true;
  auto banner = h.start();
  EXPECT_TRUE(banner.starts_with("+OK pop.contoso.test ready <1.maillab@mail-host.fabrikam.com>\r\n")) << banner;
}

TEST_F(SessionTest, SeedTelnetSessionByteForByte) {
  h.start();
  EXPECT_EQ(h.send("user bob\r\n"), "+OK\r\n");
  EXPECT_EQ(h.send("pass secret\r\n"), "+OK User successfully logged on.\r\n");
  auto size = kOne.size() + kTwo.size();
  EXPECT_EQ(h.send("stat\r\n"), "+OK 2 " + std::to_string(size) + "\r\n");
  EXPECT_EQ(h.send("quit\r\n"), "+OK Connection to host lost.\r\n[close]");
  EXPECT_EQ(h.session->state(), State::Closed);
}

TEST_F(SessionTest, BadPasswordAsTheSeedsShowAndRetryWorks) {
  h.start();
  EXPECT_EQ(h.send("user bob\r\n"), "+OK\r\n");
  EXPECT_EQ(h.send("pass wrong\r\n"), "-ERR Logon failure: Unknown user name or bad password.\r\n");
  EXPECT_EQ(h.session->state(), State::Authorization);
  EXPECT_EQ(h.send("USER nobody\r\nPASS secret\r\n"), "+OK\r\n" + crlf(reply::kLogonFailure));
  EXPECT_EQ(h.send("USER bob\r\nPASS secret\r\n"), "+OK\r\n" + crlf(reply::kLogonOk));
  EXPECT_EQ(h.session->state(), State::Transaction);
}

TEST_F(SessionTest, PassWithoutUserAndPasswordWithSpaces) {
  auto md = std::make_shared<Maildrop>("eve", "pass word ");
  h.mailboxes.add(md);
  h.start();
  EXPECT_EQ(h.send("PASS x\r\n"), crlf(reply::kPassWithoutUser));
  EXPECT_EQ(h.send("USER eve\r\nPASS pass word \r\n"), "+OK\r\n" + crlf(reply::kLogonOk));
}

TEST_F(SessionTest, TransactionCommandsAreRefusedBeforeLogon) {
  h.start();
  for (auto cmd : {"STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL"})
    EXPECT_EQ(h.send(std::string(cmd) + "\r\n"), crlf(reply::kWrongState)) << cmd;
}

TEST_F(SessionTest, AuthorizationCommandsAreRefusedAfterLogon) {
  h.login();
  h.config.max_errors = 100;
  for (auto cmd : {"USER bob", "PASS secret", "APOP bob 0123456789abcdef0123456789abcdef", "AUTH PLAIN"})
    EXPECT_EQ(h.send(std::string(cmd) + "\r\n"), crlf(reply::kWrongState)) << cmd;
}

TEST_F(SessionTest, UnknownCommandsAndEmptyLines) {
  h.start();
  EXPECT_EQ(h.send("HELO x\r\n"), crlf(reply::kUnknownCommand));
  EXPECT_EQ(h.send("\r\n"), crlf(reply::kUnknownCommand));
}

TEST_F(SessionTest, ListAndUidl) {
  h.login();
  EXPECT_EQ(h.send("LIST\r\n"), "+OK 2 messages (" + std::to_string(kOne.size() + kTwo.size()) + " octets)\r\n1 " +
                                    std::to_string(kOne.size()) + "\r\n2 " + std::to_string(kTwo.size()) + "\r\n.\r\n");
  EXPECT_EQ(h.send("LIST 2\r\n"), "+OK 2 " + std::to_string(kTwo.size()) + "\r\n");
  EXPECT_EQ(h.send("LIST 3\r\n"), crlf(reply::kNoSuchMessage));
  EXPECT_EQ(h.send("LIST 0\r\n"), crlf(reply::kNoSuchMessage));
  EXPECT_EQ(h.send("LIST x\r\n"), crlf(reply::kSyntax));
  EXPECT_EQ(h.send("UIDL\r\n"), "+OK unique-id listing follows\r\n1 001\r\n2 002\r\n.\r\n");
  EXPECT_EQ(h.send("UIDL 2\r\n"), "+OK 2 002\r\n");
}

TEST_F(SessionTest, RetrByteStuffsAndTerminates) {
  h.login();
  EXPECT_EQ(h.send("RETR 1\r\n"),
            "+OK\r\nFrom: a@fabrikam.com\r\nSubject: one\r\n\r\nhello\r\n..starts with a dot\r\nbye\r\n.\r\n");
  EXPECT_EQ(h.send("RETR 9\r\n"), crlf(reply::kNoSuchMessage));
  EXPECT_EQ(h.send("RETR\r\n"), crlf(reply::kSyntax));
}

TEST_F(SessionTest, TopSendsHeaderAndNLines) {
  h.login();
  EXPECT_EQ(h.send("TOP 2 1\r\n"), "+OK\r\nSubject: two\r\n\r\nline 1\r\n.\r\n");
  EXPECT_EQ(h.send("TOP 2 0\r\n"), "+OK\r\nSubject: two\r\n\r\n.\r\n");
  EXPECT_EQ(h.send("TOP 2 99\r\n"), "+OK\r\n" + kTwo + ".\r\n");
  EXPECT_EQ(h.send("TOP 2\r\n"), crlf(reply::kSyntax));
}

TEST_F(SessionTest, DeleRsetAndUpdateOnlyOnQuit) {
  h.login();
  EXPECT_EQ(h.send("DELE 1\r\n"), "+OK message 1 deleted\r\n");
  EXPECT_EQ(h.send("DELE 1\r\n"), crlf(reply::kAlreadyDeleted));
  EXPECT_EQ(h.send("RETR 1\r\n"), crlf(reply::kAlreadyDeleted));
  EXPECT_EQ(h.send("STAT\r\n"), "+OK 1 " + std::to_string(kTwo.size()) + "\r\n");
  EXPECT_EQ(h.send("RSET\r\n"), "+OK maildrop has 2 messages (" + std::to_string(kOne.size() + kTwo.size()) +
                                    " octets)\r\n");
  EXPECT_EQ(h.send("DELE 2\r\n"), "+OK message 2 deleted\r\n");
  EXPECT_EQ(h.bob->snapshot().size(), 2u) << "nothing changes before UPDATE";
  EXPECT_EQ(h.send("QUIT\r\n"), crlf(reply::kQuit) + "[close]");
  auto left = h.bob->snapshot();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].uid, "001");
  ASSERT_EQ(h.bob->departures().size(), 1u);
  EXPECT_EQ(h.bob->departures()[0].reason, DepartureReason::Retrieved);
}

TEST_F(SessionTest, ConnectionLostWithoutQuitChangesNothing) {
  h.login();
  h.send("DELE 1\r\nDELE 2\r\n");
  h.session->abort();
  EXPECT_EQ(h.bob->snapshot().size(), 2u);
  EXPECT_FALSE(h.bob->locked());
}

TEST_F(SessionTest, OneSessionPerMaildrop) {
  h.login();
  auto second = h.open();
  second->feed("USER bob\r\n");
  EXPECT_EQ(maillab::test::render(second->feed("PASS secret\r\n")), crlf(reply::kInUse));
  EXPECT_EQ(second->state(), State::Authorization);
  h.send("QUIT\r\n");
  EXPECT_EQ(maillab::test::render(second->feed("USER bob\r\nPASS secret\r\n")), "+OK\r\n" + crlf(reply::kLogonOk));
}

TEST_F(SessionTest, NoopCapaAndArgumentChecks) {
  h.start();
  auto capa = h.send("CAPA\r\n");
  EXPECT_TRUE(capa.starts_with(crlf(reply::kCapa))) << capa;
  for (auto cap : {"\r\nTOP\r\n", "\r\nUIDL\r\n", "\r\nUSER\r\n", "\r\nSASL PLAIN LOGIN\r\n", "\r\nRESP-CODES\r\n",
                   "\r\nPIPELINING\r\n"})
    EXPECT_NE(capa.find(cap), std::string::npos) << cap;
  EXPECT_TRUE(capa.ends_with("\r\n.\r\n"));
  h.send("USER bob\r\nPASS secret\r\n");
  EXPECT_EQ(h.send("NOOP\r\n"), "+OK\r\n");
  EXPECT_EQ(h.send("NOOP x\r\n"), crlf(reply::kSyntax));
  EXPECT_EQ(h.send("STAT 1\r\n"), crlf(reply::kSyntax));
  EXPECT_TRUE(h.send("CAPA\r\n").starts_with(crlf(reply::kCapa)));
}

TEST_F(SessionTest, AuthPlainWithInitialResponseAndContinuation) {
  h.start();
  EXPECT_EQ(h.send("AUTH PLAIN " + base64_encode(std::string("\0bob\0secret", 11)) + "\r\n"), crlf(reply::kLogonOk));
  h.start();
  EXPECT_EQ(h.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(h.send(base64_encode(std::string("bob\0bob\0secret", 14)) + "\r\n"), crlf(reply::kLogonOk));
  h.start();
  EXPECT_EQ(h.send("AUTH PLAIN " + base64_encode(std::string("\0bob\0nope", 9)) + "\r\n"), crlf(reply::kLogonFailure));
  EXPECT_EQ(h.send("AUTH PLAIN " + base64_encode(std::string("eve\0bob\0secret", 14)) + "\r\n"),
            crlf(reply::kLogonFailure));
}

TEST_F(SessionTest, AuthLoginCancelAndBadBase64) {
  h.start();
  EXPECT_EQ(h.send("AUTH LOGIN\r\n"), crlf(reply::kAuthLoginUser));
  EXPECT_EQ(h.send(base64_encode("bob") + "\r\n"), crlf(reply::kAuthLoginPass));
  EXPECT_EQ(h.send(base64_encode("secret") + "\r\n"), crlf(reply::kLogonOk));
  h.start();
  EXPECT_EQ(h.send("AUTH LOGIN\r\n*\r\n"), crlf(reply::kAuthLoginUser) + crlf(reply::kAuthCancelled));
  EXPECT_EQ(h.send("AUTH PLAIN\r\n!!!\r\n"), "+ \r\n" + crlf(reply::kAuthBadBase64));
  EXPECT_EQ(h.send("AUTH CRAM-MD5\r\n"), crlf(reply::kAuthUnknownMechanism));
  EXPECT_EQ(h.send("AUTH\r\n"), crlf(reply::kAuthMechanisms) + "PLAIN\r\nLOGIN\r\n.\r\n");
}

TEST_F(SessionTest, Apop) {
  h.start();
  EXPECT_EQ(h.send("APOP bob 0123456789abcdef0123456789abcdef\r\n"), crlf(reply::kApopDisabled));
  h.config.apop = true;
  auto banner = h.start();
  auto ts = banner.substr(banner.find('<'), banner.find('>') - banner.find('<') + 1);
  EXPECT_EQ(h.send("APOP bob " + md5_hex(ts + "wrong") + "\r\n"), crlf(reply::kLogonFailure));
  EXPECT_EQ(h.send("APOP bob " + md5_hex(ts + "secret") + "\r\n"), crlf(reply::kLogonOk));
}

TEST_F(SessionTest, UserPassCanBeDisabled) {
  h.config.user_pass = false;
  h.start();
  EXPECT_EQ(h.send("USER bob\r\n"), crlf(reply::kUserDisabled));
  EXPECT_EQ(h.send("CAPA\r\n").find("\r\nUSER\r\n"), std::string::npos);
}

TEST_F(SessionTest, OverlongLineIsRefusedAndTheSessionGoesOn) {
  h.config.max_line = 32;
  h.start();
  EXPECT_EQ(h.send(std::string(100, 'A') + "\r\nNOOP\r\n"), crlf(reply::kLineTooLong) + crlf(reply::kWrongState));
  // Split: the refusal comes once, as soon as the line is too long, and the tail is discarded.
  EXPECT_EQ(h.send(std::string(40, 'A')), crlf(reply::kLineTooLong));
  EXPECT_EQ(h.send(std::string(40, 'A')), "");
  EXPECT_EQ(h.send("AAA\r\nUSER bob\r\n"), "+OK\r\n");
}

TEST_F(SessionTest, NulAndControlBytesAreRefused) {
  h.start();
  EXPECT_EQ(h.send(std::string("USER b\0b\r\n", 10)), crlf(reply::kBadCharacters));
  EXPECT_EQ(h.send("US\x01R bob\r\n"), crlf(reply::kBadCharacters));
  EXPECT_EQ(h.session->state(), State::Authorization);
}

TEST_F(SessionTest, ErrorFloodClosesTheSession) {
  h.config.max_errors = 3;
  h.start();
  EXPECT_EQ(h.send("X\r\nX\r\nX\r\nX\r\n"),
            crlf(reply::kUnknownCommand) + crlf(reply::kUnknownCommand) + crlf(reply::kUnknownCommand) +
                crlf(reply::kTooManyErrors) + "[close]");
  EXPECT_EQ(h.session->state(), State::Closed);
  EXPECT_EQ(h.send("NOOP\r\n"), "") << "a closed session ignores input";
}

TEST_F(SessionTest, PipelinedCommandsInOneRead) {
  h.start();
  EXPECT_EQ(h.send("USER bob\r\nPASS secret\r\nSTAT\r\nDELE 2\r\nQUIT\r\n"),
            "+OK\r\n" + crlf(reply::kLogonOk) + "+OK 2 " + std::to_string(kOne.size() + kTwo.size()) +
                "\r\n+OK message 2 deleted\r\n" + crlf(reply::kQuit) + "[close]");
  EXPECT_EQ(h.bob->snapshot().size(), 1u);
}

TEST_F(SessionTest, BareLfCommandLinesAreAccepted) {
  h.start();
  EXPECT_EQ(h.send("USER bob\nPASS secret\n"), "+OK\r\n" + crlf(reply::kLogonOk));
}

TEST_F(SessionTest, TranscriptRecordsBothSides) {
  h.login();
  h.send("STAT\r\nRETR 1\r\n");
  auto t = h.session->transcript()->str();
  EXPECT_NE(t.find("S: " + std::string(reply::kBanner) + "\n"), std::string::npos) << t;
  EXPECT_NE(t.find("C: USER bob\nS: +OK\n"), std::string::npos) << t;
  EXPECT_NE(t.find("C: RETR 1\nS: +OK [" + std::to_string(kOne.size() + 4) + " octets follow]"), std::string::npos)
      << t;
}

// Any split of the same bytes gives the same replies (here: at every offset, and byte by byte).
TEST_F(SessionTest, InputSplitAtEveryByteOffset) {
  const std::string conversation =
      "CAPA\r\nUSER bob\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL 1\r\nTOP 1 1\r\nRETR 1\r\nDELE 1\r\nRSET\r\n"
      "XYZZY\r\nNOOP\nDELE 2\r\nQUIT\r\n";
  auto whole = [&] {
    auto fresh = std::make_unique<Pop3Harness>();
    fresh->bob->add("001", kOne);
    fresh->bob->add("002", kTwo);
    fresh->start();
    return fresh;
  };
  std::string expected = whole()->send(conversation);
  ASSERT_TRUE(expected.ends_with("[close]"));
  for (std::size_t cut = 0; cut <= conversation.size(); ++cut) {
    auto f = whole();
    auto got = f->send(conversation.substr(0, cut));
    got += f->send(conversation.substr(cut));
    ASSERT_EQ(got, expected) << "split at " << cut;
    EXPECT_EQ(f->bob->snapshot().size(), 1u);
  }
  auto f = whole();
  std::string got;
  for (char c : conversation) got += f->send(std::string(1, c));
  EXPECT_EQ(got, expected);
}

TEST_F(SessionTest, LongLineSplitAtEveryOffsetIsRefusedOnce) {
  h.config.max_line = 16;
  const std::string input = std::string(40, 'Z') + "\r\nNOOP\r\n";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    h.start();
    auto got = h.send(input.substr(0, cut));
    got += h.send(input.substr(cut));
    EXPECT_EQ(got, crlf(reply::kLineTooLong) + crlf(reply::kWrongState)) << "split at " << cut;
  }
}

// The disk is the transport's business: the maildrop scan at logon and the deletions at
// UPDATE leave the session as Work actions, and pipelined commands wait for their result.
TEST_F(SessionTest, LogonAndUpdateAreWorkAndPipelinedInputWaitsForThem) {
  using Kind = net::Action::Kind;
  h.start();
  auto actions = h.session->feed("USER bob\r\nPASS secret\r\nSTAT\r\nDELE 1\r\nQUIT\r\n");
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].text, "+OK\r\n");
  ASSERT_EQ(actions[1].kind, Kind::Work);
  EXPECT_EQ(h.session->state(), State::Authorization) << "nothing read yet";
  EXPECT_TRUE(h.session->feed("NOOP\r\n").empty()) << "input waits for the scan";

  auto after_scan = actions[1].then(actions[1].job());
  ASSERT_FALSE(after_scan.empty());
  EXPECT_EQ(after_scan.back().kind, Kind::Work) << "QUIT's deletions";
  EXPECT_EQ(h.session->state(), State::Update);
  EXPECT_EQ(h.bob->snapshot().size(), 2u) << "nothing deleted before the work runs";
  auto text = test::render({after_scan.begin(), after_scan.end() - 1});
  EXPECT_EQ(text, crlf(reply::kLogonOk) + "+OK 2 " + std::to_string(kOne.size() + kTwo.size()) +
                      "\r\n+OK message 1 deleted\r\n");

  auto& update = after_scan.back();
  EXPECT_EQ(test::render(update.then(update.job())), crlf(reply::kQuit) + "[close]");
  EXPECT_EQ(h.bob->snapshot().size(), 1u);
}

}  // namespace
