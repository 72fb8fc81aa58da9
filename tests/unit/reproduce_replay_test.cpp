// maillab reproduce: the masked comparison, the scenario text, and the round trip: the
// log the connector writes for a catalog scenario, reproduced, replayed, compared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "maillab/doctor/probes.hpp"
#include "maillab/reproduce/infer.hpp"
#include "maillab/reproduce/log_compare.hpp"
#include "maillab/reproduce/replay.hpp"
#include "maillab/reproduce/scenario_text.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::reproduce {
namespace {

using ::testing::HasSubstr;

const std::string kFixtures = std::string(MAILLAB_SOURCE_DIR) + "/fixtures";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReproduceCompare, MasksHostsPortsAndFileNamesButNotAddresses) {
  EXPECT_EQ(mask_line("Connecting to 127.0.0.1:40711 for user bob."), "Connecting to HOST:PORT for user bob.");
  EXPECT_EQ(mask_line("Connecting to mail-host.fabrikam.com:110 for user bob."), "Connecting to HOST:PORT for user bob.");
  EXPECT_EQ(mask_line("(SMTP) [RX] 250-mail1.example.com Hello [127.0.0.1]"), "(SMTP) [RX] 250-HOST Hello [HOST]");
  EXPECT_EQ(mask_line("Sending message 1 to the SMTP recipient bla@test.de\u2026"),
            "Sending message 1 to the SMTP recipient bla@test.de\u2026");
  EXPECT_EQ(mask_line("Moved message 1796003576026910-0000-ac544390-u3030312d706c61696e.eml to the pickup folder."),
            "Moved message FILE to the pickup folder.");
  EXPECT_EQ(mask_line("(SMTP) [TX]\nSubject: hello\n\nbody\n."), "(SMTP) [TX]\n.");
  EXPECT_EQ(mask_line("pszResponse: 554 5.1.0 Sender denied"), "pszResponse: 554 5.1.0 Sender denied");
  EXPECT_EQ(mask_line("(SMTP) [RX] 250 2.6.0 <00000002@mail1.example.com> Queued mail for delivery"),
            "(SMTP) [RX] 250 2.6.0 <ID@mail1.example.com> Queued mail for delivery");
}

// A log of the lines, each on the thread it names ("[t N]"); the stamps do not matter.
std::vector<doctor::LogEntry> threaded(const std::vector<std::pair<int, const char*>>& lines) {
  std::string text;
  for (auto [thread, l] : lines) text += "[t " + std::to_string(thread) + "] 07/29/20, 15:49:30: " + l + "\n";
  return doctor::parse_log(text, "log");
}

// A log of the lines, all on the first thread.
std::vector<doctor::LogEntry> entries(std::initializer_list<const char*> lines) {
  std::vector<std::pair<int, const char*>> on_first;
  for (const char* l : lines) on_first.emplace_back(0, l);
  return threaded(on_first);
}

TEST(ReproduceCompare, TheDownloadThreadsLinesMayComeBetween) {
  const auto customer = entries({"(POP3) [TX] RETR 1", "(POP3) [RX] +OK", "(SMTP) [TX] MAIL FROM: <> RET=FULL",
                                 "(POP3) [TX] RETR 2", "(SMTP) [RX] 250 2.1.0 Sender OK"});
  const auto maillab = entries({"Retrieval cycle started.", "(POP3) [TX] RETR 1", "(POP3) [RX] +OK",
                                "(POP3) [TX] RETR 2", "(SMTP) [TX] MAIL FROM: <> RET=FULL",
                                "(SMTP) [RX] 250 2.1.0 Sender OK"});
  auto c = compare_logs(customer, maillab);
  EXPECT_TRUE(c.all_match()) << render_comparison(c);
  const auto other = entries({"(POP3) [TX] RETR 1", "(POP3) [RX] +OK", "(POP3) [TX] RETR 2",
                              "(SMTP) [TX] MAIL FROM: <> RET=FULL", "(SMTP) [RX] 554 5.1.0 Sender denied"});
  c = compare_logs(customer, other);
  EXPECT_EQ(c.matched(), 4);
  EXPECT_THAT(render_comparison(c), HasSubstr("     5 ! (SMTP) [RX] 250 2.1.0 Sender OK\n"
                                              "       maillab's line 5: (SMTP) [RX] 554 5.1.0 Sender denied\n"));
}

// Two mailboxes' download threads interleave in any order; each is compared on its own.
TEST(ReproduceCompare, EachDownloadThreadInItsOwnOrder) {
  const auto customer = threaded({{0, "Retrieval cycle started."}, {1, "(POP3) [TX] USER info"},
                                  {0, "(POP3) [TX] USER bob"}, {0, "(POP3) [RX] +OK"},
                                  {1, "(POP3) [RX] -ERR no such user"}});
  const auto maillab = threaded({{0, "Retrieval cycle started."}, {0, "(POP3) [TX] USER bob"},
                                 {1, "(POP3) [TX] USER info"}, {1, "(POP3) [RX] -ERR no such user"},
                                 {0, "(POP3) [RX] +OK"}});
  auto c = compare_logs(customer, maillab);
  EXPECT_TRUE(c.all_match()) << render_comparison(c);
  // The same lines on the other mailbox's thread are not the same.
  const auto swapped = threaded({{0, "Retrieval cycle started."}, {1, "(POP3) [TX] USER bob"},
                                 {0, "(POP3) [TX] USER info"}, {0, "(POP3) [RX] -ERR no such user"},
                                 {1, "(POP3) [RX] +OK"}});
  c = compare_logs(customer, swapped);
  EXPECT_EQ(c.matched(), 1) << render_comparison(c);
}

// The delivery thread sends the two mailboxes' files in the order they came: each file's
// lines (its SMTP lines on [t 0] included) go with its mailbox; the session's opening
// keeps the cycle's order.
TEST(ReproduceCompare, EachMailboxsFilesInTheirOwnOrder) {
  const auto customer = threaded({{0, "(SMTP) [TX] EHLO sbs"},
                                  {1, "Sending message 1 to the SMTP recipient info@contoso.local\u2026"},
                                  {0, "(SMTP) [TX] MAIL FROM: <> RET=FULL"},
                                  {0, "(SMTP) [RX] 550 5.7.1 info refused"},
                                  {0, "Sending message 1 to the SMTP recipient bob@contoso.local\u2026"},
                                  {0, "(SMTP) [TX] MAIL FROM: <> RET=FULL"},
                                  {0, "(SMTP) [RX] 250 2.1.0 Sender OK"}});
  const auto maillab = threaded({{0, "(SMTP) [TX] EHLO sbs"},
                                 {0, "Sending message 1 to the SMTP recipient bob@contoso.local\u2026"},
                                 {0, "(SMTP) [TX] MAIL FROM: <> RET=FULL"},
                                 {0, "(SMTP) [RX] 250 2.1.0 Sender OK"},
                                 {1, "Sending message 1 to the SMTP recipient info@contoso.local\u2026"},
                                 {0, "(SMTP) [TX] MAIL FROM: <> RET=FULL"},
                                 {0, "(SMTP) [RX] 550 5.7.1 info refused"}});
  const auto c = compare_logs(customer, maillab);
  EXPECT_TRUE(c.all_match()) << render_comparison(c);
}

TEST(ReproduceScenario, Seed004WritesAScenarioTheLoaderTakes) {
  const auto log = doctor::parse_log(read(kFixtures + "/customer/seed004.log"), "seed004.log");
  const auto text = write_scenario(infer(log, {}, "seed004.log"), "REPRO-seed004", "seed004.log");
  EXPECT_THAT(text, HasSubstr("    - \"reply,on=.,text=554 5.1.0 Sender denied\"\n"));
  EXPECT_THAT(text, HasSubstr("accepted_domains: [contoso.local, test.de]"));
  EXPECT_THAT(text, HasSubstr("deliver_to: bla@test.de"));
  const auto scenario = runner::parse_scenario(text, "REPRO-seed004.yaml", kFixtures);
  EXPECT_EQ(scenario.accounts.at(0).messages.size(), 6u);
}

TEST(ReproduceReplay, Seed004MatchesLineForLineUnderSbs2003) {
  const auto log = doctor::parse_log(read(kFixtures + "/customer/seed004.log"), "seed004.log");
  const auto text = write_scenario(infer(log, {}, "seed004.log"), "REPRO-seed004", "seed004.log");
  const auto run = replay(text, "REPRO-seed004", connector::Profile::Sbs2003, kFixtures);
  EXPECT_TRUE(run.result.error.empty()) << run.result.error;
  const auto c = compare_logs(log, run.log);
  EXPECT_TRUE(c.all_match()) << render_comparison(c);
}

// The round trip over a handful of the catalog (scripts/reproduce_catalog.py runs all of
// it): the log and events the connector wrote for the scenario's first cycle, reproduced
// and replayed, give the same first cycle.
class ReproduceRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(ReproduceRoundTrip, TheReproducedScenarioGivesTheSameLog) {
  const auto dir = runner::default_scenarios_dir();
  const auto original = runner::load_scenario(dir + "/" + GetParam() + ".yaml", runner::fixtures_dir_for(dir));
  std::ostringstream original_text;
  original_text << std::ifstream(original.file).rdbuf();
  const auto first = replay(original_text.str(), original.id, connector::Profile::Sbs2003, runner::fixtures_dir_for(dir));
  const auto text = write_scenario(infer(first.log, first.events, "pop3connector.log"), "REPRO-x", "pop3connector.log");
  const auto again = replay(text, "REPRO-x", connector::Profile::Sbs2003, kFixtures);
  const auto c = compare_logs(first_cycle(first.log), again.log);
  EXPECT_TRUE(c.all_match()) << text << render_comparison(c);
}

// Two mailboxes that both deliver, at Maximum: their download threads interleave, and the
// delivery thread sends their files in whatever order they came, run after run.
TEST(ReproduceReplay, TwoMailboxesThatBothDeliverRoundTrip) {
  const std::string original = R"(id: TWO-mailboxes
title: "two mailboxes"
source: "reproduce_replay_test"
fault: "none"
symptoms: "none"
pop3:
  accounts:
    - user: bob
      password: secret
      messages:
        - generate: {count: 2, size: 4K}
    - user: info
      password: secret
      messages:
        - generate: {count: 3, size: 4K}
connector:
  logging: Maximum
  mailboxes:
    - {user: bob, password: secret, deliver_to: bob@contoso.local}
    - {user: info, password: secret, deliver_to: administrator@contoso.local}
steps:
  - cycle
)";
  const auto first = replay(original, "TWO-mailboxes", connector::Profile::Sbs2003, kFixtures);
  ASSERT_TRUE(first.result.error.empty()) << first.result.error;
  const auto model = infer(first.log, first.events, "pop3connector.log");
  ASSERT_EQ(model.mailboxes.size(), 2u);
  EXPECT_EQ(model.mailboxes[1].user, "info");
  EXPECT_EQ(model.mailboxes[1].message_count, 3);
  const auto text = write_scenario(model, "REPRO-x", "pop3connector.log");
  EXPECT_THAT(text, HasSubstr("      deliver_to: administrator@contoso.local\n"));
  const auto again = replay(text, "REPRO-x", connector::Profile::Sbs2003, kFixtures);
  const auto c = compare_logs(first_cycle(first.log), again.log);
  EXPECT_TRUE(c.all_match()) << text << render_comparison(c);
}

INSTANTIATE_TEST_SUITE_P(Catalog, ReproduceRoundTrip,
                         ::testing::Values("SD-sender-denied", "DL-bad-password", "SMTP-anonymous-disabled",
                                           "DL-connect-failed", "SMTP-recipient-policy", "CDO-corrupt-eml",
                                           "CDO-failed-mail", "NET-drop-mid-retr", "EX-verbs-missing", "TLS-smtp-starttls",
                                           "CHECK-logging-levels"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace maillab::reproduce
