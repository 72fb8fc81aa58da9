// What a user of maillab::testing writes: no Asio, no ports, one line per assertion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "maillab/testing/testing.hpp"

using maillab::testing::ConnectorSandbox;
using maillab::testing::Delivered;
using maillab::testing::MessageId;

TEST(Consumer, TheConnectorDeliversWhatThePop3ServerHolds) {
  ConnectorSandbox lab;
  lab.pop3().add_message("bob", "secret",
                         "From: a@fabrikam.com\nTo: bob@contoso.local\nMessage-ID: <c1@fabrikam.com>\n\nhi\n");
  EXPECT_EQ(lab.cycle().delivered, 1u);
  EXPECT_THAT(lab.smtp(), Delivered("bob@contoso.local", "Inbox", MessageId("<c1@fabrikam.com>")));
}

TEST(Consumer, ADocumentedFaultByItsPresetName) {
  ConnectorSandbox lab;
  lab.pop3().add_message("bob", "secret",
                         "From: a@fabrikam.com\nTo: bob@contoso.local\nMessage-ID: <c2@fabrikam.com>\n\nhi\n");
  lab.pop3().fault("bad-password");
  EXPECT_FALSE(lab.cycle().ok());
  EXPECT_THAT(lab.smtp(), ::testing::Not(Delivered("bob@contoso.local", "Inbox", ::testing::_)));
}

class Catalog : public ::testing::TestWithParam<maillab::testing::CatalogRun> {};
TEST_P(Catalog, Passes) { EXPECT_THAT(maillab::testing::run(GetParam()), maillab::testing::Passed()); }
INSTANTIATE_TEST_SUITE_P(maillab, Catalog, ::testing::ValuesIn(maillab::testing::catalog()), maillab::testing::run_name);
