// maillab reproduce: the inference from a customer's log and events, and the faults the
// scenario writer makes of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "maillab/doctor/probes.hpp"
#include "maillab/reproduce/infer.hpp"
#include "maillab/reproduce/scenario_text.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::reproduce {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(MAILLAB_SOURCE_DIR) + "/fixtures/customer/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A log in seed 004's format from bare lines: each gets the seed's stamp.
std::string stamped(std::initializer_list<const char*> lines) {
  std::string out;
  for (const char* l : lines) out += std::string("[t 0] 07/29/20, 15:49:30: ") + l + "\n";
  return out;
}

Model infer_text(const std::string& log, const std::string& events = "") {
  return infer(doctor::parse_log(log, "customer.log"), doctor::parse_events(events, "events.txt"), "customer.log");
}

std::vector<std::string> specs(const Model& m) {
  std::vector<std::string> out;
  for (const auto& f : faults_for(m)) out.push_back((f.protocol == Protocol::Pop3 ? "pop3: " : "smtp: ") + f.spec);
  return out;
}

TEST(ReproduceInfer, Seed004LogGivesTheSenderDeniedAfterTheDot) {
  const auto m = infer_text(fixture("seed004.log"));
  EXPECT_EQ(m.first().message_count, 6);
  EXPECT_THAT(m.recipients, ElementsAre("bla@test.de"));
  EXPECT_EQ(m.level, Level::Maximum);
  EXPECT_EQ(m.lines_read, 41);  // 42 lines; the dot continues the "(SMTP) [TX]" entry
  EXPECT_THAT(specs(m), ElementsAre("smtp: reply,on=.,text=554 5.1.0 Sender denied"));
  EXPECT_TRUE(m.notes.empty()) << m.notes.front();
}

TEST(ReproduceInfer, GreetingLogonAndPerMessageRepliesBecomeFaultsOnTheirCommand) {
  const auto banner = infer_text(stamped({"(POP3) [RX] -ERR [SYS/TEMP] service not available"}));
  EXPECT_THAT(specs(banner), ElementsAre("pop3: reply,on=connect,text=-ERR [SYS/TEMP] service not available"));
  const auto logon = infer_text(stamped({"(POP3) [RX] +OK mail-host.fabrikam.com server type and version server ready",
                                         "(POP3) [TX] USER alice", "(POP3) [RX] +OK", "(POP3) [TX] PASS ****",
                                         "(POP3) [RX] -ERR Logon failure: Unknown user name or bad password."}));
  EXPECT_EQ(logon.first().user, "alice");
  EXPECT_THAT(specs(logon),
              ElementsAre("pop3: reply,on=PASS,text=-ERR Logon failure: Unknown user name or bad password."));
  // robust pipelines RETR: each reply goes to the oldest command still unanswered.
  const auto retr = infer_text(stamped({"(POP3) [TX] RETR 1", "(POP3) [TX] RETR 2", "(POP3) [RX] +OK",
                                        "(POP3) [RX] -ERR [SYS/TEMP] Unable to read message."}));
  EXPECT_THAT(specs(retr), ElementsAre("pop3: reply,on=RETR,message=2,text=-ERR [SYS/TEMP] Unable to read message."));
  EXPECT_EQ(retr.first().message_count.value_or(0), 0);
}

TEST(ReproduceInfer, SmtpRepliesAtEachCommand) {
  const auto m = infer_text(stamped({
      "(SMTP) [RX] 220 mail.test.de Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready",
      "(SMTP) [TX] EHLO sbs.contoso.local", "(SMTP) [RX] 250-mail.test.de Hello [10.0.0.1]", "(SMTP) [RX] 250 OK",
      "(SMTP) [TX] MAIL FROM: <> RET=FULL", "(SMTP) [RX] 250 2.1.0 Sender OK",
      "(SMTP) [TX] RCPT TO: <bob@contoso.local> NOTIFY=FAILURE", "(SMTP) [RX] 550 5.7.1 Unable to relay",
      "(SMTP) [TX] RSET", "(SMTP) [RX] 250 2.0.0 Resetting",
      "(SMTP) [TX] MAIL FROM: <> RET=FULL", "(SMTP) [RX] 530 5.7.3 Client was not authenticated",
  }));
  // The banner and EHLO are the simulator's own (hosts masked); MAIL differs between its
  // two occurrences, so only the second is replayed, by its count.
  EXPECT_THAT(specs(m), ElementsAre("smtp: reply,on=MAIL,nth=2,text=530 5.7.3 Client was not authenticated",
                                    "smtp: reply,on=RCPT,text=550 5.7.1 Unable to relay"));
}

// The SMTP simulator's queue id counts the session's mail: its 250 after the dot is its own.
TEST(ReproduceInfer, TheQueuedReplyWithAQueueIdIsTheSimulatorsOwn) {
  EXPECT_TRUE(simulator_default(Protocol::Smtp, ".", 0, "250 2.6.0 <00000002@mail1.example.com> Queued mail for delivery"));
  EXPECT_FALSE(simulator_default(Protocol::Smtp, ".", 0, "554 5.1.0 Sender denied"));
}

TEST(ReproduceInfer, BelowMaximumTheWordsOfTheLogSayWhatHappened) {
  const auto logon = infer_text(stamped({"Retrieval cycle started.", "Connecting to mail-host.fabrikam.com:110 for user bob.",
                                         "logon: -ERR Logon failure: Unknown user name or bad password.",
                                         "Retrieval cycle completed: 0 downloaded, 0 delivered, 0 failed, 0 left."}));
  EXPECT_EQ(logon.level, Level::Medium);
  EXPECT_THAT(specs(logon),
              ElementsAre("pop3: reply,on=PASS,text=-ERR Logon failure: Unknown user name or bad password."));
  const auto refused = infer_text(stamped(
      {"Could not open a connection to the POP3 server 127.0.0.1:110 for user bob: Connect failed (Connection refused)."}));
  EXPECT_EQ(refused.level, Level::Minimum);
  EXPECT_THAT(specs(refused), ElementsAre("pop3: connect-refused"));
  const auto unknown = infer_text(stamped({"Could not open a connection to the POP3 server mail-host.fabrikam.con:110 "
                                           "for user bob: the host name mail-host.fabrikam.con could not be resolved: "
                                           "No such host is known (11001)."}));
  EXPECT_EQ(unknown.connect_failure, ConnectFailure::HostUnknown);
  EXPECT_EQ(unknown.pop3_host, "mail-host.fabrikam.con");
  const auto timeout = infer_text(stamped({"Could not open a connection to the POP3 server 127.0.0.1:110 for user bob: "
                                           "Connect failed (Connection timed out: no answer within 300 ms)."}));
  EXPECT_THAT(specs(timeout), ElementsAre("pop3: blackhole"));
  EXPECT_EQ(timeout.connect_timeout_ms, 300);
}

TEST(ReproduceInfer, WhatTheDeliveryStageAndTheEhloListSay) {
  const auto m = infer_text(stamped({
      "(POP3) [TX] LIST", "(POP3) [RX] +OK 3 messages (12235 octets)",
      "Moved message 1796013245127233-0030-05caa6f4-u31.eml to the pickup folder.",
      "Message file 1796013245133302-0031-05caa6f4-u32.eml is corrupt: bare LF line ends.",
      "Message file 1796013245133302-0032-05caa6f4-u33.eml is corrupt: broken MIME boundary (never closed: truncated?).",
      "(POP3) [TX] RETR 4", "(POP3) [RX] +OK", "connection closed by the server",
      "Retrieval cycle completed: 3 downloaded, 1 delivered, 0 failed, 2 left."}));
  EXPECT_TRUE(m.pickup);
  EXPECT_FALSE(m.delivery_blocked);
  EXPECT_EQ(m.first().total_octets, 12235u);
  // The corrupt files are served corrupted, so LIST's octets are replayed as they were.
  EXPECT_THAT(specs(m), ElementsAre("pop3: corrupt,kind=bare-lf,message=2", "pop3: corrupt,kind=truncated,message=3",
                                    "pop3: reply,on=LIST,text=+OK 3 messages (12235 octets)",
                                    "pop3: disconnect,on=RETR,message=4,bytes=1024"));
  const auto text = write_scenario(m, "X", "x.log");
  EXPECT_THAT(text, HasSubstr("  delivery: pickup\n"));
  EXPECT_THAT(text, HasSubstr("        - fixture: messages/002-multipart.eml\n"));  // MIME parts to cut short

  const auto blocked = infer_text(stamped({"(POP3) [TX] LIST", "(POP3) [RX] +OK 2 messages (8200 octets)",
                                           "Retrieval cycle completed: 2 downloaded, 0 delivered, 0 failed, 2 left."}));
  EXPECT_TRUE(blocked.delivery_blocked);
  EXPECT_THAT(specs(blocked), ElementsAre());
  const auto scenario = write_scenario(blocked, "X", "x.log");
  EXPECT_THAT(scenario, HasSubstr("        - generate: {count: 2, size: 4100}\n"));  // LIST's octets, exactly
  EXPECT_THAT(scenario, HasSubstr("steps:\n  - damage_component: Inetcomm.dll\n  - cycle\n"));

  const auto ehlo = infer_text(stamped({"(SMTP) [TX] EHLO sbs", "(SMTP) [RX] 250-mail1.example.com Hello [127.0.0.1]",
                                        "(SMTP) [RX] 250-TURN", "(SMTP) [RX] 250-SIZE 524288", "(SMTP) [RX] 250 OK"}));
  EXPECT_THAT(ehlo.ehlo, ElementsAre("TURN", "SIZE 524288"));
  EXPECT_THAT(specs(ehlo), ElementsAre("smtp: world,set=profile,value=iis", "smtp: world,set=size-limit,value=524288"));
}

TEST(ReproduceInfer, AGlobalMailboxRoutesByTheMessagesAddresses) {
  const auto routed = infer_text(stamped({"(POP3) [TX] USER info", "Downloading message 1 of 2.",
                                          "Sending message 1 to the SMTP recipient bob@contoso.local\u2026",
                                          "Sending message 2 to the SMTP recipient administrator@contoso.local\u2026"}));
  auto text = write_scenario(routed, "X", "x.log");
  EXPECT_THAT(text, HasSubstr("      global: true\n      routing: {info@fabrikam.com: bob@contoso.local}\n"));
  EXPECT_THAT(text, HasSubstr("        - generate: {count: 1, size: 4096}\n        - fixture: messages/005-unrouted.eml\n"));
  // Message 2 was never sent, and event 1054 says a message had no recipient.
  const auto unroutable = infer_text(stamped({"Downloading message 1 of 2.",
                                              "Sending message 1 to the SMTP recipient bob@contoso.local\u2026"}),
                                     R"({"id":1054,"description":"The message file x.eml has no valid recipient address and was moved to Failed Mail."})"
                                     "\n");
  text = write_scenario(unroutable, "X", "x.log");
  EXPECT_THAT(text, HasSubstr("      global: true\n"));
  EXPECT_THAT(text, HasSubstr("        - fixture: messages/006-no-recipient.eml\n"));
  // One recipient and no 1054: a user mailbox.
  EXPECT_THAT(write_scenario(infer_text(stamped({"Sending message 1 to the SMTP recipient bla@test.de\u2026"})), "X", "x"),
              HasSubstr("      deliver_to: bla@test.de\n"));
}

TEST(ReproduceInfer, TheLogReaderKeepsEachLinesThread) {
  const auto log = doctor::parse_log("[t 0] 11/30/26, 07:45:04: Retrieval cycle started.\n"
                                     "[t 12] 11/30/26, 07:45:04: (SMTP) [TX]\n.\n",
                                     "customer.log");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].thread, 0);
  EXPECT_EQ(log[1].thread, 12);
  EXPECT_EQ(log[1].text, "(SMTP) [TX]\n.");
  EXPECT_EQ(doctor::LogEntry{}.thread, -1);  // an entry made without a stamp
}

// Each mailbox downloads on its own thread, and the threads' lines interleave: info's
// refused logon is info's, not bob's, and bob's mailbox goes on to download.
TEST(ReproduceInfer, EachDownloadThreadIsAMailboxOfItsOwn) {
  const auto m = infer_text(
      "[t 0] 11/30/26, 07:45:04: Retrieval cycle started.\n"
      "[t 1] 11/30/26, 07:45:04: Connecting to mail.fabrikam.com:110 for user info.\n"
      "[t 0] 11/30/26, 07:45:04: Connecting to mail.fabrikam.com:110 for user bob.\n"
      "[t 1] 11/30/26, 07:45:04: (POP3) [RX] +OK mail-host.fabrikam.com server type and version server ready\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [RX] +OK mail-host.fabrikam.com server type and version server ready\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [TX] USER bob\n"
      "[t 1] 11/30/26, 07:45:04: (POP3) [TX] USER info\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [RX] +OK\n"
      "[t 1] 11/30/26, 07:45:04: (POP3) [RX] +OK\n"
      "[t 1] 11/30/26, 07:45:04: (POP3) [TX] PASS ****\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [TX] PASS ****\n"
      "[t 1] 11/30/26, 07:45:04: (POP3) [RX] -ERR Logon failure: Unknown user name or bad password.\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [RX] +OK User successfully logged on.\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [TX] LIST\n"
      "[t 0] 11/30/26, 07:45:04: (POP3) [RX] +OK 2 messages (8200 octets)\n"
      "[t 0] 11/30/26, 07:45:04: Sending message 1 to the SMTP recipient bob@contoso.local\u2026\n"
      "[t 0] 11/30/26, 07:45:04: Retrieval cycle completed: 2 downloaded, 2 delivered, 0 failed, 0 left.\n");
  ASSERT_EQ(m.mailboxes.size(), 2u);
  EXPECT_EQ(m.mailboxes[0].user, "bob");
  EXPECT_EQ(m.mailboxes[0].message_count, 2);
  EXPECT_EQ(m.mailboxes[1].user, "info");
  EXPECT_EQ(m.mailboxes[1].thread, 1);
  EXPECT_FALSE(m.mailboxes[1].message_count);
  EXPECT_THAT(specs(m), ElementsAre("pop3: reply,on=PASS,user=info,text=-ERR Logon failure: Unknown user name or bad password."));
  const auto text = write_scenario(m, "X", "x.log");
  EXPECT_THAT(text, HasSubstr("    - user: \"bob\"\n      password: secret\n      messages:\n"
                              "        - generate: {count: 2, size: 4100}\n"
                              "    - user: \"info\"\n      password: secret\n      messages: []\n"));
  EXPECT_THAT(text, HasSubstr("  mailboxes:\n    - user: \"bob\"\n      password: secret\n      deliver_to: bob@contoso.local\n"
                              "    - user: \"info\"\n      password: secret\n      deliver_to: bob@contoso.local\n"));
  const auto scenario = runner::parse_scenario(text, "X.yaml", std::string(MAILLAB_SOURCE_DIR) + "/fixtures");
  EXPECT_EQ(scenario.accounts.size(), 2u);
}

// CHECK-logging-levels at Minimum: the log shows [t 1]'s refused logon and the cycle's
// count; the events name the users, and 12052 says why bob's message was not delivered.
TEST(ReproduceInfer, AtMinimumTheEventsNameEachThreadsUser) {
  const auto m = infer_text(
      "[t 0] 11/30/26, 07:45:04: Retrieval cycle started.\n"
      "[t 1] 11/30/26, 07:45:04: logon: -ERR Logon failure: Unknown user name or bad password.\n"
      "[t 0] 11/30/26, 07:45:04: Retrieval cycle completed: 1 downloaded, 0 delivered, 0 failed, 0 left.\n",
      R"({"id":12053,"description":"The POP3 server 127.0.0.1:38197 refused the logon of user info: -ERR Logon failure: Unknown user name or bad password."})"
      "\n"
      R"({"id":12052,"description":"POP3: An error occurred during a POP3 transaction on 127.0.0.1 for user bob. The error is 86."})"
      "\n");
  ASSERT_EQ(m.mailboxes.size(), 2u);
  EXPECT_EQ(m.mailboxes[0].user, "bob");
  EXPECT_EQ(m.mailboxes[0].message_count, 1);  // the cycle's count: info's logon was refused
  EXPECT_EQ(m.mailboxes[1].user, "info");
  EXPECT_EQ(m.mailboxes[1].message_count.value_or(0), 0);
  EXPECT_THAT(specs(m), ElementsAre("pop3: reply,on=PASS,user=info,text=-ERR Logon failure: Unknown user name or bad password.",
                                    "smtp: reply,on=MAIL,text=530 5.7.3 Client was not authenticated"));
}

// Below Maximum and without event 12052, mail that went nowhere is replayed as a refused
// MAIL, and the report says it is a guess; at Maximum the SMTP lines say what happened.
TEST(ReproduceInfer, AnEventThatNamesAUserNamesTheMailbox) {
  const auto m = infer_text(stamped({"Retrieval cycle started."}),
                            R"({"id":12050,"description":"Could not open a connection to the POP3 server 127.0.0.1:110 for user alice.smith: Connect failed (Connection refused)."})"
                            "\n");
  EXPECT_EQ(m.first().user, "alice.smith");
  EXPECT_THAT(specs(m), ElementsAre("pop3: connect-refused"));
}

TEST(ReproduceInfer, MailThatWentNowhereIsAGuessedSmtpRefusal) {
  const auto m = infer_text(stamped({"Retrieval cycle started.",
                                     "Retrieval cycle completed: 2 downloaded, 0 delivered, 0 failed, 0 left."}));
  EXPECT_THAT(specs(m), ElementsAre("smtp: reply,on=MAIL,text=530 5.7.3 Client was not authenticated"));
  ASSERT_EQ(m.notes.size(), 1u);
  EXPECT_THAT(m.notes.front(), HasSubstr("nothing says why"));
  const auto delivered = infer_text(stamped({"Retrieval cycle completed: 2 downloaded, 1 delivered, 0 failed, 1 left."}));
  EXPECT_THAT(specs(delivered), ElementsAre());
}

TEST(ReproduceInfer, OnlyTheFirstCycleIsModelled) {
  const auto m = infer_text(stamped({"Retrieval cycle started.", "(POP3) [RX] -ERR first", "Retrieval cycle started.",
                                     "(POP3) [RX] -ERR second"}));
  EXPECT_EQ(m.cycles_seen, 2);
  EXPECT_EQ(m.lines_read, 2);
  EXPECT_THAT(specs(m), ElementsAre("pop3: reply,on=connect,text=-ERR first"));
}

TEST(ReproduceInfer, EventsInEachLanguage) {
  const auto log = stamped({"Retrieval cycle started."});
  const auto de = infer_text(log, fixture("seed000-event-12052.txt"));
  EXPECT_EQ(de.language, Language::De);
  EXPECT_THAT(de.event_ids, ElementsAre(12052));
  EXPECT_THAT(specs(de), ElementsAre("smtp: reply,on=MAIL,text=530 5.7.3 Client was not authenticated"));
  const auto ja = infer_text(log, fixture("seed003-event-12052.txt"));
  EXPECT_EQ(ja.language, Language::Ja);
  EXPECT_THAT(specs(ja), ElementsAre("smtp: reply,on=MAIL,text=530 5.7.3 Client was not authenticated"));
  EXPECT_EQ(infer_text(log, fixture("seed003-events-1046-1048.txt")).language, Language::Ja);
  EXPECT_THAT(infer_text(log, fixture("seed000-events-1046-1048.txt")).event_ids, ElementsAre(1046, 1048));
  const auto en = infer_text(log, "Source: POP3 Connector\nCategory: Download\nEvent ID: 12053\nType: Error\n"
                                  "Description: The POP3 server 127.0.0.1:110 refused the logon of user bob: "
                                  "-ERR Logon failure: Unknown user name or bad password.\n");
  EXPECT_EQ(en.language, Language::En);
  EXPECT_THAT(specs(en), ElementsAre("pop3: reply,on=PASS,text=-ERR Logon failure: Unknown user name or bad password."));
  const auto jsonl = infer_text(log, R"({"id":1070,"source":"POP3 Connector","description":"The message could not be delivered to bob@fabrikam.com: the mail domain is not in the default recipient policy (550 5.7.1 Unable to relay)."})"
                                     "\n");
  EXPECT_THAT(specs(jsonl), ElementsAre("smtp: reply,on=RCPT,text=550 5.7.1 Unable to relay"));
}

TEST(ReproduceInfer, ALineItCannotReadIsNamed) {
  const auto bad_direction = stamped({"Retrieval cycle started.", "(POP3) [TX] USER bob", "(POP3) [XX] +OK"});
  try {
    infer_text(bad_direction);
    FAIL() << "no error";
  } catch (const ReadError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_THAT(e.what(), HasSubstr("customer.log:3: expected '(POP3) [TX] ...'"));
  }
  EXPECT_THROW(
      {
        try {
          infer_text(stamped({"(SMTP) [TX] MAIL FROM: <>", "(SMTP) [RX] Sender OK"}));
        } catch (const ReadError& e) {
          EXPECT_THAT(e.what(), HasSubstr("customer.log:2: an SMTP reply must start with a three-digit code"));
          throw;
        }
      },
      ReadError);
  EXPECT_THROW(infer_text(stamped({"(POP3) [TX] USER bob", "(POP3) [RX] OK"})), ReadError);
  EXPECT_THROW(infer_text(""), ReadError);
}

}  // namespace
}  // namespace maillab::reproduce
