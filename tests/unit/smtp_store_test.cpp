// The store's files: whole or absent, no leftovers, a folder removed behind the store's
// back made again, a folder that cannot be made refused without a placement.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "maillab/smtp/world.hpp"
#include "temp_dir.hpp"
#include "test_files.hpp"

using namespace maillab;
using maillab::test::slurp;
using namespace maillab::smtp;
namespace fs = std::filesystem;

namespace {

struct StoreHarness {
  test::TempDir root;
  faults::FaultTable faults;
  std::unique_ptr<World> world;
  StoreHarness() {
    world = std::make_unique<World>(smtp::default_world(), root.path() / "store", faults);
  }
  fs::path inbox() const { return root.path() / "store" / "bob@contoso.local" / "Inbox"; }
  std::vector<std::string> names() const { return maillab::test::file_names(inbox()); }
};

const Envelope kEnvelope{"alice@fabrikam.com", {"bob@contoso.local"}, "", "", {}};

TEST(Store, WritesEachMessageWholeUnderItsQueueIdAndNothingElse) {
  StoreHarness h;
  std::string big(300 * 1024, 'x');  // more than one write(2) may take
  auto id1 = h.world->deliver(kEnvelope, "Subject: one\r\n\r\nhello\r\n");
  auto id2 = h.world->deliver(kEnvelope, "Subject: two\r\n\r\n" + big);
  EXPECT_EQ(h.names(), (std::vector<std::string>{id1 + ".eml", id2 + ".eml"})) << "no temporary files left";
  EXPECT_EQ(slurp(h.inbox() / (id1 + ".eml")), "Subject: one\r\n\r\nhello\r\n");
  EXPECT_EQ(slurp(h.inbox() / (id2 + ".eml")), "Subject: two\r\n\r\n" + big);
  auto placed = h.world->placements();
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[1].file, h.inbox() / (id2 + ".eml"));
}

TEST(Store, EveryPlacementNamesTheFileItWrote) {
  StoreHarness h;
  Envelope two{"alice@fabrikam.com", {"bob@contoso.local", "nobody@contoso.local", "carol@contoso.local"}, "", "", {}};
  for (int i = 0; i < 3; ++i) h.world->deliver(i == 1 ? two : kEnvelope, "Subject: s\r\n\r\nbody\r\n");
  auto placed = h.world->placements();
  ASSERT_EQ(placed.size(), 5u);
  std::vector<std::string> where;
  for (const auto& p : placed) {
    where.push_back(p.id + " " + std::string(destination_name(p.where)) + " " + p.target + " " + p.folder + " " + p.file.filename().string());
    EXPECT_TRUE(fs::is_regular_file(p.file)) << p.file;
  }
  EXPECT_EQ(where, (std::vector<std::string>{
                       "00000001 mailbox bob@contoso.local Inbox 00000001.eml",
                       "00000002 mailbox bob@contoso.local Inbox 00000002.eml",
                       "00000002 ndr administrator@contoso.local Inbox 00000002-ndr-nobody@contoso.local.eml",
                       "00000002 ndr administrator@contoso.local Inbox 00000002-ndr-carol@contoso.local.eml",
                       "00000003 mailbox bob@contoso.local Inbox 00000003.eml"}));
  EXPECT_EQ(placed[2].recipient, "nobody@contoso.local");
  EXPECT_EQ(placed[2].file.parent_path(), h.root.path() / "store" / "administrator@contoso.local" / "Inbox");
}

TEST(Store, MakesAFolderAgainThatWasRemovedBehindItsBack) {
  StoreHarness h;
  h.world->deliver(kEnvelope, "Subject: one\r\n\r\n");
  fs::remove_all(h.inbox());
  auto id = h.world->deliver(kEnvelope, "Subject: two\r\n\r\n");
  EXPECT_EQ(h.names(), std::vector<std::string>{id + ".eml"});
}

TEST(Store, AFolderThatCannotBeMadeFailsTheDeliveryAndPlacesNothing) {
  StoreHarness h;
  fs::create_directories(h.inbox().parent_path());
  std::ofstream(h.inbox()) << "a file where the folder should be";
  EXPECT_ANY_THROW(h.world->deliver(kEnvelope, "Subject: one\r\n\r\n"));
  EXPECT_TRUE(h.world->placements().empty());
}

}  // namespace

// A server without a store directory (maillab smtpd without --store) keeps mail in memory.
TEST(MemoryStore, KeepsEveryTextItPlacedAndNoFile) {
  faults::FaultTable faults;
  World world(smtp::default_world(), {}, faults);
  auto id = world.deliver(kEnvelope, "Subject: one\r\n\r\nhello\r\n");
  auto placed = world.placements();
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].id, id);
  EXPECT_EQ(world.text(placed[0]), "Subject: one\r\n\r\nhello\r\n");
  EXPECT_FALSE(fs::exists(placed[0].file)) << "nothing written relative to the working directory";
}

TEST(MemoryStore, DropsTheOldestTextsPastItsBudgetButKeepsWhereEachWent) {
  faults::FaultTable faults;
  const std::string text = "Subject: s\r\n\r\n" + std::string(1000, 'x') + "\r\n";
  World world(smtp::default_world(), {}, faults, 3 * text.size());
  for (int i = 0; i < 5; ++i) world.deliver(kEnvelope, text);
  auto placed = world.placements();
  ASSERT_EQ(placed.size(), 5u);
  EXPECT_EQ(world.text(placed[0]), std::nullopt);
  EXPECT_EQ(world.text(placed[1]), std::nullopt);
  for (int i = 2; i < 5; ++i) EXPECT_EQ(world.text(placed[i]), text) << i;
}

TEST(Store, TextReadsBackWhatTheFileHolds) {
  StoreHarness h;
  h.world->deliver(kEnvelope, "Subject: one\r\n\r\nhello\r\n");
  auto placed = h.world->placements();
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(h.world->text(placed[0]), "Subject: one\r\n\r\nhello\r\n");
  fs::remove(placed[0].file);
  EXPECT_EQ(h.world->text(placed[0]), std::nullopt);
}
