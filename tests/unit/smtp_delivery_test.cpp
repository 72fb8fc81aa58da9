// smtpd's store under faults (issue 12): queue ids go on after a restart, a delivery to
// several places is all or nothing whichever write fails, names that would leave the store
// are refused where they are written and by the store itself.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/smtp/presets.hpp"
#include "op_faults.hpp"
#include "smtp_store_harness.hpp"
#include "store_files.hpp"
#include "temp_dir.hpp"

using namespace maillab;
using namespace maillab::smtp;
using maillab::test::copies_of;
using maillab::test::many_places;
using maillab::test::send_message;
using maillab::test::stored_files;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kRecipients{"bob@contoso.local", "alice@contoso.local", "carol@contoso.local"};

std::string message(int n) {
  return "Subject: [SPAM] message " + std::to_string(n) + "\r\nMessage-ID: <m" + std::to_string(n) +
         "@test>\r\n\r\n" + std::string(3000, 'x') + "\r\n";
}

std::uint64_t used_kb(const World& world, const std::string& address) {
  for (const auto& m : world.config().mailboxes)
    if (m.address == address) return m.used_kb;
  return ~0ull;
}

TEST(SmtpStoreRestart, AServerOnAStoreWithMailGoesOnFromItsHighestId) {
  test::TempDir root;
  const auto store = root.path() / "store";
  faults::FaultTable faults;
  {
    World first(default_world(), store, faults);
    for (int i = 0; i < 2; ++i) EXPECT_TRUE(send_message(first, faults, {"bob@contoso.local"}, message(i)).starts_with("250"));
  }
  World again(default_world(), store, faults);
  for (int i = 2; i < 5; ++i)
    EXPECT_TRUE(send_message(again, faults, {"bob@contoso.local"}, message(i)).starts_with("250 2.6.0 <0000000" +
                                                                                            std::to_string(i + 1)))
        << i;
  EXPECT_EQ(stored_files(store).size(), 5u);
}

// What a crash left: a delivery half named (its journal in .queue), a temporary file, and
// mail stored before. The next World undoes the first, removes the second, goes on after
// the third.
TEST(SmtpStoreRestart, WhatACrashLeftIsSettledBeforeTheFirstDelivery) {
  test::TempDir root;
  const auto store = root.path();
  auto write = [&](const fs::path& rel, const std::string& text) {
    fs::create_directories((store / rel).parent_path());
    std::ofstream(store / rel, std::ios::binary) << text;
  };
  write("bob@contoso.local/Inbox/00000003.eml", "Subject: delivered before\r\n\r\n");
  write("bob@contoso.local/Inbox/00000007.eml", "Subject: half\r\n\r\n");  // named; alice's was not
  write("alice@contoso.local/Inbox/.00000007.eml.tmp", "Subject: half\r\n\r\n");
  write(".queue/00000007.eml.txn", "/bob@contoso.local/Inbox/00000007.eml\n/alice@contoso.local/Inbox/00000007.eml\n");
  write(".queue/.00000008.eml.txn.tmp", "/bob@contoso.local/Inbox/00000008.eml\n");
  faults::FaultTable faults;
  World world(test::many_places_world(), store, faults);
  EXPECT_EQ(stored_files(store), std::vector<std::string>{"bob@contoso.local/Inbox/00000003.eml"});
  EXPECT_TRUE(send_message(world, faults, {"bob@contoso.local"}, message(1)).starts_with("250 2.6.0 <00000004@"));
}

// A pickup file's journal: while the file is still in PickUp the copies are undone (the
// service takes it again); once it is gone they stand.
TEST(SmtpStoreRestart, APickupDeliveryStandsOnceItsFileIsGone) {
  test::TempDir root;
  const auto store = root.path() / "store";
  fs::create_directories(store / ".queue");
  fs::create_directories(store / "bob@contoso.local" / "Inbox");
  for (int id : {1, 2}) {
    auto name = "0000000" + std::to_string(id) + ".eml";
    std::ofstream(store / "bob@contoso.local" / "Inbox" / name) << "Subject: s\r\n\r\n";
    std::ofstream(store / ".queue" / (name + ".txn"))
        << "handover " << (root.path() / (std::to_string(id) + ".eml")).native() << "\n/bob@contoso.local/Inbox/" << name << "\n";
  }
  std::ofstream(root.path() / "1.eml") << "still in PickUp";
  faults::FaultTable faults;
  World world(default_world(), store, faults);
  EXPECT_EQ(stored_files(store), std::vector<std::string>{"bob@contoso.local/Inbox/00000002.eml"});
}

// Every operation of a delivery to four places fails in turn (ENOSPC): the client is
// answered 451 and nothing is left, or it is answered 250; either way the resend after a
// 451 leaves one copy per place and charges the quota once.
void sweep_one_delivery(StoreFiles::Naming naming) {
  const std::string text = message(1);
  const std::uint64_t size_kb = (text.size() + 1023) / 1024;
  std::uint64_t total = 0;
  {
    test::TempDir root;
    faults::FaultTable faults;
    CountOps count(system_file_ops());
    World world(test::many_places_world(), root.path(), faults, std::make_unique<StoreFiles>(root.path(), naming, count));
    ASSERT_TRUE(send_message(world, faults, kRecipients, text).starts_with("250"));
    total = count.calls();
  }
  ASSERT_GT(total, 8u);
  int refused = 0;
  for (std::uint64_t k = 1; k <= total; ++k) {
    test::TempDir root;
    faults::FaultTable faults;
    FailAtOp fail(system_file_ops(), k, ENOSPC);
    World world(test::many_places_world(), root.path(), faults, std::make_unique<StoreFiles>(root.path(), naming, fail));
    auto reply = send_message(world, faults, kRecipients, text);
    if (!reply.starts_with("250")) {
      ++refused;
      EXPECT_TRUE(reply.starts_with("451")) << k << ": " << reply;
      EXPECT_EQ(stored_files(root.path()), std::vector<std::string>{}) << "op " << k;
      EXPECT_EQ(used_kb(world, "bob@contoso.local"), 0u) << "op " << k;
      EXPECT_TRUE(world.placements().empty()) << "op " << k;
      EXPECT_TRUE(send_message(world, faults, kRecipients, text).starts_with("250")) << "the resend, op " << k;
    }
    for (const auto& place : many_places()) EXPECT_EQ(copies_of(root.path() / place, "<m1@test>"), 1) << place << ", op " << k;
    EXPECT_EQ(used_kb(world, "bob@contoso.local"), size_kb) << "op " << k;
    EXPECT_EQ(world.placements().size(), 4u) << "op " << k;
  }
  EXPECT_GT(refused, 4) << "most points answer 451";
}

TEST(SmtpStoreAllOrNothing, WhicheverWriteFailsUnnamed) { sweep_one_delivery(StoreFiles::Naming::Unnamed); }
TEST(SmtpStoreAllOrNothing, WhicheverWriteFailsRenamed) { sweep_one_delivery(StoreFiles::Naming::Renamed); }

// ---- names that would leave the store -------------------------------------------------

std::string world_error(const std::string& yaml) {
  try {
    parse_world_yaml(yaml, "smtp.world");
  } catch (const faults::SpecError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(SmtpStoreNames, AWorldFileNameThatLeavesTheStoreIsRefusedWithFileLineAndField) {
  EXPECT_EQ(world_error("accepted_domains: [contoso.local]\nmailboxes:\n  - ../../etc@contoso.local\n"),
            "smtp.world:3: field 'mailboxes[0]': '../../etc@contoso.local' cannot name a folder of the store: it would "
            "leave its folder (it holds a '/' or '\\')");
  EXPECT_EQ(world_error("mailboxes:\n  - address: bob@contoso.local\n    rules:\n      - folder: ../../../tmp\n"),
            "smtp.world:4: field 'mailboxes[0].rules[0].folder': '../../../tmp' cannot name a folder of the store: it "
            "would leave its folder (it holds a '/' or '\\')");
  EXPECT_EQ(world_error("mailboxes:\n  - address: bob@contoso.local\n    rules:\n      - folder: ..\n"),
            "smtp.world:4: field 'mailboxes[0].rules[0].folder': '..' cannot name a folder of the store: it would "
            "leave its folder ('..')");
  EXPECT_EQ(world_error("mailboxes:\n  - address: bob@contoso.local\n    forward_to: /x@fabrikam.com\n"),
            "smtp.world:3: field 'mailboxes[0].forward_to': '/x@fabrikam.com' cannot name a folder of the store: it "
            "would leave its folder (it holds a '/' or '\\')");
  EXPECT_EQ(world_error("admin_mailbox: .hidden@contoso.local\n"),
            "smtp.world:1: field 'admin_mailbox': '.hidden@contoso.local' cannot name a folder of the store: it "
            "starts with '.' (the store keeps such names for its own files)");
  EXPECT_EQ(world_error("mailboxes:\n  - address: bob@contoso.local\n    rules:\n      - folder: \"a\\0b\"\n"),
            "smtp.world:4: field 'mailboxes[0].rules[0].folder': 'a\\x00b' cannot name a folder of the store: it "
            "holds a control character or NUL");
  EXPECT_EQ(world_error("mailboxes:\n  - address: bob@contoso.local\n    rules:\n      - folder: Junk E-mail\n"),
            "(accepted)");
}

std::string fault_error(const std::string& spec) {
  try {
    parse_fault_spec(spec, presets());
  } catch (const faults::SpecError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(SmtpStoreNames, AFaultFolderThatLeavesTheStoreIsRefused) {
  EXPECT_EQ(fault_error("client-rule:bob@contoso.local:../../../tmp/x"),
            "--fault 'client-rule:bob@contoso.local:../../../tmp/x': field 'folder': '../../../tmp/x' cannot name a folder of the store: it would leave its folder "
            "(it holds a '/' or '\\')");
  EXPECT_EQ(fault_error("client-rule:bob@contoso.local:.."),
            "--fault 'client-rule:bob@contoso.local:..': field 'folder': '..' cannot name a folder of the store: it would leave its folder ('..')");
  EXPECT_EQ(fault_error("forwarding:bob@contoso.local,to=../x@fabrikam.com"),
            "--fault 'forwarding:bob@contoso.local,to=../x@fabrikam.com': field 'to': '../x@fabrikam.com' cannot name a folder of the store: it would leave its folder (it "
            "holds a '/' or '\\')");
  EXPECT_EQ(fault_error("client-rule:bob@contoso.local:Junk E-mail"), "(accepted)");
}

TEST(SmtpStoreNames, TheStoreRefusesAPathOutsideItAndWritesNothing) {
  test::TempDir root;
  const auto store = root.path() / "store";
  faults::FaultTable faults;
  World world(default_world(), store, faults);
  // The raw world fault is not checked where it is written: the store is the last line.
  faults.add(parse_fault_spec("world,set=client-rule:bob@contoso.local,value=../../escaped", presets()));
  EXPECT_TRUE(send_message(world, faults, {"bob@contoso.local"}, message(1)).starts_with("451"));
  EXPECT_EQ(stored_files(root.path()), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(root.path() / "escaped"));
  StoreFiles files(store);
  EXPECT_THROW(files.put((store / "bob" / ".." / ".." / "x").native(), "1.eml", "x"), StoreError);
  EXPECT_THROW(files.put((root.path() / "elsewhere").native(), "1.eml", "x"), StoreError);
  EXPECT_THROW(files.put((store / "bob").native(), "../1.eml", "x"), StoreError);
  EXPECT_THROW(files.put((store / "bob").native(), "..", "x"), StoreError);
  EXPECT_EQ(stored_files(root.path()), std::vector<std::string>{});
}

TEST(SmtpStoreNames, AReportNamedForAnOddRecipientStaysInItsFolder) {
  test::TempDir root;
  faults::FaultTable faults;
  World world(default_world(), root.path(), faults);
  world.deliver({"alice@fabrikam.com", {"../../x@contoso.local"}, "", "", {}}, "Subject: s\r\n\r\nbody\r\n");
  EXPECT_EQ(stored_files(root.path()),
            std::vector<std::string>{"administrator@contoso.local/Inbox/00000001-ndr-..%2F..%2Fx@contoso.local.eml"});
}

}  // namespace
