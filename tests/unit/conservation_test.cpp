// The conservation check's judgement, place by place.
#include <gtest/gtest.h>

#include "maillab/runner/conservation.hpp"

namespace maillab::runner {
namespace {

const std::vector<TrackedMessage> kTwo{{"<1@x>", "bob #1"}, {"<2@x>", "bob #2"}};

TEST(Conservation, EveryMessageInOnePlaceIsFine) {
  std::vector<Sighting> seen{{0, PlaceKind::Final, "mailbox bob@contoso.local/Inbox", "bob@contoso.local"},
                             {1, PlaceKind::Source, "the POP3 server (bob)", ""}};
  EXPECT_TRUE(check_conservation(kTwo, seen, {}).empty());
}

TEST(Conservation, AMessageNowhereIsLost) {
  std::vector<Sighting> seen{{0, PlaceKind::Holding, "Incoming Mail", ""}};
  auto p = check_conservation(kTwo, seen, {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "lost: bob #2 <2@x> is in no known place");
}

TEST(Conservation, RemovedByTheScannerIsFoundButStillALoss) {
  std::vector<Sighting> seen{{0, PlaceKind::Removed, "removed by the scanner", ""},
                             {1, PlaceKind::Source, "the POP3 server (bob)", ""}};
  auto p = check_conservation(kTwo, seen, {});
  ASSERT_EQ(p.size(), 1u) << "a loss a scenario may expect, never passed silently";
  EXPECT_EQ(p[0], "lost: bob #1 was removed by the scanner");
}

TEST(Conservation, RemovedAndStillHeldIsDoubled) {
  std::vector<Sighting> seen{{0, PlaceKind::Removed, "removed by the scanner", ""},
                             {0, PlaceKind::Holding, "Incoming Mail", ""},
                             {1, PlaceKind::Source, "the POP3 server (bob)", ""}};
  auto p = check_conservation(kTwo, seen, {});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1], "doubled: bob #1 was delivered (removed by the scanner) and is still in Incoming Mail");
}

TEST(Conservation, TwiceInOneMailboxIsDoubled) {
  std::vector<Sighting> seen{{0, PlaceKind::Final, "mailbox a/Inbox", "a"},
                             {0, PlaceKind::Final, "mailbox a/Inbox", "a"},
                             {1, PlaceKind::Gone, "taken by a competing client", ""}};
  auto p = check_conservation(kTwo, seen, {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "doubled: bob #1 is 2 times in mailbox a/Inbox");
}

TEST(Conservation, DeliveredAndStillOnTheServerIsDoubledUnlessLeftOnPurpose) {
  std::vector<Sighting> seen{{0, PlaceKind::Final, "mailbox a/Inbox", "a"},
                             {0, PlaceKind::Source, "the POP3 server (bob)", ""},
                             {1, PlaceKind::Holding, "PickUp", ""}};
  EXPECT_EQ(check_conservation(kTwo, seen, {}).size(), 1u);
  EXPECT_TRUE(check_conservation(kTwo, seen, {.leave_on_server = true, .admin_mailbox = ""}).empty());
}

TEST(Conservation, TwoHoldingPlacesAreDoubled) {
  std::vector<Sighting> seen{{0, PlaceKind::Holding, "Incoming Mail", ""},
                             {0, PlaceKind::Holding, "PickUp", ""},
                             {1, PlaceKind::Holding, "PickUp", ""}};
  auto p = check_conservation(kTwo, seen, {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "doubled: bob #1 is both in Incoming Mail and in PickUp");
}

TEST(Conservation, FailedMailWithItsNdrToTheAdministratorIsOneFate) {
  std::vector<Sighting> seen{{0, PlaceKind::Holding, "Failed Mail", ""},
                             {0, PlaceKind::Final, "mailbox admin/Inbox", "admin"},
                             {1, PlaceKind::Holding, "Failed Mail", ""},
                             {1, PlaceKind::Final, "mailbox bob/Inbox", "bob"}};
  auto p = check_conservation(kTwo, seen, {.leave_on_server = false, .admin_mailbox = "admin"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "doubled: bob #2 was delivered (mailbox bob/Inbox) and is still in Failed Mail");
}

TEST(Conservation, ForwardAndMailboxTogetherAreOneDelivery) {
  std::vector<Sighting> seen{{0, PlaceKind::Final, "forwarded to x", "x"},
                             {0, PlaceKind::Final, "mailbox bob/Inbox", "bob"},
                             {1, PlaceKind::Final, "Badmail", ""}};
  EXPECT_TRUE(check_conservation(kTwo, seen, {}).empty());
}

TEST(Conservation, MessagesAreFoundByMessageId) {
  EXPECT_EQ(messages_in("Subject: x\r\nMessage-ID: <2@x>\r\n\r\nbody", kTwo), std::vector<std::size_t>{1});
  EXPECT_TRUE(messages_in("Message-ID: <3@x>", kTwo).empty());
}

}  // namespace
}  // namespace maillab::runner
