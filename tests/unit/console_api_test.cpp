// The control API as a function (console/api.hpp): routing, JSON, errors, and changes
// reaching the servers' in-process API, with no HTTP socket.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "maillab/console/api.hpp"
#include "maillab/testing/servers.hpp"

namespace maillab {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

console::Response call(console::Api& api, const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& authorization = {}) {
  return api.handle(console::Request{method, target, body, authorization});
}

json body_of(const console::Response& r) { return json::parse(r.body); }

class SmtpApi : public ::testing::Test {
 protected:
  testing::SmtpServer smtp;
  console::Api api{console::Targets{nullptr, &smtp.server(), {}, {}, {}, {}, {}}};
};

TEST_F(SmtpApi, PostedFaultIsInstalledBeforeTheReplyAndDeleteRemovesIt) {
  auto added = call(api, "POST", "/api/faults", R"({"spec": "sender-denied"})");
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_EQ(smtp.server().faults().list().size(), 1u);
  auto id = body_of(added)["added"][0]["id"].get<std::string>();
  EXPECT_EQ(id, "smtp-" + std::to_string(smtp.server().faults().list()[0].id));
  EXPECT_EQ(body_of(call(api, "GET", "/api/faults"))["faults"].size(), 1u);
  auto removed = call(api, "DELETE", "/api/faults/" + id);
  EXPECT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(smtp.server().faults().list().empty());
  EXPECT_EQ(call(api, "DELETE", "/api/faults/" + id).status, 404);
}

TEST_F(SmtpApi, BareIdsWorkWhereOneServerRuns) {
  call(api, "POST", "/api/faults", R"({"spec": "sender-denied"})");
  auto id = smtp.server().faults().list()[0].id;
  EXPECT_EQ(call(api, "DELETE", "/api/faults/" + std::to_string(id)).status, 200);
}

TEST_F(SmtpApi, DeleteClearsEveryFault) {
  call(api, "POST", "/api/faults", R"({"spec": "sender-denied"})");
  call(api, "POST", "/api/faults", R"({"spec": "sender-denied,rcpt=bob@contoso.local"})");
  auto r = call(api, "DELETE", "/api/faults");
  EXPECT_EQ(body_of(r)["removed"], 2);
  EXPECT_TRUE(smtp.server().faults().list().empty());
}

TEST_F(SmtpApi, BadSpecIsTheCliTextNamingTheFieldAndChangesNothing) {
  auto r = call(api, "POST", "/api/faults", R"({"spec": "sender-denied,nth=many"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r)["field"], "spec");
  EXPECT_THAT(body_of(r)["error"].get<std::string>(), HasSubstr("--fault 'sender-denied,nth=many': field 'nth'"));
  EXPECT_TRUE(smtp.server().faults().list().empty());
  auto unknown = call(api, "POST", "/api/faults", R"({"spec": "sender-denyed"})");
  EXPECT_THAT(body_of(unknown)["error"].get<std::string>(), HasSubstr("unknown fault 'sender-denyed'"));
}

TEST_F(SmtpApi, MissingOrMistypedFieldIsNamed) {
  auto missing = call(api, "POST", "/api/faults", R"({"spex": "x"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "body: field 'spec': required");
  auto mistyped = call(api, "POST", "/api/faults", R"({"spec": 5})");
  EXPECT_EQ(body_of(mistyped)["error"], "body: field 'spec': must be a string");
}

TEST_F(SmtpApi, MalformedJsonIs400AndChangesNothing) {
  auto r = call(api, "POST", "/api/faults", R"({"spec": "sender-denied")");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r)["field"], "body");
  EXPECT_THAT(body_of(r)["error"].get<std::string>(), HasSubstr("body: malformed JSON"));
  EXPECT_TRUE(smtp.server().faults().list().empty());
}

TEST_F(SmtpApi, UnknownResourceIs404Json) {
  auto r = call(api, "GET", "/api/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r)["error"], "no resource /api/nothing (GET /api lists them)");
  // pop3d's resources are not smtpd's.
  EXPECT_EQ(call(api, "GET", "/api/mailboxes").status, 404);
}

TEST_F(SmtpApi, WrongMethodIs405WithAllow) {
  auto r = call(api, "PUT", "/api/faults");
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "GET, POST, DELETE");
  EXPECT_THAT(body_of(r)["error"].get<std::string>(), HasSubstr("PUT is not allowed on /api/faults"));
}

TEST_F(SmtpApi, QueryAndPercentEncodingAreDecoded) {
  auto r = call(api, "GET", "/api/placements?where=ndr");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["placements"].size(), 0u);
  EXPECT_EQ(call(api, "GET", "/api/placements?where=nowhere").status, 400);
  EXPECT_EQ(call(api, "GET", "/api/%66aults").status, 200);
}

TEST_F(SmtpApi, StreamRouteAsksTheShellToStream) {
  auto r = call(api, "GET", "/api/stream");
  EXPECT_TRUE(r.stream);
  console::Api::StreamCursor cursor;
  auto first = api.stream_poll(cursor);
  EXPECT_THAT(first, HasSubstr("event: status\ndata: {"));
  EXPECT_EQ(api.stream_poll(cursor), "");  // nothing new
  call(api, "POST", "/api/faults", R"({"spec": "sender-denied"})");
  auto next = api.stream_poll(cursor);
  EXPECT_THAT(next, HasSubstr("event: faults\n"));
  EXPECT_THAT(next, HasSubstr("event: status\n"));  // the fault count changed
}

TEST(ConsoleApi, TokenIsRequiredWhenSet) {
  testing::SmtpServer smtp;
  console::Api api{console::Targets{nullptr, &smtp.server(), {}, {}, {}, {}, {}}, console::ApiOptions{"s3cret"}};
  auto denied = call(api, "GET", "/api/faults");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(call(api, "GET", "/api/faults", "", "Bearer wrong").status, 401);
  EXPECT_EQ(call(api, "GET", "/api/faults", "", "Bearer s3cret").status, 200);
}

TEST(ConsoleApi, TheStreamAloneTakesTheTokenInItsQuery) {
  testing::SmtpServer smtp;
  console::Api api{console::Targets{nullptr, &smtp.server(), {}, {}, {}, {}, {}}, console::ApiOptions{"s3 cret"}};
  EXPECT_TRUE(call(api, "GET", "/api/stream?access_token=s3%20cret").stream);
  EXPECT_EQ(call(api, "GET", "/api/stream?access_token=s3%20cret").status, 200);
  EXPECT_EQ(call(api, "GET", "/api/stream?access_token=wrong").status, 401);
  EXPECT_EQ(call(api, "GET", "/api/stream").status, 401);
  EXPECT_EQ(call(api, "GET", "/api/faults?access_token=s3%20cret").status, 401);
  EXPECT_EQ(call(api, "DELETE", "/api/faults?access_token=s3%20cret").status, 401);
}

TEST(ConsoleApi, TheWebConsoleIsBuiltInAndNeedsNoToken) {
  testing::SmtpServer smtp;
  console::Api api{console::Targets{nullptr, &smtp.server(), {}, {}, {}, {}, {}}, console::ApiOptions{"s3cret"}};
  auto page = call(api, "GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(page.body, HasSubstr("<script src=\"/console/console.js\"></script>"));
  auto script = call(api, "GET", "/console/console.js");
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_THAT(script.body, HasSubstr("/api/stream"));
  EXPECT_EQ(call(api, "GET", "/console/missing.js").status, 401);  // not a file: the API's rules
}

class Pop3Api : public ::testing::Test {
 protected:
  testing::Pop3Server pop3;
  console::Api api{console::Targets{&pop3.server(), nullptr, {}, {}, {}, {}, {}}};
};

TEST_F(Pop3Api, MailboxesAndMessagesAreAddedGeneratedListedAndDeleted) {
  ASSERT_EQ(call(api, "POST", "/api/mailboxes", R"({"user": "alice", "password": "pw"})").status, 201);
  EXPECT_EQ(call(api, "POST", "/api/mailboxes", R"({"user": "alice"})").status, 409);
  auto added = call(api, "POST", "/api/mailboxes/alice/messages", R"({"text": "Subject: hi\r\n\r\nhello\r\n"})");
  ASSERT_EQ(added.status, 201) << added.body;
  auto generated = call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": 3, "size": "1K"})");
  ASSERT_EQ(generated.status, 201) << generated.body;
  EXPECT_EQ(body_of(generated)["messages"], 4);
  auto listed = body_of(call(api, "GET", "/api/mailboxes/alice/messages"))["messages"];
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(pop3.server().mailboxes().find("alice")->snapshot().size(), 4u);
  auto uid = listed[0]["uid"].get<std::string>();
  EXPECT_EQ(call(api, "DELETE", "/api/mailboxes/alice/messages/" + uid).status, 200);
  EXPECT_EQ(pop3.server().mailboxes().find("alice")->snapshot().size(), 3u);
  EXPECT_EQ(call(api, "DELETE", "/api/mailboxes/alice/messages/" + uid).status, 404);
  EXPECT_EQ(call(api, "GET", "/api/mailboxes/nobody/messages").status, 404);
}

TEST_F(Pop3Api, NewMessagesNeverReuseTheUidOfOneGone) {
  call(api, "POST", "/api/mailboxes", R"({"user": "alice"})");
  call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": 2})");
  auto first = body_of(call(api, "GET", "/api/mailboxes/alice/messages"))["messages"].back()["uid"].get<std::string>();
  call(api, "DELETE", "/api/mailboxes/alice/messages/" + first);
  call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": 1})");
  call(api, "POST", "/api/mailboxes/alice/messages", R"({"text": "Subject: x\n\nx\n"})");
  auto listed = body_of(call(api, "GET", "/api/mailboxes/alice/messages"))["messages"];
  ASSERT_EQ(listed.size(), 3u);
  for (const auto& m : listed) EXPECT_NE(m["uid"].get<std::string>(), first);
}

TEST_F(Pop3Api, GenerateBoundsItsCountAndSize) {
  call(api, "POST", "/api/mailboxes", R"({"user": "alice"})");
  EXPECT_EQ(body_of(call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": 0})"))["field"], "count");
  EXPECT_EQ(body_of(call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": -1})"))["field"], "count");
  EXPECT_EQ(body_of(call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": 1, "size": "1G"})"))["field"], "size");
  EXPECT_EQ(body_of(call(api, "POST", "/api/mailboxes/alice/generate", R"({"count": 1, "size": "big"})"))["field"], "size");
}

TEST_F(Pop3Api, FaultsGoToThePop3Table) {
  ASSERT_EQ(call(api, "POST", "/api/faults", R"({"spec": "bad-password"})").status, 201);
  EXPECT_EQ(pop3.server().faults().list().size(), 1u);
  EXPECT_EQ(body_of(call(api, "GET", "/api/faults"))["faults"][0]["server"], "pop3");
}

TEST(ConsoleApiLab, AFaultGoesToTheServerWhosePresetItIsOrTheNamedOne) {
  testing::Pop3Server pop3;
  testing::SmtpServer smtp;
  console::Api api{console::Targets{&pop3.server(), &smtp.server(), {}, {}, {}, {}, {}}};
  EXPECT_EQ(call(api, "POST", "/api/faults", R"({"spec": "sender-denied"})").status, 201);
  EXPECT_EQ(smtp.server().faults().list().size(), 1u);
  auto both = call(api, "POST", "/api/faults", R"({"spec": "disconnect,on=QUIT"})");
  EXPECT_EQ(both.status, 400);
  EXPECT_EQ(body_of(both)["field"], "server");
  EXPECT_EQ(call(api, "POST", "/api/faults", R"({"spec": "disconnect,on=QUIT", "server": "pop3"})").status, 201);
  EXPECT_EQ(pop3.server().faults().list().size(), 1u);
  EXPECT_EQ(call(api, "DELETE", "/api/faults/1").status, 404);  // ambiguous without its server
}

TEST(ConsoleApiPlayer, AStepByStepRunIsStartedSteppedToItsEndAndReported) {
  console::Api api{console::Targets{nullptr, nullptr, {}, {}, {}, MAILLAB_SOURCE_DIR "/scenarios", {}}};
  const std::string steps = "/api/scenarios/SD-sender-denied/steps";
  auto started = call(api, "POST", steps, R"({"profile": "sbs2003"})");
  ASSERT_EQ(started.status, 201) << started.body;
  EXPECT_EQ(body_of(started)["total"], 8);
  EXPECT_EQ(body_of(started)["next"]["action"], "cycle");
  // One stepped run at a time; the error names the way out.
  auto second = call(api, "POST", "/api/scenarios/CDO-corrupt-eml/steps", "{}");
  EXPECT_EQ(second.status, 409);
  EXPECT_THAT(body_of(second)["error"].get<std::string>(), HasSubstr("DELETE /api/scenarios/SD-sender-denied/steps"));
  auto first = body_of(call(api, "POST", steps + "/next"));
  EXPECT_EQ(first["taken"], 1);
  EXPECT_EQ(first["record"]["action"], "cycle");
  EXPECT_EQ(first["record"]["events"][0]["id"], 1048);
  EXPECT_EQ(body_of(call(api, "GET", steps))["records"].size(), 1u);
  json last;
  for (int i = 0; i < 7; ++i) last = body_of(call(api, "POST", steps + "/next"));
  EXPECT_TRUE(last["done"].get<bool>());
  EXPECT_TRUE(last["result"]["passed"].get<bool>()) << last["result"].dump();
  EXPECT_EQ(last["result"]["steps"].size(), 8u);
  // Done: the run is gone, and another may start.
  EXPECT_EQ(call(api, "GET", steps).status, 404);
  EXPECT_EQ(call(api, "POST", "/api/scenarios/CDO-corrupt-eml/steps", "{}").status, 201);
  EXPECT_EQ(call(api, "DELETE", steps).status, 404);  // not the run under way
  EXPECT_EQ(call(api, "DELETE", "/api/scenarios/CDO-corrupt-eml/steps").status, 200);
  EXPECT_EQ(call(api, "POST", "/api/scenarios/CDO-corrupt-eml/steps/next").status, 404);
}

TEST(ConsoleApiPlayer, ABadProfileOrScenarioStartsNothing) {
  console::Api api{console::Targets{nullptr, nullptr, {}, {}, {}, MAILLAB_SOURCE_DIR "/scenarios", {}}};
  auto bad = call(api, "POST", "/api/scenarios/SD-sender-denied/steps", R"({"profile": "exchange"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body_of(bad)["field"], "profile");
  EXPECT_EQ(call(api, "POST", "/api/scenarios/NO-such/steps", "{}").status, 404);
  EXPECT_EQ(call(api, "POST", "/api/scenarios/SD-sender-denied/steps", "{}").status, 201);
}

}  // namespace
}  // namespace maillab
