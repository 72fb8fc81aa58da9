// The event texts in Japanese: seed 003's words to the byte where it quotes an event
// (1046, 1048, 12052), English where it does not (docs/events.md), and the UTF-8 bytes
// unchanged in events.jsonl.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "maillab/base/yaml.hpp"
#include "maillab/connector/config.hpp"
#include "maillab/connector/events.hpp"
#include "temp_dir.hpp"

namespace cn = maillab::connector;

namespace {

// Seed 003 (003_8bdafd7c18774d3f.txt), "CDO 転送処理のトラブルシューティング" and
// "SMTP 配信処理のトラブルシューティング", step 7, as printed.
constexpr const char* k1046 =
    "配信のために受信メール キューからメールを取得しているときにエラーが発生しました。エラー コードは -2147467259 です。";
constexpr const char* k1048 = "配信プロセスは完了しましたが、エラーが 1 つまたは複数発生しました。";

TEST(EventLanguages, JapaneseSeedEventsAsSeed003PrintsThem) {
  auto e = cn::render_event(cn::EventId::RetrieveFromQueueFailed, cn::Lang::Ja, {});
  EXPECT_EQ(e.id, 1046);
  EXPECT_EQ(e.source, "POP3 Connector");
  EXPECT_EQ(e.category, "配信");
  EXPECT_EQ(e.type, "エラー");
  EXPECT_EQ(e.description, k1046);
  auto e48 = cn::render_event(cn::EventId::DeliveryCompletedWithErrors, cn::Lang::Ja, {});
  EXPECT_EQ(e48.category, "配信");
  EXPECT_EQ(e48.type, "エラー");
  EXPECT_EQ(e48.description, k1048);
  auto e86 = cn::render_event(cn::EventId::Pop3TransactionError, cn::Lang::Ja, {"mail-host.fabrikam.com", "bob"});
  EXPECT_EQ(e86.category, "ダウンロード");
  EXPECT_EQ(e86.type, "エラー");
  EXPECT_EQ(e86.description,
            "サーバー mail-host.fabrikam.com for user bob への POP3 トランザクション中にエラーが発生しました。エラーは 86 です。");
}

TEST(EventLanguages, JapaneseFallsBackToEnglishWhereSeed003QuotesNoText) {
  // 1052: a Delivery error of maillab's own; the words seed 003 has, the English text.
  auto e = cn::render_event(cn::EventId::PermanentRejection, cn::Lang::Ja, {"f.eml", "554 no", "admin"});
  auto en = cn::render_event(cn::EventId::PermanentRejection, cn::Lang::En, {"f.eml", "554 no", "admin"});
  EXPECT_EQ(e.category, "配信");
  EXPECT_EQ(e.type, "エラー");
  EXPECT_EQ(e.description, en.description);
  // 1000: category General and type Information: seed 003 has no word for them.
  auto done = cn::render_event(cn::EventId::CycleCompleted, cn::Lang::Ja, {"1", "1", "0", "0"});
  EXPECT_EQ(done.category, "General");
  EXPECT_EQ(done.type, "Information");
  EXPECT_EQ(done.description, cn::render_event(cn::EventId::CycleCompleted, cn::Lang::En, {"1", "1", "0", "0"}).description);
  EXPECT_EQ(cn::render_event(cn::EventId::MessageTooLarge, cn::Lang::Ja, {"1", "h", "u"}).type, "Warning");
  // 1070: seed 003 names KB 842293 only.
  EXPECT_EQ(cn::render_event(cn::EventId::RecipientPolicy, cn::Lang::Ja, {"a", "b"}).description,
            cn::render_event(cn::EventId::RecipientPolicy, cn::Lang::En, {"a", "b"}).description);
}

TEST(EventLanguages, JaIsALanguageOnTheCommandLineAndInConfigurations) {
  EXPECT_EQ(cn::parse_lang("ja"), cn::Lang::Ja);
  EXPECT_THROW(cn::parse_lang("jp"), std::invalid_argument);
  auto root = maillab::yaml::load("language: ja\n", "x.yaml");
  cn::Config c;
  cn::read_common_settings(root, c);
  EXPECT_EQ(c.lang, cn::Lang::Ja);
}

TEST(EventLanguages, EventsJsonlKeepsTheUtf8Bytes) {
  maillab::test::TempDir dir;
  auto path = (dir.path() / "events.jsonl").string();
  cn::ManualClock clock(std::chrono::system_clock::time_point{});
  cn::EventLog log(path, cn::Lang::Ja, clock);
  log.report(cn::EventId::RetrieveFromQueueFailed);
  std::ifstream in(path, std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  // The raw bytes, not \u escapes: a person greps the file for the seed's text.
  EXPECT_NE(all.str().find(std::string("\"description\":\"") + k1046 + "\""), std::string::npos) << all.str();
  EXPECT_NE(all.str().find("\"category\":\"配信\""), std::string::npos);
}

}  // namespace
