// A scenario run taken one step at a time (runner/scenario_run.hpp) and the HTML report
// built from its step records (runner/html_report.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "maillab/runner/catalog.hpp"
#include "maillab/runner/html_report.hpp"
#include "maillab/runner/report.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario_run.hpp"

namespace maillab::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

Scenario catalog_scenario(const std::string& id) {
  for (auto& s : load_catalog(MAILLAB_SOURCE_DIR "/scenarios"))
    if (s.id == id) return s;
  throw std::runtime_error("no scenario " + id);
}

std::size_t count_at(const Picture& picture, FlowNode node) {
  std::size_t n = 0;
  for (const auto& p : picture) n += p.node == node ? p.count : 0;
  return n;
}

TEST(ScenarioRun, StepsOneAtATimeWithTheSymptomInTheFirstRecord) {
  ScenarioRun run(catalog_scenario("SD-sender-denied"), connector::Profile::Sbs2003);
  ASSERT_FALSE(run.done());
  EXPECT_EQ(run.total(), 8u);
  EXPECT_EQ(describe_action(run.upcoming().action), "cycle");
  const auto& first = run.next();
  EXPECT_EQ(first.step, "steps[0]");
  EXPECT_EQ(count_at(first.picture, FlowNode::Pop3Server), 3u);  // refused, still at the ISP
  ASSERT_FALSE(first.events.empty());
  EXPECT_EQ(first.events.front().id, 1048);
  ASSERT_FALSE(first.transcripts.empty());
  std::string sessions;
  for (auto& t : first.transcripts) sessions += t;
  EXPECT_THAT(sessions, HasSubstr("S: 554 5.1.0 Sender denied"));
  EXPECT_EQ(run.taken(), 1u);
  auto result = run.finish();
  EXPECT_TRUE(result.passed) << result.why();
  ASSERT_EQ(result.steps.size(), 8u);
  // Each step's checks are its own, in order, and together they are all but the last check.
  for (std::size_t i = 1; i < result.steps.size(); ++i)
    EXPECT_EQ(result.steps[i].checks_begin, result.steps[i - 1].checks_end);
  EXPECT_EQ(result.steps.back().checks_end + 1, result.checks.size());
  EXPECT_EQ(result.checks.back().step, "conservation");
  // The later sessions are not the first step's again.
  EXPECT_THAT(result.steps[3].transcripts.front(), Not(HasSubstr("session 1:")));
}

TEST(ScenarioRun, StepwiseAndInOneGoGiveTheSameChecks) {
  auto scenario = catalog_scenario("CDO-corrupt-eml");
  auto whole = run_scenario(scenario, connector::Profile::Robust);
  ScenarioRun stepped(scenario, connector::Profile::Robust);
  while (!stepped.done()) stepped.next();
  auto result = stepped.finish();
  ASSERT_EQ(result.checks.size(), whole.checks.size());
  for (std::size_t i = 0; i < whole.checks.size(); ++i) {
    EXPECT_EQ(result.checks[i].what, whole.checks[i].what);
    EXPECT_EQ(result.checks[i].passed, whole.checks[i].passed);
  }
  EXPECT_EQ(result.steps.size(), whole.steps.size());
}

TEST(ScenarioRun, NextAfterTheLastStepAndFinishTwiceAreRefused) {
  ScenarioRun run(catalog_scenario("CHECK-client"), connector::Profile::Robust);
  while (!run.done()) run.next();
  EXPECT_THROW(run.next(), std::logic_error);
  run.finish();
  EXPECT_THROW(run.finish(), std::logic_error);
  EXPECT_THROW(run.next(), std::logic_error);
}

TEST(ScenarioRun, AnAbandonedRunStopsItsServersAndRemovesItsSandbox) {
  auto work = fs::temp_directory_path() / ("maillab-abandon-" + std::to_string(::getpid()));
  fs::remove_all(work);
  {
    ScenarioRun run(catalog_scenario("SD-sender-denied"), connector::Profile::Robust, RunOptions{work.string(), false});
    run.next();
    EXPECT_FALSE(fs::is_empty(work));
  }
  EXPECT_TRUE(fs::is_empty(work));
  fs::remove_all(work);
}

TEST(ScenarioRun, StepRecordsSurviveTheJsonReportSoShardsMergeIntoOneHtmlReport) {
  auto run = run_scenario(catalog_scenario("SD-sender-denied"), connector::Profile::Robust);
  auto back = results_from_json(json_report({run}), "shard.json");
  ASSERT_EQ(back.size(), 1u);
  ASSERT_EQ(back[0].steps.size(), run.steps.size());
  for (std::size_t i = 0; i < run.steps.size(); ++i) {
    EXPECT_EQ(back[0].steps[i].action, run.steps[i].action);
    EXPECT_EQ(back[0].steps[i].checks_begin, run.steps[i].checks_begin);
    EXPECT_EQ(back[0].steps[i].checks_end, run.steps[i].checks_end);
    EXPECT_EQ(back[0].steps[i].picture.size(), run.steps[i].picture.size());
    EXPECT_EQ(back[0].steps[i].events.size(), run.steps[i].events.size());
    EXPECT_EQ(back[0].steps[i].transcripts, run.steps[i].transcripts);
  }
  EXPECT_EQ(html_run_page(back[0], nullptr), html_run_page(run, nullptr));
}

TEST(ScenarioRun, AStepRecordNamingAnUnknownPlaceIsRefused) {
  auto run = run_scenario(catalog_scenario("CHECK-client"), connector::Profile::Robust);
  auto text = json_report({run});
  auto at = text.find("\"pop3-server\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 13, "\"pop3-servex\"");
  EXPECT_THROW(results_from_json(text, "shard.json"), std::invalid_argument);
}

RunResult two_step_result() {
  RunResult r;
  r.id = "X-test";
  r.file = "scenarios/X-test.yaml";
  r.profile = connector::Profile::Sbs2003;
  r.checks = {{"steps[1]", 9, "files in <Failed Mail>", false, "1 (expected 0) & more"},
              {"conservation", 0, "every message in exactly one known place", true, "3 accounted for"}};
  StepRecord cycle;
  cycle.step = "steps[0]";
  cycle.action = "cycle";
  cycle.picture = {{FlowNode::Pop3Server, "the POP3 server (bob)", 3}};
  cycle.events = {{"", "POP3 Connector", "Delivery", 1048, "Error", "The delivery completed with one or more errors."}};
  StepRecord expect;
  expect.step = "steps[1]";
  expect.action = "expect";
  expect.checks_begin = 0;
  expect.checks_end = 1;
  expect.events = {{"", "POP3 Connector", "Delivery", 1046, "Error", "retrieve"},
                   {"", "POP3 Connector", "Delivery", 1048, "Error", "completed with errors"}};
  r.steps = {cycle, expect};
  return r;
}

TEST(HtmlReport, APageShowsEachStepEscapedWithTheFailingStageMarked) {
  auto page = html_run_page(two_step_result(), nullptr);
  EXPECT_THAT(page, HasSubstr("<section class=\"step\" id=\"step-1\">"));
  EXPECT_THAT(page, HasSubstr("<section class=\"step\" id=\"step-2\">"));
  EXPECT_THAT(page, HasSubstr("files in &lt;Failed Mail&gt;"));
  EXPECT_THAT(page, HasSubstr("1 (expected 0) &amp; more"));
  EXPECT_THAT(page, Not(HasSubstr("<Failed Mail>")));
  auto step1 = page.substr(page.find("id=\"step-1\""), page.find("id=\"step-2\"") - page.find("id=\"step-1\""));
  auto step2 = page.substr(page.find("id=\"step-2\""));
  // 1048 alone: the hand-over (SMTP) failed; beside 1046 it is the CDO stage.
  EXPECT_THAT(step1, HasSubstr("<div class=\"node empty failing\" data-node=\"pickup\">"));
  EXPECT_THAT(step2, HasSubstr("<div class=\"node empty failing\" data-node=\"incoming-mail\">"));
  EXPECT_THAT(step2, HasSubstr("<div class=\"node empty\" data-node=\"pickup\">"));
  EXPECT_THAT(step1, HasSubstr("the POP3 server (bob): 3"));
  EXPECT_THAT(page, HasSubstr("FAILED"));
}

TEST(HtmlReport, EightBitBytesOfASessionBecomeValidUtf8) {
  auto r = two_step_result();
  r.steps[0].transcripts = {"pop3 session 1:\nS: Gr\xfc\xdf Gott \xc3\xbc\n"};
  auto page = html_run_page(r, nullptr);
  EXPECT_THAT(page, HasSubstr("S: Gr\\xFC\\xDF Gott \xc3\xbc"));  // ü as sent in UTF-8 stays
  EXPECT_THAT(page, Not(HasSubstr("\xfc")));
}

TEST(HtmlReport, TheIndexLinksEveryRunAndTheJunitFileLinksThePages) {
  auto dir = fs::temp_directory_path() / ("maillab-html-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<RunResult> results{two_step_result()};
  write_html_report(dir, results, {});
  EXPECT_TRUE(fs::is_regular_file(dir / "runs" / "X-test-sbs2003.html"));
  EXPECT_EQ(results[0].html, (dir / "runs" / "X-test-sbs2003.html").string());
  auto index = html_index_page(results, {});
  EXPECT_THAT(index, HasSubstr("<a href=\"runs/X-test-sbs2003.html\">X-test</a>"));
  EXPECT_THAT(index, HasSubstr("1 runs, 0 passed, 1 failed"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace maillab::runner
