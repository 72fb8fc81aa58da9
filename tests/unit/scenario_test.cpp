// Scenario files: a well-formed one loads; a malformed one is refused naming file, line
// and field, before anything runs.
#include <gtest/gtest.h>

#include "maillab/runner/catalog.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {
namespace {

const std::string kFixtures = MAILLAB_SOURCE_DIR "/fixtures";

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "scenarios/X-test.yaml", kFixtures);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kHead =
    "id: X-test\n"
    "pop3:\n"
    "  accounts:\n"
    "    - user: bob\n"
    "      messages:\n"
    "        - fixture: messages/001-plain.eml\n";

TEST(ScenarioFile, AWellFormedOneLoads) {
  auto sc = parse_scenario(kHead + "steps:\n  - cycle\n  - expect: {pop3_left: 0}\n", "scenarios/X-test.yaml", kFixtures);
  EXPECT_EQ(sc.id, "X-test");
  ASSERT_EQ(sc.accounts.size(), 1u);
  EXPECT_EQ(sc.accounts[0].password, "secret");
  ASSERT_EQ(sc.steps.size(), 2u);
  EXPECT_EQ(sc.steps[1].line, 9);
  EXPECT_EQ(sc.connector.base.mailboxes.at(0).deliver_to, "bob@contoso.local");
  EXPECT_EQ(sc.profiles.size(), 2u);
}

TEST(ScenarioFile, ErrorsNameFileLineAndField) {
  EXPECT_EQ(error_of(kHead + "steps:\n  - cycle: many\n"),
            "scenarios/X-test.yaml:8: field 'steps[0].cycle': must be a non-negative integer, not 'many'");
  EXPECT_EQ(error_of(kHead + "steps:\n  - cycle\n  - expect: {pop3_left: 0, folder: {}}\n"),
            "scenarios/X-test.yaml:9: field 'steps[1].expect.folder': unknown (known: events, no_events, folders, "
            "mailboxes, placements, pop3_left, taken_by_competing_client, log, no_log, transcript, cycle, smtpreg, "
            "no_smtpreg, messages)");
  EXPECT_EQ(error_of(kHead + "steps:\n  - reboot: now\n").substr(0, 64),
            "scenarios/X-test.yaml:8: field 'steps[0].reboot': unknown action");
  EXPECT_EQ(error_of(kHead + "steps:\n  - profile: win95\n    cycle: 1\n"),
            "scenarios/X-test.yaml:8: field 'steps[0].profile': must be sbs2003 or robust, not 'win95'");
  EXPECT_EQ(error_of("id: other\npop3: {accounts: [{user: bob}]}\nsteps: [cycle]\n"),
            "scenarios/X-test.yaml:1: field 'id': must match the file name ('X-test')");
  EXPECT_EQ(error_of("id: X-test\npop3:\n  accounts:\n    - user: bob\n      messages:\n        - fixture: nope.eml\nsteps: [cycle]\n"),
            "scenarios/X-test.yaml:6: field 'pop3.accounts[0].messages[0].fixture': no fixture " + kFixtures +
                "/nope.eml");
}

TEST(ScenarioFile, ABadFaultSpecIsRefusedWithItsLine) {
  auto e = error_of(kHead + "  faults: [\"reply,on=RETR,nth=x\"]\nsteps: [cycle]\n");
  EXPECT_NE(e.find("scenarios/X-test.yaml:7"), std::string::npos) << e;
  EXPECT_NE(e.find("nth"), std::string::npos) << e;
}

TEST(ScenarioFile, TwoMessagesWithOneMessageIdAreRefused) {
  auto e = error_of(kHead + "        - fixture: messages/001-plain.eml\nsteps: [cycle]\n");
  EXPECT_NE(e.find("has the Message-ID of"), std::string::npos) << e;
}

TEST(ScenarioFile, UnexpectedShapesNameTheirLineToo) {
  EXPECT_EQ(error_of("id: X-test\n{a: 1}: b\n"), "scenarios/X-test.yaml:2: bad conversion");
  EXPECT_EQ(error_of(kHead + "        - fixture: /etc/passwd\nsteps: [cycle]\n"),
            "scenarios/X-test.yaml:7: field 'pop3.accounts[0].messages[1].fixture': must be a path under fixtures/, "
            "not '/etc/passwd'");
}

TEST(ScenarioFile, BrokenYamlNamesItsLine) {
  EXPECT_EQ(error_of(kHead + "steps: [cycle\n").substr(0, 24), "scenarios/X-test.yaml:8:");
}

TEST(Catalog, EveryFileLoads) {
  auto catalog = load_catalog(MAILLAB_SOURCE_DIR "/scenarios");
  EXPECT_GE(catalog.size(), 31u);
}

}  // namespace
}  // namespace maillab::runner

namespace maillab::runner {
namespace {

// The runner's own checks must be able to fail: a wrong expectation and a message
// destroyed by hand are both reported, with file and line.
TEST(Runner, AWrongExpectationAndALostMessageAreReported) {
  auto sc = parse_scenario(kHead +
                               "  faults: [\"corrupt-eml,message=1\"]\n"
                               "steps:\n"
                               "  - cycle\n"
                               "  - expect: {pop3_left: 7}\n"
                               "  - remove_folder: Incoming Mail\n",
                           "scenarios/X-test.yaml", kFixtures);
  auto r = run_scenario(sc, connector::Profile::Sbs2003);
  EXPECT_FALSE(r.passed);
  auto f = r.failures();
  ASSERT_EQ(f.size(), 2u) << ::testing::PrintToString(f);
  EXPECT_EQ(f[0], "scenarios/X-test.yaml:10: steps[1]: messages on the POP3 server: 0 (expected 7)");
  EXPECT_EQ(f[1],
            "scenarios/X-test.yaml:0: conservation: every message in exactly one known place: lost: bob #1 "
            "(001-plain.eml) <001@fabrikam.com> is in no known place");
}

TEST(Runner, TheSameScenarioPassesWhenNothingIsWrong) {
  auto sc = parse_scenario(kHead + "steps:\n  - cycle\n  - expect: {pop3_left: 0, mailboxes: {bob@contoso.local/Inbox: 1}}\n",
                           "scenarios/X-test.yaml", kFixtures);
  for (auto p : {connector::Profile::Sbs2003, connector::Profile::Robust}) {
    auto r = run_scenario(sc, p);
    EXPECT_TRUE(r.passed) << r.why();
    EXPECT_EQ(r.checks.size(), 3u);
  }
}

}  // namespace
}  // namespace maillab::runner
