// The event and log-block checks of an expect step: which events and log blocks pass,
// what a failure says, and that Japanese texts reach the reports byte for byte.
#include <gtest/gtest.h>

#include "maillab/base/files.hpp"
#include "maillab/runner/checks.hpp"
#include "maillab/runner/report.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {
namespace {

const std::string kSource = MAILLAB_SOURCE_DIR;

connector::Event event_12052() {
  return connector::render_event(connector::EventId::Pop3TransactionError, connector::Lang::En,
                                 {"mail-host.fabrikam.com", "bob"});
}

TEST(EventChecks, EveryNamedFieldMustMatch) {
  EventCheck c;
  c.id = 12052;
  EXPECT_TRUE(event_matches(c, event_12052()));
  c.source = "POP3 Connector";
  c.category = "Download";
  c.type = "Error";
  c.description = "POP3: An error occurred during a POP3 transaction on mail-host.fabrikam.com for user bob. The error is 86.";
  c.contains = {"mail-host.fabrikam.com", "for user bob"};
  EXPECT_TRUE(event_matches(c, event_12052()));
  for (auto change : {&EventCheck::source, &EventCheck::category, &EventCheck::type, &EventCheck::description}) {
    auto wrong = c;
    wrong.*change = "POP3-Connector";
    EXPECT_FALSE(event_matches(wrong, event_12052())) << event_check_label(wrong);
    EXPECT_NE(event_mismatch(wrong, event_12052()).find("was"), std::string::npos);
  }
  auto other_user = c;
  other_user.contains = {"for user alice"};
  EXPECT_FALSE(event_matches(other_user, event_12052()));
  EXPECT_NE(event_mismatch(other_user, event_12052()).find("lacks \"for user alice\""), std::string::npos);
  auto other_id = c;
  other_id.id = 1046;
  EXPECT_FALSE(event_matches(other_id, event_12052()));
}

TEST(EventChecks, AFailureNamesTheFieldThatDiffers) {
  EventCheck c;
  c.id = 12052;
  c.source = "POP3-Connector";
  EXPECT_EQ(event_mismatch(c, event_12052()), "its source was \"POP3 Connector\"");
  EXPECT_EQ(event_check_label(c), "event 12052 source \"POP3-Connector\"");
}

const std::string kLog =
    "[t 0] 07/29/20, 15:49:30: (SMTP) [TX]\n"
    ".\n"
    "[t 0] 07/29/20, 15:49:35: (SMTP) [RX] 554 5.1.0 Sender denied\n"
    "[t 0] 07/29/20, 15:49:35: Command: [SMTP_DOT]\n"
    "[t 1] 11/30/26, 00:01:02: Completed: Yes.\n";

TEST(LogBlocks, StampsAreMaskedOnBothSides) {
  EXPECT_EQ(unstamped("[t 0] 07/29/20, 15:49:35: Command: [SMTP_DOT]"), "Command: [SMTP_DOT]");
  EXPECT_EQ(unstamped("[t 12] 01/02/03, 04:05:06: x"), "x");
  EXPECT_EQ(unstamped("Command: [SMTP_DOT]"), "Command: [SMTP_DOT]");
  EXPECT_EQ(unstamped("[t x] 07/29/20, 15:49:35: y"), "[t x] 07/29/20, 15:49:35: y");
  EXPECT_EQ(unstamped("[t 0] 07/29/20 15:49:35: y"), "[t 0] 07/29/20 15:49:35: y");
  LogBlock b{{"[t 3] 01/01/99, 00:00:00: (SMTP) [TX]", ".", "(SMTP) [RX] 554 5.1.0 Sender denied",
              "Command: [SMTP_DOT]", "[t 0] 07/29/20, 15:49:35: Completed: Yes."},
             {}};
  auto found = find_log_block(kLog, b);
  EXPECT_TRUE(found.found);
  EXPECT_EQ(found.at, 0u);
}

TEST(LogBlocks, LinesMustFollowOneAnotherWhole) {
  // The 554 after DATA instead of after the final dot: the block breaks at the dot.
  LogBlock moved{{"(SMTP) [TX]", "(SMTP) [RX] 554 5.1.0 Sender denied"}, {}};
  auto s = find_log_block(kLog, moved);
  EXPECT_FALSE(s.found);
  EXPECT_EQ(s.matched, 1u);
  EXPECT_EQ(describe_search(kLog, moved, s),
            "its first 1 lines are at log line 1; then the log has \".\" where the block has "
            "\"(SMTP) [RX] 554 5.1.0 Sender denied\"");
  LogBlock piece{{"Command: [SMTP_DOT"}, {}};
  EXPECT_FALSE(find_log_block(kLog, piece).found);
  EXPECT_EQ(describe_search(kLog, piece, find_log_block(kLog, piece)),
            "its first line \"Command: [SMTP_DOT\" is in no log line");
  LogBlock past_end{{"Completed: Yes.", "IxpResult:"}, {}};
  EXPECT_NE(describe_search(kLog, past_end, find_log_block(kLog, past_end)).find("the end of the log"),
            std::string::npos);
}

TEST(LogBlocks, OnlyTheNamedLinesMayComeBetween) {
  const std::string log =
      "[t 0] 07/29/20, 15:49:30: (SMTP) [TX]\n"
      ".\n"
      "[t 0] 07/29/20, 15:49:30: (POP3) [RX] +OK\n"
      "[t 0] 07/29/20, 15:49:35: (SMTP) [RX] 554 5.1.0 Sender denied\n";
  LogBlock b{{"(SMTP) [TX]", ".", "(SMTP) [RX] 554 5.1.0 Sender denied"}, {}};
  EXPECT_FALSE(find_log_block(log, b).found);
  b.between = {"(POP3) "};
  EXPECT_TRUE(find_log_block(log, b).found);
  b.between = {"(SMTP) "};
  EXPECT_EQ(describe_search(log, b, find_log_block(log, b)),
            "its first 2 lines are at log line 1; then the log has \"(POP3) [RX] +OK\" where the block has "
            "\"(SMTP) [RX] 554 5.1.0 Sender denied\"");
  // A line the block names is never skipped as one that comes between.
  LogBlock dot_then_data{{".", "(SMTP) [TX] DATA"}, {"(POP3) ", "(SMTP) "}};
  EXPECT_FALSE(find_log_block(log, dot_then_data).found);
}

// A Japanese check that fails: its label and the event's text reach JUnit and the JSON
// report as the same UTF-8 bytes.
TEST(EventChecks, JapaneseTextsReachTheReportsIntact) {
  auto text = read_file(kSource + "/scenarios/CDO-events-ja.yaml");
  ASSERT_TRUE(text);
  auto broken = *text;
  auto at = broken.find("category: 配信");
  ASSERT_NE(at, std::string::npos);
  broken.replace(at, std::string("category: 配信").size(), "category: ダウンロード");
  auto sc = parse_scenario(broken, "scenarios/CDO-events-ja.yaml", kSource + "/fixtures");
  auto r = run_scenario(sc, connector::Profile::Sbs2003, RunOptions{});
  ASSERT_FALSE(r.passed);
  EXPECT_NE(r.why().find("event 1046 source \"POP3 Connector\" category \"ダウンロード\""), std::string::npos) << r.why();
  EXPECT_NE(r.why().find("its category was \"配信\""), std::string::npos) << r.why();
  const std::string description =
      "配信のために受信メール キューからメールを取得しているときにエラーが発生しました。エラー コードは -2147467259 です。";
  EXPECT_NE(junit_xml({r}).find(description), std::string::npos);
  EXPECT_NE(junit_xml({r}).find("its category was &quot;配信&quot;"), std::string::npos);
  EXPECT_NE(json_report({r}).find(description), std::string::npos);
}

}  // namespace
}  // namespace maillab::runner
