// What a CI job runs and reports: globs, tags and shards over the real catalog, and JUnit
// that a strict reader accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "maillab/runner/catalog.hpp"
#include "maillab/runner/report.hpp"
#include "maillab/runner/selection.hpp"

using namespace maillab::runner;
using ::testing::HasSubstr;
using ::testing::Not;
namespace cn = maillab::connector;

namespace {

const std::vector<Scenario>& catalog() {
  static const auto c = load_catalog(MAILLAB_SOURCE_DIR "/scenarios");
  return c;
}

std::set<std::string> ids(const std::vector<PlannedRun>& runs) {
  std::set<std::string> out;
  for (const auto& r : runs) out.insert(r.scenario->id + ":" + std::string(cn::profile_name(r.profile)));
  return out;
}

}  // namespace

TEST(Shard, ParsesIOverNAndRefusesTheRest) {
  EXPECT_EQ(parse_shard("2/4").index, 2u);
  EXPECT_EQ(parse_shard("2/4").total, 4u);
  for (const char* bad : {"0/4", "5/4", "1/0", "2", "a/4", "2/4x", "/4", "-1/4"})
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

TEST(Shard, NShardsCoverTheCatalogExactlyOnceAndEvenly) {
  auto all = ids(select_runs(catalog(), {}));
  for (unsigned n : {1u, 2u, 4u, 7u}) {
    std::set<std::string> seen;
    std::size_t smallest = SIZE_MAX, largest = 0;
    for (unsigned i = 1; i <= n; ++i) {
      auto part = ids(select_runs(catalog(), {.shard = Shard{i, n}}));
      for (const auto& id : part) EXPECT_TRUE(seen.insert(id).second) << id << " is in two of " << n << " shards";
      // Shards are dealt by scenario (docs/ci.md); some scenarios run under one profile.
      std::set<std::string> scenarios;
      for (const auto& id : part) scenarios.insert(id.substr(0, id.rfind(':')));
      smallest = std::min(smallest, scenarios.size());
      largest = std::max(largest, scenarios.size());
    }
    EXPECT_EQ(seen, all) << n << " shards";
    EXPECT_LE(largest - smallest, 1u) << "one scenario at most between shards";
  }
}

TEST(Selection, GlobsTagsAndProfile) {
  auto dl = select_runs(catalog(), {.patterns = {"DL-*"}, .profile = cn::Profile::Robust});
  ASSERT_FALSE(dl.empty());
  for (const auto& r : dl) {
    EXPECT_TRUE(r.scenario->id.starts_with("DL-"));
    EXPECT_EQ(r.profile, cn::Profile::Robust);
  }
  auto cdo = select_runs(catalog(), {.tags = {"cdo"}});
  for (const auto& r : cdo) EXPECT_TRUE(r.scenario->id.starts_with("CDO-")) << r.scenario->id;
  EXPECT_EQ(ids(cdo), ids(select_runs(catalog(), {.patterns = {"CDO-*"}})));
  EXPECT_THROW(select_runs(catalog(), {.patterns = {"CDO-nothing*"}}), std::invalid_argument);
  EXPECT_THROW(select_runs(catalog(), {.tags = {"no-such-tag"}}), std::invalid_argument);
}

namespace {

RunResult result(std::string id, bool passed, std::string error = {}) {
  RunResult r;
  r.id = id;
  r.file = "scenarios/" + id + ".yaml";
  r.passed = passed;
  r.error = std::move(error);
  r.started = "2026-11-29T22:00:00Z";
  if (!passed && r.error.empty())
    r.checks.push_back({"steps[2]", 14, "telnet pop3", false, "expected +OK, got 'Gr\xfc\xdf Gott \x01'"});
  return r;
}

}  // namespace

TEST(JUnit, HasTestsuitesCountsAndValidUtf8) {
  auto xml = junit_xml({result("A", true), result("B", false), result("C", false, "set-up failed")});
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"maillab scenarios\" tests=\"3\" failures=\"1\" errors=\"1\" "
                             "skipped=\"0\""));
  EXPECT_THAT(xml, HasSubstr("timestamp=\"2026-11-29T22:00:00Z\""));
  EXPECT_THAT(xml, HasSubstr("<failure message="));
  EXPECT_THAT(xml, HasSubstr("<error message=\"set-up failed\" type=\"error\">"));
  EXPECT_THAT(xml, HasSubstr("Gr\xef\xbf\xbd\xef\xbf\xbd Gott ?"));  // U+FFFD for each bad byte, ? for the control
  EXPECT_THAT(xml, Not(HasSubstr("\xfc")));
}

TEST(Merge, ShardsJoinInCatalogOrderAndOverlapIsAnError) {
  std::vector<RunResult> one{result("B", true), result("D", false)};
  std::vector<RunResult> two{result("A", true), result("C", true)};
  auto back = results_from_json(json_report(one), "one.json");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].checks.at(0).detail, result("D", false).checks.at(0).detail.substr(0, 21) + "\xef\xbf\xbd\xef\xbf\xbd Gott \x01'");
  auto merged = merge_results({back, results_from_json(json_report(two), "two.json")});
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].id, "A");
  EXPECT_EQ(merged[3].id, "D");
  EXPECT_EQ(junit_xml(merged), junit_xml(merge_results({two, one})));
  EXPECT_THROW(merge_results({one, one}), std::invalid_argument);
  EXPECT_THROW(results_from_json("{", "bad.json"), std::invalid_argument);
}

TEST(Merge, JUnitShardsReadBackToTheSameJUnit) {
  std::vector<RunResult> one{result("B", true), result("D", false), result("E", false, "set-up failed")};
  std::vector<RunResult> two{result("A", true), result("C", false)};
  for (auto* shard : {&one, &two})
    for (auto& r : *shard) r.seconds = 0.25;
  auto merged = merge_results({results_from_junit(junit_xml(one), "1.xml"), results_from_junit(junit_xml(two), "2.xml")});
  auto direct = merge_results({one, two});
  ASSERT_EQ(merged.size(), 5u);
  EXPECT_EQ(junit_xml(merged), junit_xml(direct));
  EXPECT_EQ(merged[4].error, "set-up failed");  // E: an <error>, not a <failure>
  EXPECT_EQ(merged[2].checks.at(0).what, "telnet pop3");  // C's failed check, read back
  EXPECT_THROW(results_from_junit("<testsuite/>", "x.xml"), std::invalid_argument);
  EXPECT_THROW(results_from_junit("<testsuites", "x.xml"), std::invalid_argument);
}

// The doctor's reading travels with each run: the summary adds it up, and JSON and JUnit
// shards carry it so `report merge` adds it up again.
TEST(Merge, TheDoctorsReadingSurvivesJsonAndJUnitAndIsSummed) {
  auto diagnosed = result("A", true);
  diagnosed.doctor = {DoctorVerdict::Diagnosed, {"DL-bad-password"}, {"DL-bad-password"}, true, {}, {}};
  auto healthy = result("B", true);
  healthy.doctor.verdict = DoctorVerdict::Diagnosed;
  auto unobservable = result("C", true);
  unobservable.doctor.verdict = DoctorVerdict::Unobservable;
  auto wrong = result("D", false);
  wrong.doctor = {DoctorVerdict::False, {}, {"CDO-failed-mail"}, false, {}, {}};
  auto missed = result("E", false);
  missed.doctor = {DoctorVerdict::Missed, {"SMTP-quota"}, {}, false, {}, {}};
  std::vector<RunResult> one{diagnosed, healthy, result("F", true)}, two{unobservable, wrong, missed};
  const std::string line = "doctor: 2/4 runs diagnosed (1 of them healthy), 1 missed, 1 false findings, 1 unobservable\n";
  auto direct = merge_results({one, two});
  EXPECT_EQ(doctor_summary(direct), line);
  EXPECT_THAT(summary_table(direct), HasSubstr(line));
  auto from_json = merge_results({results_from_json(json_report(one), "1.json"), results_from_json(json_report(two), "2.json")});
  EXPECT_EQ(doctor_summary(from_json), line);
  EXPECT_EQ(from_json[0].doctor.found, diagnosed.doctor.found);
  EXPECT_TRUE(from_json[0].doctor.after_remedy_checked);
  auto from_junit = merge_results({results_from_junit(junit_xml(one), "1.xml"), results_from_junit(junit_xml(two), "2.xml")});
  EXPECT_EQ(doctor_summary(from_junit), line);
  EXPECT_EQ(from_junit[3].doctor.found, wrong.doctor.found);
  EXPECT_EQ(from_junit[5].doctor.verdict, DoctorVerdict::NotRun);
  EXPECT_THAT(junit_xml(one), HasSubstr("<property name=\"doctor.verdict\" value=\"diagnosed\"/>"));
}
