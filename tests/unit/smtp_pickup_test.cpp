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
#include "temp_dir.hpp"

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
                          "From: alice@fabrikam.com\r\nTo: somebody@else.test\r\nSubject: p\r\n\r\nbody\r\n";

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
  EXPECT_EQ(h.pickup->deleted_by_antivirus(), std::vector<std::string>{"1.eml"});
}

}  // namespace
