// maillab doctor's rules, each over hand-made observations (no sockets, no files).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "maillab/doctor/doctor.hpp"
#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<DialogLine> dialog(std::initializer_list<std::pair<bool, const char*>> lines) {
  std::vector<DialogLine> out;
  for (auto [sent, text] : lines) out.push_back({sent, text});
  return out;
}

// The seed's healthy telnet session (KB 885685, steps 2-6).
Pop3Transcript healthy_pop3() {
  Pop3Transcript t;
  t.host = "127.0.0.1";
  t.port = 110;
  t.banner = "+OK mail-host.fabrikam.com server type and version server ready";
  t.user_reply = "+OK";
  t.pass_reply = "+OK User successfully logged on.";
  t.stat_reply = "+OK 2 1024";
  t.quit_reply = "+OK Connection to host lost.";
  t.lines = dialog({{false, "+OK mail-host.fabrikam.com server type and version server ready"}, {true, "USER bob"},
                    {false, "+OK"}, {true, "PASS ****"}, {false, "+OK User successfully logged on."}, {true, "STAT"},
                    {false, "+OK 2 1024"}, {true, "QUIT"}, {false, "+OK Connection to host lost."}});
  return t;
}

Report of_pop3(const Pop3Transcript& t, bool expect_mail = false) {
  Observations seen;
  seen.pop3 = t;
  seen.expect_mail = expect_mail;
  return diagnose(seen);
}

const Finding* problem(const Report& r, Cause c) {
  for (const auto& f : r.findings)
    if (f.cause == c && f.severity == Severity::Problem) return &f;
  return nullptr;
}

TEST(DoctorPop3, HealthySessionIsHealthy) {
  auto r = of_pop3(healthy_pop3());
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_TRUE(r.causes().empty());
}

TEST(DoctorPop3, RefusedTimedOutAndUnknownHostAreStepTwo) {
  for (auto outcome : {ConnectOutcome::Refused, ConnectOutcome::TimedOut, ConnectOutcome::HostUnknown}) {
    Pop3Transcript t;
    t.host = "pop.fabrikam.com";
    t.port = 110;
    t.outcome = outcome;
    auto r = of_pop3(t);
    EXPECT_THAT(r.causes(), ElementsAre(Cause::ConnectFailed));
    EXPECT_THAT(problem(r, Cause::ConnectFailed)->evidence.front(),
                HasSubstr("Connecting to pop.fabrikam.com... Could not open connection to the host on port 110: Connect failed."));
  }
}

TEST(DoctorPop3, BannerNotOk) {
  auto t = healthy_pop3();
  t.banner = "-ERR [SYS/TEMP] mail-host.fabrikam.com service not available";
  t.user_reply = t.pass_reply = t.stat_reply = t.quit_reply = std::nullopt;
  auto r = of_pop3(t);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::BannerNotOk));
  EXPECT_EQ(r.exit_code(), 1);
}

TEST(DoctorPop3, NoBannerAtAllIsStepTwo) {
  auto t = healthy_pop3();
  t.banner.reset();
  t.broke_off = "timed out waiting for the server";
  EXPECT_THAT(of_pop3(t).causes(), ElementsAre(Cause::BannerNotOk));
}

TEST(DoctorPop3, LogonFailureQuotesTheReply) {
  auto t = healthy_pop3();
  t.pass_reply = "-ERR Logon failure: Unknown user name or bad password.";
  t.lines = dialog({{true, "USER bob"}, {false, "+OK"}, {true, "PASS ****"}, {false, "-ERR Logon failure: Unknown user name or bad password."}});
  auto r = of_pop3(t);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::LogonFailure));
  EXPECT_THAT(problem(r, Cause::LogonFailure)->evidence,
              ElementsAre("> USER bob", "< +OK", "> PASS ****", "< -ERR Logon failure: Unknown user name or bad password."));
}

TEST(DoctorPop3, InUseIsAnotherClient) {
  auto t = healthy_pop3();
  t.pass_reply = "-ERR [IN-USE] Unable to lock maildrop: another session is active.";
  EXPECT_THAT(of_pop3(t).causes(), ElementsAre(Cause::CompetingClient));
}

TEST(DoctorPop3, EmptyDropIsANoteUnlessMailIsExpected) {
  auto t = healthy_pop3();
  t.stat_reply = "+OK 0 0";
  auto note = of_pop3(t);
  EXPECT_EQ(note.exit_code(), 0);
  ASSERT_FALSE(note.findings.empty());
  bool noted = false;
  for (const auto& f : note.findings) noted = noted || (f.cause == Cause::EmptyDrop && f.severity == Severity::Note);
  EXPECT_TRUE(noted);
  EXPECT_THAT(of_pop3(t, true).causes(), ElementsAre(Cause::EmptyDrop));
}

TEST(DoctorPop3, QuitNotOk) {
  auto t = healthy_pop3();
  t.quit_reply = "-ERR some deleted messages not removed";
  EXPECT_THAT(of_pop3(t).causes(), ElementsAre(Cause::QuitReply));
}

// Seed 002's two examples.
std::vector<std::string> example(bool exchange) {
  std::vector<std::string> out{"250-mail1.example.com Hello [172.16.0.1]", "250-TURN", "250-ATRN", "250-SIZE 5242880",
                               "250-ETRN", "250-PIPELINING", "250-DSN", "250-ENHANCEDSTATUSCODES", "250-8bitmime",
                               "250-BINARYMIME", "250-CHUNKING", "250-VRFY"};
  if (exchange) out.push_back("250-X-EXPS GSSAPI NTLM");
  out.push_back("250-AUTH GSSAPI NTLM");
  if (exchange) {
    out.push_back("250-X-EXPS=LOGIN");
    out.push_back("250-X-LINK2STATE");
    out.push_back("250-XEXCH50");
  }
  out.push_back("250 OK");
  return out;
}

SmtpTranscript healthy_smtp() {
  SmtpTranscript t;
  t.host = "127.0.0.1";
  t.port = 25;
  t.banner = "220 mail1.example.com Microsoft ESMTP MAIL Service ready";
  t.ehlo = example(true);
  t.mail_reply = "250 2.1.0 Sender OK";
  t.rcpts = {{"bob@contoso.local", "250 2.1.5 Recipient OK"}};
  return t;
}

Report of_smtp(const SmtpTranscript& t, bool expect_exchange = false) {
  Observations seen;
  seen.smtp = t;
  seen.expect_exchange = expect_exchange;
  return diagnose(seen);
}

TEST(DoctorSmtp, ExchangeWithItsVerbsIsHealthy) { EXPECT_EQ(of_smtp(healthy_smtp()).exit_code(), 0); }

TEST(DoctorSmtp, ExampleTwoIsVerbsMissing) {
  auto t = healthy_smtp();
  t.ehlo = example(false);
  auto r = of_smtp(t);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::VerbsMissing));
  EXPECT_THAT(problem(r, Cause::VerbsMissing)->summary, HasSubstr("every verb beginning with X is missing"));
}

TEST(DoctorSmtp, APartialListIsReportedAsSuch) {
  auto t = healthy_smtp();
  std::erase(t.ehlo, "250-X-LINK2STATE");
  auto r = of_smtp(t);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::VerbsMissing));
  EXPECT_THAT(problem(r, Cause::VerbsMissing)->summary, HasSubstr("partial list"));
  EXPECT_THAT(problem(r, Cause::VerbsMissing)->evidence.back(), "missing: X-LINK2STATE");
}

TEST(DoctorSmtp, AnotherServerIsOutsideSeedTwosCheck) {
  auto t = healthy_smtp();
  t.ehlo = {"250-sink.example Hello", "250-PIPELINING", "250-SIZE 10240000", "250 8BITMIME"};
  EXPECT_EQ(of_smtp(t).exit_code(), 0);
  EXPECT_THAT(of_smtp(t, true).causes(), ElementsAre(Cause::VerbsMissing));
}

TEST(DoctorSmtp, AnonymousAccessDisabledIsErrorEightySix) {
  auto t = healthy_smtp();
  t.mail_reply = "530 5.7.3 Client was not authenticated";
  t.rcpts.clear();
  auto r = of_smtp(t);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::AnonymousDisabled));
  EXPECT_THAT(problem(r, Cause::AnonymousDisabled)->evidence.back(), HasSubstr("12052"));
}

TEST(DoctorSmtp, RelayRefusalIsTheRecipientPolicy) {
  auto t = healthy_smtp();
  t.rcpts = {{"bob@contoso.local", "550 5.7.1 Unable to relay for bob@contoso.local"}};
  auto r = of_smtp(t);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::RecipientPolicy));
  EXPECT_THAT(problem(r, Cause::RecipientPolicy)->evidence.back(), HasSubstr("event 1070"));
}

TEST(DoctorSmtp, UnknownUserIsStepOne) {
  auto t = healthy_smtp();
  t.rcpts = {{"nobody@contoso.local", "550 5.1.1 User unknown"}};
  EXPECT_THAT(of_smtp(t).causes(), ElementsAre(Cause::UnknownRecipient));
}

TEST(DoctorSmtp, RefusalAfterTheDotIsSenderFiltering) {
  auto t = healthy_smtp();
  t.test_sent = true;
  t.data_reply = "354 Start mail input; end with .";
  t.dot_reply = "554 5.1.0 Sender denied";
  EXPECT_THAT(of_smtp(t).causes(), ElementsAre(Cause::SenderDenied));
  t.dot_reply = "250 2.6.0 Queued mail for delivery";
  EXPECT_EQ(of_smtp(t).exit_code(), 0);
}

TEST(DoctorSmtp, NothingListeningIsTheServiceStopped) {
  SmtpTranscript t;
  t.host = "127.0.0.1";
  t.port = 25;
  t.outcome = ConnectOutcome::Refused;
  EXPECT_THAT(of_smtp(t).causes(), ElementsAre(Cause::SmtpStopped));
}

}  // namespace
}  // namespace maillab::doctor
