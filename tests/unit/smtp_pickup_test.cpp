// The pickup directory service, the event sink and the antivirus scanner: real files,
// real flock(2), one deterministic poll() at a time.
#include <gtest/gtest.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/smtp/pickup.hpp"
#include "maillab/smtp/presets.hpp"
#include "op_faults.hpp"
#include "store_files.hpp"
#include "temp_dir.hpp"
#include "test_files.hpp"

using namespace maillab;
using namespace maillab::smtp;
namespace fs = std::filesystem;

namespace {

struct PickupHarness {
  test::TempDir root;
  faults::FaultTable faults;
  std::unique_ptr<World> world;
  std::unique_ptr<Pickup> pickup;
  PickupHarness() {
    world = std::make_unique<World>(smtp::default_world(), root.path() / "store", faults);
    pickup = std::make_unique<Pickup>(root.path() / "PickUp", *world);
  }
  void fault(const std::string& spec) { faults.add(faults::parse_fault_spec(spec, presets())); }
  void drop(const std::string& name, const std::string& text) {
    std::ofstream(pickup->directory() / name, std::ios::binary) << text;
  }
  std::size_t count(const std::string& sub) {
    auto d = root.path() / sub;
    return fs::exists(d) ? static_cast<std::size_t>(std::distance(fs::directory_iterator(d), {})) : 0u;
  }
};

const std::string kFile = "x-sender: alice@fabrikam.com\r\nx-receiver: bob@contoso.local\r\n"
                          "From: alice@fabrikam.com\r\nTo: somebody@else.test\r\nSubject: p\r\n"
                          "Message-ID: <p1@fabrikam.com>\r\n\r\nbody\r\n";

TEST(Pickup, ParsesTheEnvelopeLinesAndStripsThem) {
  auto [env, msg] = parse_pickup_file(kFile);
  EXPECT_EQ(env.from, "alice@fabrikam.com");
  EXPECT_EQ(env.recipients, std::vector<std::string>{"bob@contoso.local"});
  EXPECT_TRUE(msg.starts_with("From: alice@fabrikam.com\r\n"));
  auto [env2, msg2] = parse_pickup_file("From: A <a@b.c>\nTo: x@y.z, \"Q\" <q@r.s>\nCc: c@d.e\n\nhi\n");
  EXPECT_EQ(env2.from, "a@b.c");
  EXPECT_EQ(env2.recipients, (std::vector<std::string>{"x@y.z", "q@r.s", "c@d.e"})) << "no x-receiver: To and Cc";
}

TEST(Pickup, DeliversAndRemovesFiles) {
  PickupHarness h;
  h.drop("1.eml", kFile);
  h.drop("notes.txt", "not mail");
  EXPECT_EQ(h.pickup->poll(), 1u);
  EXPECT_EQ(h.count("PickUp"), 1u) << "only *.eml is taken";
  EXPECT_EQ(h.count("store/bob@contoso.local/Inbox"), 1u);
}

TEST(Pickup, FilesPileUpWhileTheServiceIsStopped) {
  PickupHarness h;
  h.fault("service-stopped");
  for (int i = 0; i < 3; ++i) {
    h.drop(std::to_string(i) + ".eml", kFile);
    EXPECT_EQ(h.pickup->poll(), 0u);
  }
  EXPECT_EQ(h.count("PickUp"), 3u);
  h.faults.clear();
  h.fault("virtual-server-stopped");
  EXPECT_EQ(h.pickup->poll(), 0u);
  h.faults.clear();
  EXPECT_EQ(h.pickup->poll(), 3u) << "started again: the pile is delivered";
  EXPECT_EQ(h.count("store/bob@contoso.local/Inbox"), 3u);
}

TEST(Pickup, EventSinkMapsConnectorAddressesAndItsListingIsTheSeeds) {
  PickupHarness h;
  h.drop("1.eml", "x-sender: <>\r\nx-receiver: bob@mspop3connector.contoso.local\r\n\r\nSubject: s\r\n\r\nb\r\n");
  h.pickup->poll();
  EXPECT_EQ(h.count("store/bob@contoso.local/Inbox"), 1u);
  auto listing = h.world->event_sink_listing();
  EXPECT_NE(listing.find("            Event: SMTP Transport OnSubmission\n"), std::string::npos);
  EXPECT_NE(listing.find("             Name: POP3 Connector Event Sink\n"), std::string::npos);
  EXPECT_NE(listing.find("        SinkClass: Imbdlvres.IMBDeliveryEventSink\n"), std::string::npos);
  EXPECT_NE(listing.find("rule = RCPT TO=*mspop3connector.*\n"), std::string::npos);
}

TEST(Pickup, UnregisteredEventSinkLeavesConnectorMailUndelivered) {
  PickupHarness h;
  h.fault("event-sink-unregistered");
  EXPECT_EQ(h.world->event_sink_listing(), "");
  h.drop("1.eml", "x-sender: alice@fabrikam.com\r\nx-receiver: bob@mspop3connector.contoso.local\r\n\r\nSubject: s\r\n\r\nb\r\n");
  h.drop("2.eml", "x-sender: <>\r\nx-receiver: bob@mspop3connector.contoso.local\r\n\r\nSubject: s\r\n\r\nb\r\n");
  EXPECT_EQ(h.pickup->poll(), 2u);
  EXPECT_EQ(h.count("store/bob@contoso.local/Inbox"), 0u);
  EXPECT_EQ(h.count("store/administrator@contoso.local/Inbox"), 1u) << "an NDR for the foreign sender";
  EXPECT_EQ(h.count("store/Badmail"), 1u) << "mail from <> is not reported on";
}

TEST(Pickup, AntivirusRenames) {
  PickupHarness h;
  h.fault("pickup-antivirus:rename");
  h.drop("1.eml", kFile);
  EXPECT_EQ(h.pickup->poll(), 0u);
  EXPECT_TRUE(fs::exists(h.pickup->directory() / "1.eml.vir")) << "another extension: no longer picked up";
}

TEST(Pickup, AntivirusLocksUntilItIsDone) {
  PickupHarness h;
  h.fault("pickup-antivirus:lock");
  h.drop("1.eml", kFile);
  EXPECT_EQ(h.pickup->poll(), 0u);
  EXPECT_EQ(h.count("PickUp"), 1u);
  int fd = ::open((h.pickup->directory() / "1.eml").c_str(), O_RDONLY);
  EXPECT_NE(::flock(fd, LOCK_EX | LOCK_NB), 0) << "a real lock anyone can see";
  ::close(fd);
  h.faults.clear();
  EXPECT_EQ(h.pickup->poll(), 1u);
}

TEST(Pickup, AntivirusDeletesAndSaysWhich) {
  PickupHarness h;
  h.fault("pickup-antivirus:delete");
  h.drop("1.eml", kFile);
  EXPECT_EQ(h.pickup->poll(), 0u);
  EXPECT_EQ(h.count("PickUp"), 0u);
  auto gone = h.pickup->deleted_by_antivirus();
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].file, "1.eml");
  EXPECT_EQ(gone[0].message_id, "<p1@fabrikam.com>") << "the conservation check finds the message by it";
}

// Issue 12: a file that cannot be stored took the process down (an exception out of poll
// on the poller's thread) and, left in PickUp, again at every start.
TEST(Pickup, AFileThatCannotBeStoredGoesToBadmailWithItsReasonAndTheOthersGoOn) {
  PickupHarness h;
  h.fault("world,set=client-rule:bob@contoso.local,value=../../out");  // the store refuses the folder
  h.drop("1.eml", kFile);
  h.drop("2.eml", "x-sender: alice@fabrikam.com\r\nx-receiver: administrator@contoso.local\r\n\r\nSubject: s\r\n\r\nb\r\n");
  h.drop("3.eml", "Subject: nobody to send it to\r\n\r\nb\r\n");
  std::size_t taken = 0;
  EXPECT_NO_THROW(taken = h.pickup->poll());
  EXPECT_EQ(taken, 1u);
  EXPECT_EQ(h.count("PickUp"), 0u);
  EXPECT_EQ(h.count("store/administrator@contoso.local/Inbox"), 1u) << "the next file is delivered";
  EXPECT_EQ(test::file_names(h.pickup->badmail()), (std::vector<std::string>{"1.bad", "1.bdr", "3.bad", "3.bdr"}));
  EXPECT_EQ(h.pickup->badmail(), h.root.path() / "Badmail") << "beside PickUp, as in IIS's Mailroot";
  auto reason = test::slurp(h.pickup->badmail() / "1.bdr");
  EXPECT_NE(reason.find("refused to store"), std::string::npos) << reason;
  EXPECT_NE(test::slurp(h.pickup->badmail() / "3.bdr").find("no recipient"), std::string::npos);
  EXPECT_EQ(test::slurp(h.pickup->badmail() / "1.bad"), kFile) << "the file as it was";
  EXPECT_FALSE(fs::exists(h.root.path() / "out"));
  h.drop("1.eml", kFile);
  EXPECT_NO_THROW(h.pickup->poll());
  EXPECT_TRUE(fs::exists(h.pickup->badmail() / "1-2.bad")) << "a second file of the same name does not replace the first";
}

TEST(Pickup, AFullDiskLeavesTheFileForTheNextPass) {
  test::TempDir root;
  faults::FaultTable faults;
  FailAtOp full(system_file_ops(), 1, ENOSPC);
  World world(smtp::default_world(), root.path() / "store", faults,
              std::make_unique<StoreFiles>(root.path() / "store", StoreFiles::Naming::Unnamed, full));
  Pickup pickup(root.path() / "PickUp", world);
  std::ofstream(root.path() / "PickUp" / "1.eml", std::ios::binary) << kFile;
  std::size_t taken = 1;
  EXPECT_NO_THROW(taken = pickup.poll());
  EXPECT_EQ(taken, 0u);
  EXPECT_TRUE(fs::exists(root.path() / "PickUp" / "1.eml")) << "left for the next pass";
  EXPECT_FALSE(fs::exists(pickup.badmail()));
  EXPECT_EQ(pickup.poll(), 1u) << "space again: delivered";
  EXPECT_EQ(test::file_names(root.path() / "store" / "bob@contoso.local" / "Inbox").size(), 1u);
  EXPECT_FALSE(fs::exists(root.path() / "PickUp" / "1.eml"));
}

}  // namespace
