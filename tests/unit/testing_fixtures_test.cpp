// maillab::testing used as an outside project would: servers as members, the connector in a
// sandbox, one-line assertions, and what the matchers say when they fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "maillab/testing/testing.hpp"

using namespace maillab::testing;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string message(int n) {
  return "From: alice@fabrikam.com\nTo: bob@contoso.local\nSubject: note " + std::to_string(n) + "\nMessage-ID: <" +
         std::to_string(n) + "@fabrikam.com>\n\nHello.\n";
}

}  // namespace

TEST(TestingServers, StartOnTheirOwnPortsAndKeepTranscripts) {
  Pop3Server a, b;
  EXPECT_NE(a.port(), 0);
  EXPECT_NE(a.port(), b.port());
  a.add_message("bob", "secret", message(1));
  EXPECT_EQ(a.mailbox("bob")->snapshot().size(), 1u);
}

TEST(TestingSandbox, DeliversOverSmtpAndTheMatchersSayWhere) {
  ConnectorSandbox lab;
  lab.pop3().add_message("bob", "secret", message(1));
  lab.pop3().add_message("bob", "secret", message(2));
  auto report = lab.cycle();
  EXPECT_EQ(report.delivered, 2u);
  EXPECT_THAT(lab.smtp(), Delivered("bob@contoso.local", "Inbox", MessageId("<1@fabrikam.com>")));
  EXPECT_THAT(lab.smtp(), Delivered("bob@contoso.local", "Inbox", HasSubstr("Subject: note 2")));
  EXPECT_THAT(lab.smtp(), Not(Delivered("bob@contoso.local", "Inbox", MessageId("<3@fabrikam.com>"))));
  EXPECT_THAT(lab.pop3(), HasTranscriptLine("C: PASS ****"));
  EXPECT_TRUE(lab.folder("Incoming Mail").empty());
}

TEST(TestingSandbox, AFaultShowsInEventsAndMailStaysOnTheServer) {
  ConnectorSandbox lab;
  lab.pop3().add_message("bob", "secret", message(1));
  lab.smtp().fault("sender-denied");
  lab.cycle();
  EXPECT_THAT(lab.smtp(), Not(Delivered("bob@contoso.local", "Inbox", ::testing::_)));
  EXPECT_FALSE(lab.events().empty());
  EXPECT_THAT(lab.log(), HasSubstr("554 5.1.0 Sender denied"));
}

TEST(TestingSandbox, PickupDeliveryIsPolledByTheCycle) {
  ConnectorSandbox lab({.pickup = true});
  lab.pop3().add_message("bob", "secret", message(7));
  lab.cycle();
  EXPECT_THAT(lab.smtp(), Delivered("bob@contoso.local", "Inbox", MessageId("<7@fabrikam.com>")));
}

TEST(TestingMatchers, AFailedDeliveredExplainsWhereMailWent) {
  ConnectorSandbox lab;
  lab.pop3().add_message("bob", "secret", message(1));
  lab.cycle();
  ::testing::StringMatchResultListener why;
  auto m = ::testing::SafeMatcherCast<const SmtpServer&>(Delivered("bob@contoso.local", "Junk E-mail", ::testing::_));
  EXPECT_FALSE(m.MatchAndExplain(lab.smtp(), &why));
  EXPECT_THAT(why.str(), HasSubstr("for bob@contoso.local: mailbox bob@contoso.local/Inbox (<1@fabrikam.com>)"));
}

class Catalog : public ::testing::TestWithParam<CatalogRun> {};
TEST_P(Catalog, Passes) { EXPECT_THAT(run(GetParam()), Passed()); }
INSTANTIATE_TEST_SUITE_P(DL, Catalog,
                         ::testing::ValuesIn([] {
                           auto all = catalog();
                           std::erase_if(all, [](const CatalogRun& r) { return !r.scenario->id.starts_with("DL-"); });
                           return all;
                         }()),
                         run_name);
