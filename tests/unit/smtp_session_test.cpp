// The SMTP session without sockets: seed 002's EHLO lists, seed 004's replies, every
// command and error path, DATA and BDAT, and any split of the input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "maillab/base/codec.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/replies.hpp"
#include "maillab/smtp/session.hpp"
#include "session_harness.hpp"
#include "temp_dir.hpp"
#include "test_files.hpp"

using namespace maillab;
using maillab::test::slurp;
using namespace maillab::smtp;
namespace fs = std::filesystem;

namespace {

std::string crlf(std::string_view line) { return std::string(line) + "\r\n"; }


struct SmtpHarness {
  test::TempDir store;
  faults::FaultTable faults;
  SessionConfig config;
  std::unique_ptr<World> world;
  std::unique_ptr<Session> session;
  std::uint64_t next = 1;

  SmtpHarness() {
    auto w = smtp::default_world();
    w.auth_users = {{"connector", "secret"}};
    world = std::make_unique<World>(w, store.path(), faults);
  }
  void fault(const std::string& spec) { faults.add(faults::parse_fault_spec(spec, presets())); }
  std::string start() {
    session = std::make_unique<Session>(config, *world, faults, next++, net::Peer{"172.16.0.1", 1025});
    return test::render(session->start());
  }
  std::string send(const std::string& bytes) { return test::render(session->feed(bytes)); }
  std::string ehlo() {
    start();
    return send("EHLO sbs.contoso.local\r\n");
  }
  std::vector<fs::path> files(const std::string& sub) {
    std::vector<fs::path> out;
    if (fs::exists(store.path() / sub))
      for (auto& e : fs::directory_iterator(store.path() / sub)) out.push_back(e.path());
    return out;
  }
};

const char* kSeedExample1 =
    "250-mail1.example.com Hello [172.16.0.1]\r\n250-TURN\r\n250-ATRN\r\n250-SIZE 5242880\r\n250-ETRN\r\n"
    "250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-8bitmime\r\n250-BINARYMIME\r\n250-CHUNKING\r\n"
    "250-VRFY\r\n250-X-EXPS GSSAPI NTLM\r\n250-AUTH GSSAPI NTLM\r\n250-X-EXPS=LOGIN\r\n250-X-LINK2STATE\r\n"
    "250-XEXCH50\r\n250 OK\r\n";
const char* kSeedExample2 =
    "250-mail1.example.com Hello [172.16.0.1]\r\n250-TURN\r\n250-ATRN\r\n250-SIZE 5242880\r\n250-ETRN\r\n"
    "250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-8bitmime\r\n250-BINARYMIME\r\n250-CHUNKING\r\n"
    "250-VRFY\r\n250-AUTH GSSAPI NTLM\r\n250 OK\r\n";

TEST(SmtpSession, EhloIsSeed002Example1LineForLine) {
  SmtpHarness h;
  EXPECT_TRUE(h.start().starts_with("220 mail1.example.com Microsoft ESMTP MAIL Service"));
  EXPECT_EQ(h.send("ehlo mail1.example.com\r\n"), kSeedExample1);
}

TEST(SmtpSession, ExchangeVerbsMissingIsExample2) {
  SmtpHarness h;
  h.fault("exchange-verbs-missing");
  EXPECT_EQ(h.ehlo(), kSeedExample2);
  h.faults.clear();
  EXPECT_EQ(h.ehlo(), kSeedExample1) << "switchable at run time";
}

TEST(SmtpSession, Seed004TransactionAndDelivery) {
  SmtpHarness h;
  h.ehlo();
  EXPECT_EQ(h.send("MAIL FROM: <> RET=FULL\r\n"), "250 2.1.0 Sender OK\r\n");
  EXPECT_EQ(h.send("RCPT TO: <bob@contoso.local> NOTIFY=FAILURE\r\n"), "250 2.1.5 Recipient OK\r\n");
  EXPECT_EQ(h.send("DATA\r\n"), "354 Start mail input; end with .\r\n");
  EXPECT_EQ(h.send("Subject: x\r\n\r\n..a dot\r\nbody\r\n.\r\n"),
            "250 2.6.0 <00000001@mail1.example.com> Queued mail for delivery\r\n");
  auto inbox = h.files("bob@contoso.local/Inbox");
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(slurp(inbox[0]), "Subject: x\r\n\r\n.a dot\r\nbody\r\n");
  auto placed = h.world->placements();
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].where, Destination::Mailbox);
  EXPECT_EQ(placed[0].folder, "Inbox");
}

TEST(SmtpSession, SenderDeniedAfterTheFinalDotStoresNothing) {
  SmtpHarness h;
  h.fault("sender-denied");
  h.ehlo();
  EXPECT_EQ(h.send("MAIL FROM: <> RET=FULL\r\nRCPT TO: <bob@contoso.local> NOTIFY=FAILURE\r\nDATA\r\n"),
            crlf(reply::kSenderOk) + crlf(reply::kRecipientOk) + crlf(reply::kStartMailInput));
  EXPECT_EQ(h.send("Subject: x\r\n\r\nbody\r\n.\r\n"), "554 5.1.0 Sender denied\r\n");
  EXPECT_EQ(h.send("RSET\r\n"), crlf(reply::kResetOk));
  EXPECT_TRUE(h.world->placements().empty());
  EXPECT_TRUE(h.files("bob@contoso.local/Inbox").empty());
}

TEST(SmtpSession, SenderDeniedOnlyForMatchingSenders) {
  SmtpHarness h;
  h.fault("sender-denied:*@spam.example");
  h.ehlo();
  h.send("MAIL FROM:<x@spam.example>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  EXPECT_EQ(h.send("a\r\n.\r\n"), crlf(reply::kSenderDenied));
  h.send("MAIL FROM:<alice@fabrikam.com>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  EXPECT_TRUE(h.send("a\r\n.\r\n").starts_with("250 2.6.0"));
}

TEST(SmtpSession, SenderDeniedOnlyForMatchingRecipients) {
  SmtpHarness h;
  h.fault("sender-denied,rcpt=bob@*");
  h.ehlo();
  h.send("MAIL FROM:<>\r\nRCPT TO:<administrator@contoso.local>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  EXPECT_EQ(h.send("a\r\n.\r\n"), crlf(reply::kSenderDenied)) << "any recipient matching is enough";
  h.send("MAIL FROM:<>\r\nRCPT TO:<administrator@contoso.local>\r\nDATA\r\n");
  EXPECT_TRUE(h.send("a\r\n.\r\n").starts_with("250 2.6.0"));
}

TEST(SmtpSession, RecipientPolicyRelayAndUnknownUsers) {
  SmtpHarness h;
  h.ehlo();
  h.send("MAIL FROM:<a@fabrikam.com>\r\n");
  EXPECT_EQ(h.send("RCPT TO:<x@fabrikam.com>\r\n"), "550 5.7.1 Unable to relay for x@fabrikam.com\r\n");
  EXPECT_EQ(h.send("RCPT TO:<nobody@contoso.local>\r\n"), crlf(reply::kUserUnknown));
  h.fault("unknown-domain");
  EXPECT_EQ(h.send("RCPT TO:<bob@contoso.local>\r\n"), "550 5.7.1 Unable to relay for bob@contoso.local\r\n");
}

TEST(SmtpSession, AnonymousDisabledNeedsAuth) {
  SmtpHarness h;
  h.fault("anonymous-disabled");
  h.ehlo();
  EXPECT_EQ(h.send("MAIL FROM:<>\r\n"), crlf(reply::kNotAuthenticated));
  EXPECT_EQ(h.send("AUTH LOGIN\r\n"), crlf(reply::kAuthLoginUser));
  EXPECT_EQ(h.send(base64_encode("connector") + "\r\n"), crlf(reply::kAuthLoginPass));
  EXPECT_EQ(h.send(base64_encode("wrong") + "\r\n"), crlf(reply::kAuthFailed));
  EXPECT_EQ(h.send("AUTH PLAIN " + base64_encode(std::string("\0connector\0secret", 17)) + "\r\n"),
            crlf(reply::kAuthOk));
  EXPECT_EQ(h.send("MAIL FROM:<>\r\n"), crlf(reply::kSenderOk));
  EXPECT_EQ(h.send("AUTH PLAIN\r\n"), crlf(reply::kAlreadyAuthenticated));
}

TEST(SmtpSession, SizeLimitAtMailAndAfterData) {
  SmtpHarness h;
  h.fault("too-large:100");
  h.ehlo();
  EXPECT_EQ(h.send("MAIL FROM:<> SIZE=101\r\n"), crlf(reply::kTooLarge));
  h.send("MAIL FROM:<> SIZE=50\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  EXPECT_EQ(h.send(std::string(150, 'x') + "\r\n.\r\n"), crlf(reply::kTooLarge));
  EXPECT_TRUE(h.world->placements().empty());
  EXPECT_EQ(h.send("NOOP\r\n"), crlf(reply::kNoopOk)) << "the session goes on";
}

TEST(SmtpSession, SequenceErrors) {
  SmtpHarness h;
  h.start();
  EXPECT_EQ(h.send("MAIL FROM:<>\r\n"), crlf(reply::kHelloFirst));
  h.send("HELO client\r\n");
  EXPECT_EQ(h.send("RCPT TO:<bob@contoso.local>\r\n"), crlf(reply::kNeedMail));
  EXPECT_EQ(h.send("DATA\r\n"), crlf(reply::kNeedMail));
  h.send("MAIL FROM:<>\r\n");
  EXPECT_EQ(h.send("MAIL FROM:<>\r\n"), crlf(reply::kNestedMail));
  EXPECT_EQ(h.send("DATA\r\n"), crlf(reply::kNeedRcpt));
  EXPECT_EQ(h.send("RCPT TO:<not an address>\r\n"), crlf(reply::kBadAddress));
  EXPECT_EQ(h.send("RCPT TO:<bob@contoso.local> FOO=1\r\n"), crlf(reply::kBadParameter));
  EXPECT_EQ(h.send("XYZZY\r\n"), crlf(reply::kUnrecognized));
  EXPECT_EQ(h.send("TURN\r\n"), crlf(reply::kNotImplemented));
  EXPECT_EQ(h.send("VRFY bob\r\n"), crlf(reply::kVrfy));
  EXPECT_TRUE(h.send("HELP\r\n").starts_with("214-"));
  EXPECT_EQ(h.send("QUIT\r\n"), "221 2.0.0 mail1.example.com Service closing transmission channel\r\n[close]");
}

TEST(SmtpSession, BdatChunksAndLast) {
  SmtpHarness h;
  h.ehlo();
  h.send("MAIL FROM:<a@fabrikam.com> BODY=BINARYMIME\r\nRCPT TO:<bob@contoso.local>\r\n");
  EXPECT_EQ(h.send("DATA\r\n"), crlf(reply::kBdatMix));
  EXPECT_EQ(h.send("BDAT 5\r\nab\r\nc"), crlf(reply::kChunkOk));
  EXPECT_TRUE(h.send("BDAT 4 LAST\r\n.\r\nx").starts_with("250 2.6.0"));
  ASSERT_EQ(h.files("bob@contoso.local/Inbox").size(), 1u);
  EXPECT_EQ(slurp(h.files("bob@contoso.local/Inbox")[0]), "ab\r\nc.\r\nx") << "BDAT takes octets as they are";
}

TEST(SmtpSession, RefusedBdatStillReadsItsChunk) {
  SmtpHarness h;
  h.ehlo();
  EXPECT_EQ(h.send("BDAT 6\r\nQUIT\r\n"), crlf(reply::kNeedMail)) << "QUIT\\r\\n was the chunk, not a command";
  EXPECT_EQ(h.send("NOOP\r\n"), crlf(reply::kNoopOk));
}

TEST(SmtpSession, ForwardingClientRulesAndQuota) {
  SmtpHarness h;
  auto deliver = [&](const std::string& subject) {
    h.ehlo();
    return h.send("MAIL FROM:<alice@fabrikam.com>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\nSubject: " + subject +
                  "\r\n\r\nhi\r\n.\r\n");
  };
  h.fault("client-rule:bob@contoso.local:Junk E-mail");
  deliver("rules");
  EXPECT_EQ(h.files("bob@contoso.local/Junk E-mail").size(), 1u);
  h.faults.clear();
  h.fault("forwarding:bob@contoso.local,to=carol@fabrikam.com");
  deliver("forwarded");
  EXPECT_EQ(h.files(".forwarded/carol@fabrikam.com").size(), 1u);
  EXPECT_TRUE(h.files("bob@contoso.local/Inbox").empty()) << "not kept without deliver-to-both";
  h.faults.clear();
  h.fault("mailbox-full:bob@contoso.local");
  EXPECT_NE(deliver("full").find("\r\n250 2.6.0"), std::string::npos) << "Exchange 2003 accepts, then the store refuses";
  auto ndr = h.files("administrator@contoso.local/Inbox");
  ASSERT_EQ(ndr.size(), 1u) << "a foreign sender's NDR goes to the administrator mailbox";
  EXPECT_NE(slurp(ndr[0]).find("Status: 5.2.2"), std::string::npos);
  h.ehlo();
  h.send("MAIL FROM:<>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  h.send("Subject: bounce\r\n\r\nx\r\n.\r\n");
  EXPECT_EQ(h.files("Badmail").size(), 1u) << "no report about a report: mail from <> goes to Badmail";
  std::vector<std::string> where;
  for (auto& p : h.world->placements()) where.push_back(std::string(destination_name(p.where)));
  EXPECT_EQ(where, (std::vector<std::string>{"mailbox", "forward", "ndr", "badmail"}));
}

TEST(SmtpSession, DisconnectAfterDataStoresNothing) {
  SmtpHarness h;
  h.fault("disconnect-after-data");
  h.ehlo();
  h.send("MAIL FROM:<>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  EXPECT_EQ(h.send("x\r\n.\r\n"), "[close]");
  EXPECT_TRUE(h.world->placements().empty());
}

TEST(SmtpSession, OverlongLinesAndErrorFlood) {
  SmtpHarness h;
  h.config.max_errors = 3;
  h.start();
  EXPECT_EQ(h.send(std::string(600, 'A') + "\r\n"), crlf(reply::kLineTooLong));
  EXPECT_EQ(h.send("X\r\nY\r\n"), crlf(reply::kUnrecognized) + crlf(reply::kUnrecognized) +
                                         crlf(reply::kTooManyErrors) + "[close]");
}

TEST(SmtpSession, LongDataLinesAreKeptWhole) {
  SmtpHarness h;
  h.ehlo();
  h.send("MAIL FROM:<>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  std::string longline = "." + std::string(10000, 'z') + "\r\n";
  h.send(longline.substr(0, 5000));
  h.send(longline.substr(5000));
  EXPECT_TRUE(h.send(".\r\n").starts_with("250 2.6.0"));
  EXPECT_EQ(slurp(h.files("bob@contoso.local/Inbox")[0]), longline.substr(1));
}

TEST(SmtpSession, AStoreThatCannotWriteAnswers451AndKeepsNothing) {
  SmtpHarness h;
  h.ehlo();
  fs::create_directories(h.store.path() / "bob@contoso.local");
  std::ofstream(h.store.path() / "bob@contoso.local" / "Inbox") << "a file where the folder should be";
  const std::string message = "MAIL FROM:<a@b.c>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\nSubject: s\r\n\r\n.\r\n";
  EXPECT_TRUE(h.send(message).ends_with("354 Start mail input; end with .\r\n451 4.3.0 Local error in processing\r\n"))
      << "the client keeps the message and tries again";
  EXPECT_TRUE(h.world->placements().empty());
  fs::remove(h.store.path() / "bob@contoso.local" / "Inbox");
  EXPECT_TRUE(h.send(message).ends_with("Queued mail for delivery\r\n")) << "the same session, once the disk is back";
  EXPECT_EQ(h.files("bob@contoso.local/Inbox").size(), 1u);
}

TEST(SmtpSession, InputSplitAtEveryByteOffset) {
  const std::string conversation =
      "EHLO c\r\nMAIL FROM: <> RET=FULL\r\nRCPT TO: <bob@contoso.local> NOTIFY=FAILURE\r\nDATA\r\n"
      "Subject: s\r\n\r\n..x\r\n.y\r\n\r\n.\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<bob@contoso.local>\r\n"
      "BDAT 3\r\nabcBDAT 0 LAST\r\nNOOP\r\nQUIT\r\n";
  std::string expected;
  std::vector<std::string> expected_files;
  {
    SmtpHarness h;
    h.start();
    expected = h.send(conversation);
    for (auto& f : h.files("bob@contoso.local/Inbox")) expected_files.push_back(slurp(f));
  }
  ASSERT_TRUE(expected.ends_with("[close]"));
  std::sort(expected_files.begin(), expected_files.end());
  ASSERT_EQ(expected_files, (std::vector<std::string>{"Subject: s\r\n\r\n.x\r\ny\r\n\r\n", "abc"}))
      << "dot-stuffing undone, the end-of-data line not kept";
  for (std::size_t cut = 0; cut <= conversation.size(); ++cut) {
    SmtpHarness h;
    h.start();
    auto got = h.send(conversation.substr(0, cut));
    got += h.send(conversation.substr(cut));
    ASSERT_EQ(got, expected) << "split at " << cut;
    std::vector<std::string> files;
    for (auto& f : h.files("bob@contoso.local/Inbox")) files.push_back(slurp(f));
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files, expected_files) << "split at " << cut;
  }
}

TEST(SmtpWorld, WorldFileErrorsNameFileLineAndField) {
  auto error = [](const std::string& yaml) {
    try {
      parse_world_yaml(yaml, "world.yaml");
    } catch (const faults::SpecError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(error("profile: exchange\nsize_limit: big\n"),
            "world.yaml:2: field 'size_limit': must be a size like 4096, 4K or 10MB, not 'big'");
  EXPECT_EQ(error("mailboxes:\n  - address: bob\n"), "world.yaml:2: field 'mailboxes[0].address': must be a mail address (local@domain), not 'bob'");
  EXPECT_EQ(error("colour: red\n"), "world.yaml:1: field 'colour': unknown (known: hostname, profile, accepted_domains, mailboxes, "
            "anonymous_access, size_limit, admin_mailbox, auth_users, max_recipients, message_tracking)");
  EXPECT_EQ(error("profile: sendmail\n"), "world.yaml:1: field 'profile': must be exchange, iis or plain, not 'sendmail'");
  EXPECT_EQ(error("mailboxes:\n  - address: b@c.d\n    rules:\n      - subject_contains: x\n"),
            "world.yaml:4: field 'mailboxes[0].rules[0].folder': missing (every rule moves mail into a folder)");
  auto w = parse_world_yaml(
      "hostname: sbs.contoso.local\nprofile: iis\naccepted_domains: [Contoso.local]\nanonymous_access: false\n"
      "mailboxes:\n  - bob@contoso.local\n  - address: eve@contoso.local\n    quota_kb: 10\n    forward_to: "
      "x@y.z\n    deliver_to_both: yes\n    rules:\n      - folder: Junk\n        subject_contains: SPAM\n",
      "w");
  EXPECT_EQ(w.profile, Profile::Iis);
  EXPECT_EQ(w.accepted_domains, std::vector<std::string>{"contoso.local"});
  EXPECT_FALSE(w.anonymous_access);
  ASSERT_EQ(w.mailboxes.size(), 2u);
  EXPECT_EQ(w.mailboxes[0].quota_kb, 200000u) << "the SBS default";
  EXPECT_EQ(w.mailboxes[1].quota_kb, 10u);
  EXPECT_TRUE(w.mailboxes[1].deliver_to_both);
  EXPECT_EQ(w.mailboxes[1].rules[0].folder, "Junk");
}

}  // namespace
