// The world faults' settings as the SMTP simulator reads them: one typed snapshot, kept in
// step with the fault table as faults come and go.
#include <gtest/gtest.h>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/world.hpp"

using namespace maillab;
using namespace maillab::smtp;

TEST(WorldOverrides, ReadsEveryKnownSettingAndIgnoresTheRest) {
  auto o = read_world_overrides({{"anonymous-access", "off"},
                                 {"profile", "iis"},
                                 {"size-limit", "65536"},
                                 {"recipient-policy", "missing"},
                                 {"event-sink", "unregistered"},
                                 {"virtual-server", "stopped"},
                                 {"pickup-antivirus", "lock"},
                                 {"mailbox-full:Bob@Contoso.local", "yes"},
                                 {"forward:bob@contoso.local", "carol@fabrikam.com"},
                                 {"client-rule:bob@contoso.local", "Junk"},
                                 {"no-such-setting", "x"}});
  EXPECT_EQ(o.anonymous_access, false);
  EXPECT_EQ(o.profile, Profile::Iis);
  EXPECT_EQ(o.size_limit, 65536u);
  EXPECT_TRUE(o.recipient_policy_missing);
  EXPECT_TRUE(o.event_sink_unregistered);
  EXPECT_TRUE(o.service_stopped);
  EXPECT_EQ(o.antivirus, Antivirus::Lock);
  EXPECT_EQ(o.mailbox_full.count("bob@contoso.local"), 1u) << "addresses compare in lower case";
  EXPECT_EQ(o.forward.at("bob@contoso.local"), "carol@fabrikam.com");
  EXPECT_EQ(o.client_rule.at("bob@contoso.local"), "Junk");
}

TEST(WorldOverrides, NothingInstalledOverridesNothing) {
  auto o = read_world_overrides({});
  EXPECT_FALSE(o.anonymous_access || o.profile || o.size_limit);
  EXPECT_FALSE(o.recipient_policy_missing || o.event_sink_unregistered || o.service_stopped);
  EXPECT_EQ(o.antivirus, Antivirus::None);
}

TEST(WorldOverrides, TheWorldFollowsFaultsAddedAndRemovedAfterItStarted) {
  faults::FaultTable faults;
  World world(smtp::default_world(), {}, faults);
  const Envelope env{"alice@fabrikam.com", {"bob@contoso.local"}, "", "", {}};
  ASSERT_TRUE(world.anonymous_access());
  auto ids = faults.add(faults::parse_fault_spec("anonymous-disabled", presets()));
  auto full = faults.add(faults::parse_fault_spec("mailbox-full:bob@contoso.local", presets()));
  EXPECT_FALSE(world.anonymous_access());
  world.deliver(env, "Subject: s\r\n\r\nbody\r\n");
  for (auto id : ids) faults.remove(id);
  for (auto id : full) faults.remove(id);
  EXPECT_TRUE(world.anonymous_access());
  world.deliver(env, "Subject: s\r\n\r\nbody\r\n");
  auto placed = world.placements();
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[0].where, Destination::Ndr) << "mailbox full while the fault was installed";
  EXPECT_EQ(placed[1].where, Destination::Mailbox);
}

TEST(WorldOverrides, SizesTakeTheUsualSpellingsAndAnEmptyValueLeavesTheWorldsOwn) {
  EXPECT_EQ(read_world_overrides({{"size-limit", "1M"}}).size_limit, 1048576u);
  EXPECT_EQ(read_world_overrides({{"size-limit", "64K"}}).size_limit, 65536u);
  EXPECT_EQ(read_world_overrides({{"size-limit", "lots"}}).size_limit, std::nullopt);
  EXPECT_EQ(read_world_overrides({{"anonymous-access", ""}}).anonymous_access, std::nullopt);
}

TEST(WorldOverrides, TooLargeWithAUnitLowersTheLimit) {
  faults::FaultTable faults;
  World world(smtp::default_world(), {}, faults);
  faults.add(faults::parse_fault_spec("too-large:10K", presets()));
  EXPECT_EQ(world.size_limit(), 10240u);
}
