// Scenario files: a well-formed one loads; a malformed one is refused naming file, line
// and field, before anything runs.
#include <gmock/gmock.h>
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
            "scenarios/X-test.yaml:8: field 'steps[0].cycle': must be an integer of at least 1, not 'many'");
  EXPECT_EQ(error_of(kHead + "steps:\n  - cycle\n  - expect: {pop3_left: 0, folder: {}}\n"),
            "scenarios/X-test.yaml:9: field 'steps[1].expect.folder': unknown (known: events, no_events, folders, "
            "mailboxes, placements, pop3_left, taken_by_competing_client, log, no_log, log_block, transcript, cycle, smtpreg, "
            "no_smtpreg, messages, retrieve_refused)");
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
  EXPECT_EQ(error_of("id: X-test\n{a: 1}: b\n"), "scenarios/X-test.yaml:2: field '(top)': a key must be a single word");
  EXPECT_EQ(error_of(kHead + "        - fixture: /etc/passwd\nsteps: [cycle]\n"),
            "scenarios/X-test.yaml:7: field 'pop3.accounts[0].messages[1].fixture': must be a path under fixtures/, "
            "not '/etc/passwd'");
}

TEST(ScenarioFile, BrokenYamlNamesItsLine) {
  EXPECT_EQ(error_of(kHead + "steps: [cycle\n").substr(0, 24), "scenarios/X-test.yaml:8:");
}

TEST(ScenarioFile, StepsAreParsedOnceIntoTypedFields) {
  auto sc = parse_scenario(kHead +
                               "steps:\n"
                               "  - cycle: 2\n"
                               "  - configure: {leave_on_server: on, logging: Minimum, deliver_to: Bob@Contoso.Local}\n"
                               "  - exchange: {mailbox: Bob@Contoso.Local, quota_kb: 10, deliver_to_both: yes}\n"
                               "  - fs_fault: {antivirus: lock, nth: 2}\n"
                               "  - profile: robust\n    clear_faults: all\n",
                           "scenarios/X-test.yaml", kFixtures);
  ASSERT_EQ(sc.steps.size(), 5u);
  EXPECT_EQ(std::get<steps::Cycle>(sc.steps[0].action).count, 2);
  const auto& c = std::get<steps::Configure>(sc.steps[1].action);
  EXPECT_EQ(c.leave_on_server, true);
  EXPECT_EQ(c.logging, connector::LogLevel::Minimum);
  EXPECT_EQ(c.deliver_to, "bob@contoso.local");
  EXPECT_FALSE(c.password);
  const auto& x = std::get<steps::Exchange>(sc.steps[2].action);
  EXPECT_EQ(x.mailbox, "bob@contoso.local");
  EXPECT_EQ(x.quota_kb, 10u);
  EXPECT_EQ(x.deliver_to_both, true);
  EXPECT_FALSE(x.used_kb);
  const auto& f = std::get<steps::FsFault>(sc.steps[3].action);
  EXPECT_EQ(f.antivirus, Antivirus::Lock);
  EXPECT_EQ(f.nth, 2);
  EXPECT_EQ(f.folder, "Incoming Mail");
  EXPECT_FALSE(std::get<steps::ClearFaults>(sc.steps[4].action).server) << "all";
  EXPECT_EQ(sc.steps[4].profile, connector::Profile::Robust);
}

TEST(ScenarioFile, StepSettingsAreCheckedWithTheirField) {
  const std::pair<const char*, const char*> cases[] = {
      {"configure: {leave_on_server: maybe}",
       "configure.leave_on_server': must be true or false (yes/no, on/off), not 'maybe'"},
      {"exchange: {mailbox: bob@contoso.local, quota_kb: lots}",
       "exchange.quota_kb': must be a non-negative integer, not 'lots'"},
      {"exchange: {quota_kb: 5}", "exchange.mailbox': names the mailbox these settings change"},
      {"fs_fault: {antivirus: eat}", "fs_fault.antivirus': must be rename or lock, not 'eat'"},
      {"fs_fault: {antivirus: lock, nth: 0}", "fs_fault.nth': must be an integer of at least 1, not '0'"},
      {"pickup: now", "pickup': takes no value"},
      {"expect: {cycle: {downloaded: x}}", "expect.cycle.downloaded': must be a non-negative integer, not 'x'"},
  };
  for (const auto& [step, why] : cases)
    EXPECT_EQ(error_of(kHead + "steps:\n  - " + step + "\n"),
              std::string("scenarios/X-test.yaml:8: field 'steps[0].") + why);
}

// `leave_on_server: on` is true in a scenario's connector section as in a connector
// configuration file; the two share one reader, so routing keys are normalised alike.
TEST(ScenarioFile, ConnectorSettingsReadAsInAConfigurationFile) {
  auto sc = parse_scenario(kHead + "    - user: info\n"
                                   "connector:\n"
                                   "  leave_on_server: on\n"
                                   "  mailboxes:\n"
                                   "    - {user: info, global: true, routing: {Info@Fabrikam.COM: Bob@Contoso.Local}}\n"
                                   "steps: [cycle]\n",
                           "scenarios/X-test.yaml", kFixtures);
  auto file = connector::parse_config_text(
      "root: /r\nleave_on_server: on\ndelivery: {smtp: 'h:25'}\nadmin_mailbox: a@b.c\nmailboxes:\n"
      "  - {pop3: 'h:110', user: info, global: true, routing: {Info@Fabrikam.COM: Bob@Contoso.Local}}\n",
      "c.yaml");
  EXPECT_TRUE(sc.connector.base.leave_on_server);
  EXPECT_TRUE(file.leave_on_server);
  ASSERT_EQ(sc.connector.base.mailboxes.size(), 1u);
  EXPECT_EQ(sc.connector.base.mailboxes[0].routing, file.mailboxes[0].routing);
  EXPECT_EQ(file.mailboxes[0].routing.at("info@fabrikam.com"), "bob@contoso.local");
}

TEST(ScenarioFile, EventChecksNameAnyFieldAndTheShortFormsStillLoad) {
  auto sc = parse_scenario(kHead + "connector: {language: ja}\n"
                                   "steps:\n"
                                   "  - expect:\n"
                                   "      events:\n"
                                   "        - 1048\n"
                                   "        - {id: 1046, text: old}\n"
                                   "        - {id: 1051, contains: corrupt, count: 2}\n"
                                   "        - id: 12052\n"
                                   "          source: POP3 Connector\n"
                                   "          category: ダウンロード\n"
                                   "          type: エラー\n"
                                   "          description: whole\n"
                                   "          contains: [host, user]\n",
                           "scenarios/X-test.yaml", kFixtures);
  EXPECT_EQ(sc.connector.base.lang, connector::Lang::Ja);
  const auto& events = std::get<Expect>(sc.steps.at(0).action).events;
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].id, 1048);
  EXPECT_FALSE(events[0].description || events[0].source || !events[0].contains.empty());
  EXPECT_EQ(events[1].description, "old");
  EXPECT_EQ(events[2].contains, std::vector<std::string>{"corrupt"});
  EXPECT_EQ(events[2].count, 2);
  EXPECT_EQ(events[3].source, "POP3 Connector");
  EXPECT_EQ(events[3].category, "ダウンロード");
  EXPECT_EQ(events[3].type, "エラー");
  EXPECT_EQ(events[3].description, "whole");
  EXPECT_EQ(events[3].contains, (std::vector<std::string>{"host", "user"}));
  EXPECT_EQ(error_of(kHead + "steps:\n  - expect: {events: [{id: 1, text: a, description: b}]}\n"),
            "scenarios/X-test.yaml:8: field 'steps[0].expect.events[0].text': says what description says; give one");
  EXPECT_EQ(error_of(kHead + "steps:\n  - expect: {events: [{id: 1, kind: Error}]}\n").substr(0, 72),
            "scenarios/X-test.yaml:8: field 'steps[0].expect.events[0].kind': unknown");
  EXPECT_EQ(error_of(kHead + "connector: {language: jp}\nsteps: [cycle]\n"),
            "scenarios/X-test.yaml:7: field 'connector.language': must be en, de or ja, not 'jp'");
}

TEST(ScenarioFile, LogBlocksAreListsOfLines) {
  auto sc = parse_scenario(kHead + "steps:\n"
                                   "  - expect:\n"
                                   "      log_block: |\n"
                                   "        [t 0] 07/29/20, 15:49:30: (SMTP) [TX]\n"
                                   "        .\n"
                                   "  - expect:\n"
                                   "      log_block: [\"a\\nb\", c]\n",
                           "scenarios/X-test.yaml", kFixtures);
  const auto& one = std::get<Expect>(sc.steps.at(0).action).log_blocks;
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].lines, (std::vector<std::string>{"[t 0] 07/29/20, 15:49:30: (SMTP) [TX]", "."}));
  const auto& two = std::get<Expect>(sc.steps.at(1).action).log_blocks;
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(two[1].lines, std::vector<std::string>{"c"});
  auto between = parse_scenario(kHead + "steps:\n  - expect: {log_block: {lines: \"x\\ny\", between: [\"(POP3) \"]}}\n",
                                "scenarios/X-test.yaml", kFixtures);
  const auto& b = std::get<Expect>(between.steps.at(0).action).log_blocks.at(0);
  EXPECT_EQ(b.lines, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b.between, std::vector<std::string>{"(POP3) "});
  EXPECT_EQ(error_of(kHead + "steps:\n  - expect: {log_block: ''}\n"),
            "scenarios/X-test.yaml:8: field 'steps[0].expect.log_block': a log block needs at least one line");
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

// `on` is applied as true, not only accepted: the connector leaves the mail on the server,
// set in the connector section and changed by a configure step alike. (Robust only: the
// sbs2003 profile deletes what it delivered whatever the setting, as CHECK-leave-on-server
// is robust only.)
TEST(Runner, LeaveOnServerOnLeavesTheMailOnTheServer) {
  const std::string expect = "  - expect: {pop3_left: 1, mailboxes: {bob@contoso.local/Inbox: 1}}\n";
  auto from_section = parse_scenario(kHead + "connector:\n  leave_on_server: on\nsteps:\n  - cycle\n" + expect,
                                     "scenarios/X-test.yaml", kFixtures);
  auto from_step = parse_scenario(
      kHead + "steps:\n  - configure: {leave_on_server: on}\n  - cycle\n" + expect, "scenarios/X-test.yaml", kFixtures);
  auto left_off = parse_scenario(kHead + "connector:\n  leave_on_server: off\nsteps:\n  - cycle\n" + expect,
                                 "scenarios/X-test.yaml", kFixtures);
  auto a = run_scenario(from_section, connector::Profile::Robust);
  EXPECT_TRUE(a.passed) << a.why();
  auto b = run_scenario(from_step, connector::Profile::Robust);
  EXPECT_TRUE(b.passed) << b.why();
  auto c = run_scenario(left_off, connector::Profile::Robust);
  EXPECT_EQ(c.why(), "scenarios/X-test.yaml:11: steps[1]: messages on the POP3 server: 0 (expected 1)")
      << "off takes the mail off the server";
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

TEST(ScenarioFile, DocumentedFatesArePerProfileAndChecked) {
  auto sc = parse_scenario(kHead + "conservation:\n  sbs2003: {duplicated: 1}\nsteps: [cycle]\n", "scenarios/X-test.yaml",
                           kFixtures);
  ASSERT_EQ(sc.documented_fates.count(connector::Profile::Sbs2003), 1u);
  EXPECT_EQ(sc.documented_fates.at(connector::Profile::Sbs2003).duplicated, 1u);
  EXPECT_EQ(sc.documented_fates.count(connector::Profile::Robust), 0u);
  auto unknown_fate = error_of(kHead + "conservation:\n  sbs2003: {doubled: 1}\nsteps: [cycle]\n");
  EXPECT_TRUE(unknown_fate.starts_with("scenarios/X-test.yaml:8: field 'conservation.sbs2003.doubled'")) << unknown_fate;
  auto unknown_profile = error_of(kHead + "conservation:\n  win95: {lost: 1}\nsteps: [cycle]\n");
  EXPECT_TRUE(unknown_profile.starts_with("scenarios/X-test.yaml:8: field 'conservation.win95'")) << unknown_profile;
}

// The `configure` step's connector fields (user, host, restart) and the connector
// section's mailbox host and timeouts.
TEST(ConfigureStep, UserHostAndRestartAreTypedFields) {
  auto sc = parse_scenario(kHead +
                               "steps:\n"
                               "  - configure: {user: bob, host: mail-host.fabrikam.com, restart: no}\n"
                               "  - configure: {logging: Medium}\n",
                           "scenarios/X-test.yaml", kFixtures);
  const auto& a = std::get<steps::Configure>(sc.steps[0].action);
  EXPECT_EQ(a.user, "bob");
  EXPECT_EQ(a.host, "mail-host.fabrikam.com");
  EXPECT_FALSE(a.restart);
  const auto& b = std::get<steps::Configure>(sc.steps[1].action);
  EXPECT_TRUE(b.restart) << "the dialog's Yes is the default";
  EXPECT_FALSE(b.user);
  EXPECT_FALSE(b.host);
}

TEST(ConfigureStep, BadValuesNameFileLineAndField) {
  EXPECT_EQ(error_of(kHead + "steps:\n  - configure: {host: 'mail host'}\n"),
            "scenarios/X-test.yaml:8: field 'steps[0].configure.host': must be a host name (e.g. "
            "mail-host.fabrikam.com) or an IP address, not 'mail host'");
  EXPECT_EQ(error_of(kHead + "steps:\n  - configure: {user: 'bob smith'}\n"),
            "scenarios/X-test.yaml:8: field 'steps[0].configure.user': must be a POP3 user name without spaces, not "
            "'bob smith'");
  EXPECT_THAT(error_of(kHead + "steps:\n  - configure: {restart: later}\n"),
              ::testing::HasSubstr("scenarios/X-test.yaml:8: field 'steps[0].configure.restart': must be true or false"));
  EXPECT_THAT(error_of(kHead + "steps:\n  - configure: {mailbox: bob}\n"),
              ::testing::HasSubstr("field 'steps[0].configure.mailbox': unknown (known: password, deliver_to, leave_on_server, "
                        "logging, user, host, restart)"));
}

TEST(ConnectorSection, AMailboxMayNameItsHostAndAUserTheServerLacks) {
  auto sc = parse_scenario(kHead +
                               "connector:\n"
                               "  timeouts: {connect: 250ms}\n"
                               "  mailboxes:\n"
                               "    - {user: bobs, unknown_user: true, host: pop.fabrikam.com, deliver_to: bob@contoso.local}\n"
                               "steps: [cycle]\n",
                           "scenarios/X-test.yaml", kFixtures);
  const auto& mb = sc.connector.base.mailboxes.at(0);
  EXPECT_EQ(mb.user, "bobs");
  EXPECT_EQ(mb.pop3.host, "pop.fabrikam.com");
  EXPECT_EQ(sc.connector.base.connect_timeout, std::chrono::milliseconds(250));
  EXPECT_THAT(error_of(kHead + "connector:\n  mailboxes:\n    - {user: bobs, deliver_to: bob@contoso.local}\nsteps: [cycle]\n"),
              ::testing::HasSubstr("field 'connector.mailboxes[0].user': no POP3 account 'bobs' in pop3.accounts (unknown_user: "
                        "true if meant)"));
  EXPECT_THAT(error_of(kHead + "connector:\n  timeouts: {connect: soon}\nsteps: [cycle]\n"),
              ::testing::HasSubstr("scenarios/X-test.yaml:8: field 'connector.timeouts.connect'"));
}

}  // namespace
}  // namespace maillab::runner

namespace maillab::runner {
namespace {

// `diagnosis:` (docs/scenarios.md): the doctor's catalog ids at the symptom, per profile
// when they differ, `unobservable` (alone, or before what the doctor reads instead), and
// after the remedy (healthy unless stated).
TEST(ScenarioDiagnosis, TheFormsLoad) {
  auto steps = std::string("steps: [cycle]\n");
  auto one = parse_scenario(kHead + "diagnosis: [SD-slowdown, SD-sender-denied]\n" + steps, "scenarios/X-test.yaml", kFixtures);
  ASSERT_TRUE(one.diagnosis);
  EXPECT_EQ(one.diagnosis->line, 7);
  for (auto p : {connector::Profile::Sbs2003, connector::Profile::Robust}) {
    EXPECT_THAT(one.diagnosis->symptom.at(p).causes, ::testing::ElementsAre("SD-sender-denied", "SD-slowdown"));
    EXPECT_TRUE(one.diagnosis->after_remedy.at(p).causes.empty());
  }
  auto per = parse_scenario(kHead +
                                "diagnosis:\n"
                                "  symptom: {sbs2003: unobservable, robust: [unobservable, CDO-manual-pickup]}\n"
                                "  after_remedy: {robust: [CDO-failed-mail]}\n" +
                                steps,
                            "scenarios/X-test.yaml", kFixtures);
  const auto& d = *per.diagnosis;
  EXPECT_TRUE(d.symptom.at(connector::Profile::Sbs2003).unobservable);
  EXPECT_TRUE(d.symptom.at(connector::Profile::Sbs2003).causes.empty());
  EXPECT_TRUE(d.symptom.at(connector::Profile::Robust).unobservable);
  EXPECT_THAT(d.symptom.at(connector::Profile::Robust).causes, ::testing::ElementsAre("CDO-manual-pickup"));
  EXPECT_THAT(d.after_remedy.at(connector::Profile::Robust).causes, ::testing::ElementsAre("CDO-failed-mail"));
  EXPECT_TRUE(d.after_remedy.at(connector::Profile::Sbs2003).causes.empty());
  auto only = parse_scenario(kHead + "diagnosis: {robust: []}\n" + steps, "scenarios/X-test.yaml", kFixtures);
  EXPECT_EQ(only.diagnosis->symptom.count(connector::Profile::Sbs2003), 0u);  // not checked under sbs2003
  EXPECT_FALSE(parse_scenario(kHead + steps, "scenarios/X-test.yaml", kFixtures).diagnosis);
}

TEST(ScenarioDiagnosis, AnUnknownIdOrShapeIsRefusedWithFileLineAndField) {
  auto steps = std::string("steps: [cycle]\n");
  auto unknown = error_of(kHead + "diagnosis:\n  - DL-bad-pasword\n" + steps);
  EXPECT_TRUE(unknown.starts_with("scenarios/X-test.yaml:8: field 'diagnosis[0]': 'DL-bad-pasword' is no cause the "
                                  "doctor names (DL-service-stopped, DL-connect-failed, DL-banner, DL-bad-password"))
      << unknown;
  EXPECT_EQ(error_of(kHead + "diagnosis: healthy\n" + steps),
            "scenarios/X-test.yaml:7: field 'diagnosis': must be a list of the doctor's cause ids, or unobservable");
  EXPECT_EQ(error_of(kHead + "diagnosis: {symptom: [], after_remedy: unobservable}\n" + steps),
            "scenarios/X-test.yaml:7: field 'diagnosis.after_remedy': must be a list of the doctor's cause ids");
  EXPECT_EQ(error_of(kHead + "diagnosis: [DL-banner, DL-banner]\n" + steps),
            "scenarios/X-test.yaml:7: field 'diagnosis[1]': 'DL-banner' twice");
  auto profile = error_of(kHead + "diagnosis: {win95: []}\n" + steps);
  EXPECT_TRUE(profile.starts_with("scenarios/X-test.yaml:7: field 'diagnosis.win95'")) << profile;
}

// The runner runs the doctor on the live site at the symptom and after the remedy; what
// it names must be what the file states, and a wrong statement fails the run.
TEST(ScenarioDiagnosis, TheRunnerChecksTheDoctorAtTheSymptomAndAfterTheRemedy) {
  const std::string body =
      "  faults: [bad-password]\n"
      "steps:\n"
      "  - cycle\n"
      "remedy:\n"
      "  steps:\n"
      "    - clear_faults: pop3\n"
      "    - cycle\n"
      "    - expect: {mailboxes: {bob@contoso.local/Inbox: 1}}\n";
  auto right = parse_scenario(kHead + body + "diagnosis: [DL-bad-password]\n", "scenarios/X-test.yaml", kFixtures);
  auto r = run_scenario(right, connector::Profile::Robust);
  EXPECT_TRUE(r.passed) << r.why();
  EXPECT_EQ(r.doctor.verdict, DoctorVerdict::Diagnosed);
  EXPECT_THAT(r.doctor.found, ::testing::ElementsAre("DL-bad-password"));
  EXPECT_TRUE(r.doctor.after_remedy_checked);
  EXPECT_TRUE(r.doctor.after_found.empty());
  auto wrong = parse_scenario(kHead + body + "diagnosis: [DL-banner]\n", "scenarios/X-test.yaml", kFixtures);
  auto w = run_scenario(wrong, connector::Profile::Robust);
  EXPECT_FALSE(w.passed);
  EXPECT_EQ(w.doctor.verdict, DoctorVerdict::False);
  EXPECT_EQ(w.why(), "scenarios/X-test.yaml:15: diagnosis: the doctor at the symptom: named DL-bad-password "
                     "(expected DL-banner)");
}

}  // namespace
}  // namespace maillab::runner
