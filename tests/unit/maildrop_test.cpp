#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "maillab/pop3/maildrop.hpp"
#include "temp_dir.hpp"

using namespace maillab::pop3;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

TEST(Maildrop, DirectoryServedInFileNameOrderWithCrlf) {
  maillab::test::TempDir dir;
  write(dir.path() / "b.eml", "Subject: b\n\nbody b\n");
  write(dir.path() / "a.eml", "Subject: a\r\n\r\nbody a\r\n");
  write(dir.path() / "notes.txt", "not a message");
  Maildrop md("bob", "pw", dir.path());
  auto s = md.snapshot();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].uid, "a");
  EXPECT_EQ(s[1].uid, "b");
  EXPECT_EQ(s[1].text(), "Subject: b\r\n\r\nbody b\r\n");
  EXPECT_EQ(s[1].size, s[1].text().size());
  EXPECT_EQ(*s[1].load(), "Subject: b\r\n\r\nbody b\r\n.\r\n");
  EXPECT_FALSE(s[1].wire) << "a directory maildrop holds no content itself";
}

TEST(Maildrop, ContentComesBackAfterEvictionAndVanishedFilesThrow) {
  maillab::test::TempDir dir;
  write(dir.path() / "a.eml", "Subject: a\r\n\r\n.dot\r\n");
  auto cache = std::make_shared<WireCache>(0);  // keeps only the newest
  Maildrop md("bob", "pw", dir.path(), cache);
  auto s = md.snapshot();
  write(dir.path() / "z.eml", "other");
  md.snapshot();
  EXPECT_FALSE(s[0].cached()) << "evicted by z";
  EXPECT_EQ(*s[0].load(), "Subject: a\r\n\r\n..dot\r\n.\r\n") << "read again from the file";
  fs::remove(dir.path() / "z.eml");
  fs::remove(dir.path() / "a.eml");
  write(dir.path() / "y.eml", "newest");
  md.snapshot();
  EXPECT_THROW(s[0].load(), std::runtime_error);
}

TEST(Maildrop, MaildropsGivenOneCacheShareItAndOthersDoNot) {
  maillab::test::TempDir dir;
  write(dir.path() / "a.eml", "Subject: a\r\n\r\nbody\r\n");
  Mailboxes mailboxes;
  Maildrop one("bob", "pw", dir.path(), mailboxes.wire_cache());
  Maildrop two("eve", "pw", dir.path(), mailboxes.wire_cache());
  Maildrop own("ann", "pw", dir.path());
  auto first = one.snapshot()[0].load();
  EXPECT_EQ(*two.snapshot()[0].cached(), *first) << "in the cache the two share";
  EXPECT_EQ(mailboxes.wire_cache()->octets(), first->size()) << "one copy";
  EXPECT_NE(own.snapshot()[0].cached(), first);
  EXPECT_EQ(mailboxes.wire_cache()->octets(), first->size()) << "a maildrop without a cache given has its own";
}

TEST(WireCache, BoundedLeastRecentlyUsedFirst) {
  WireCache cache(10);
  auto v = [](int n) { return std::make_shared<const std::string>(std::string(static_cast<std::size_t>(n), 'x')); };
  FileKey a{1, 1, 4, 0}, b{1, 2, 4, 0}, c{1, 3, 4, 0};
  cache.put(a, v(4));
  cache.put(b, v(4));
  EXPECT_TRUE(cache.get(a));
  cache.put(c, v(4));
  EXPECT_TRUE(cache.get(a));
  EXPECT_FALSE(cache.get(b)) << "the least recently used went";
  EXPECT_TRUE(cache.get(c));
  EXPECT_EQ(cache.octets(), 8u);
  cache.put(b, v(50));
  EXPECT_TRUE(cache.get(b)) << "the newest stays even over budget";
  EXPECT_EQ(cache.octets(), 50u);
}

TEST(Maildrop, CommitInPlaceRemovesFilesAndRemembersWhy) {
  maillab::test::TempDir dir;
  write(dir.path() / "a.eml", "x\r\n");
  write(dir.path() / "b.eml", "y\r\n");
  Maildrop md("bob", "pw", dir.path(), nullptr, Deletions::FromDirectory);
  md.snapshot();
  EXPECT_TRUE(md.commit({"a"}, 7, DepartureReason::Retrieved));
  EXPECT_FALSE(fs::exists(dir.path() / "a.eml"));
  EXPECT_TRUE(fs::exists(dir.path() / "b.eml"));
  ASSERT_EQ(md.departures().size(), 1u);
  EXPECT_EQ(md.departures()[0].name, "a.eml");
  EXPECT_EQ(md.departures()[0].session, 7u);
  EXPECT_EQ(md.departures()[0].reason, DepartureReason::Retrieved);
  EXPECT_TRUE(md.remove("b"));
  EXPECT_EQ(md.departures()[1].reason, DepartureReason::Removed);
}

// By default the directory is someone's own: a deletion hides the file and touches nothing.
TEST(Maildrop, CommitByDefaultKeepsTheFilesAndHidesThem) {
  maillab::test::TempDir dir;
  write(dir.path() / "a.eml", "x\r\n");
  write(dir.path() / "b.eml", "y\r\n");
  Maildrop md("bob", "pw", dir.path());
  md.snapshot();
  EXPECT_TRUE(md.commit({"a"}, 7, DepartureReason::Retrieved));
  EXPECT_EQ(md.take(0, 8), 1u) << "b, taken by a competing client";
  EXPECT_TRUE(fs::exists(dir.path() / "a.eml"));
  EXPECT_TRUE(fs::exists(dir.path() / "b.eml"));
  EXPECT_TRUE(md.snapshot().empty());
  ASSERT_EQ(md.departures().size(), 2u);
  EXPECT_EQ(md.departures()[1].reason, DepartureReason::CompetingClient);
  write(dir.path() / "c.eml", "new\r\n");
  ASSERT_EQ(md.snapshot().size(), 1u) << "new files still come in";
  EXPECT_EQ(md.snapshot()[0].uid, "c");
  Maildrop again("bob", "pw", dir.path());
  EXPECT_EQ(again.snapshot().size(), 3u) << "what was hidden is hidden from that maildrop only";
}

TEST(Maildrop, DepartureReasonsHaveTheirPrintedNames) {
  EXPECT_EQ(reason_name(DepartureReason::Retrieved), "retrieved");
  EXPECT_EQ(reason_name(DepartureReason::CompetingClient), "competing-client");
  EXPECT_EQ(reason_name(DepartureReason::Removed), "removed");
}

TEST(Maildrop, NewFilesAppearInTheNextSnapshot) {
  maillab::test::TempDir dir;
  Maildrop md("bob", "pw", dir.path());
  EXPECT_TRUE(md.snapshot().empty());
  md.add("c", "Subject: c\r\n\r\n");
  EXPECT_TRUE(fs::exists(dir.path() / "c.eml"));
  EXPECT_EQ(md.snapshot().size(), 1u);
}

// A drop of 300 files is watched from its second snapshot on (DropWatch::kWatchFrom), and
// later snapshots re-check only the names inotify reports; every kind of change made
// behind the maildrop's back must still show, in file-name order.
TEST(Maildrop, LargeDropSeesEveryChangeMadeBehindItsBack) {
  maillab::test::TempDir dir;
  auto name = [](int i) { return "m" + std::to_string(1000 + i) + ".eml"; };
  for (int i = 0; i < 300; ++i) write(dir.path() / name(i), "Subject: " + std::to_string(i) + "\r\n\r\n");
  Maildrop md("bob", "pw", dir.path(), nullptr, Deletions::FromDirectory);
  ASSERT_EQ(md.snapshot().size(), 300u);
  ASSERT_EQ(md.snapshot().size(), 300u);  // the watch starts here
  write(dir.path() / name(5), "Subject: rewritten in place, longer\r\n\r\n");
  fs::remove(dir.path() / name(7));
  write(dir.path() / "m0999.eml", "Subject: new, first in order\r\n\r\n");
  write(dir.path() / ".m2000.eml.tmp", "Subject: renamed in\r\n\r\n");
  fs::rename(dir.path() / ".m2000.eml.tmp", dir.path() / "m2000.eml");
  fs::rename(dir.path() / name(9), dir.path() / "m1009.txt");
  auto s = md.snapshot();
  ASSERT_EQ(s.size(), 300u);
  EXPECT_EQ(s.front().name, "m0999.eml");
  EXPECT_EQ(s.back().name, "m2000.eml");
  auto find = [&](const std::string& n) { return std::find_if(s.begin(), s.end(), [&](auto& m) { return m.name == n; }); };
  ASSERT_NE(find(name(5)), s.end());
  EXPECT_EQ(find(name(5))->text(), "Subject: rewritten in place, longer\r\n\r\n");
  EXPECT_EQ(find(name(5))->size, find(name(5))->text().size());
  EXPECT_EQ(find(name(7)), s.end());
  EXPECT_EQ(find(name(9)), s.end());
  EXPECT_TRUE(md.commit({s[1].uid}, 1, DepartureReason::Retrieved));
  EXPECT_EQ(md.snapshot().size(), 299u) << "its own deletion too";
}

TEST(Maildrop, MissingDirectoryThrows) {
  Maildrop md("bob", "pw", "/nonexistent/maildrop");
  EXPECT_THROW(md.snapshot(), std::runtime_error);
}

TEST(Maildrop, LockIsExclusive) {
  Maildrop md("bob", "pw");
  EXPECT_TRUE(md.try_lock(1));
  EXPECT_FALSE(md.try_lock(2));
  md.unlock(2);
  EXPECT_TRUE(md.locked());
  md.unlock(1);
  EXPECT_TRUE(md.try_lock(2));
}

TEST(Maildrop, UidsAreValidUidlStrings) {
  EXPECT_EQ(uid_for_name("msg-000001"), "msg-000001");
  auto hashed = uid_for_name("name with spaces");
  EXPECT_EQ(hashed.size(), 32u);
  EXPECT_EQ(uid_for_name(std::string(71, 'x')).size(), 32u);
}

TEST(Maildrop, SyntheticMessagesHaveTheExactSizeAndStuffableLines) {
  for (std::size_t size : {300u, 301u, 4096u, 65537u}) {
    auto m = synthetic_message("bob", 3, size);
    EXPECT_EQ(m.size(), size);
    EXPECT_TRUE(m.ends_with("\r\n"));
  }
  EXPECT_NE(synthetic_message("bob", 1, 4096).find("\r\n.The"), std::string::npos);
  EXPECT_EQ(synthetic_message("bob", 1, 4096), synthetic_message("bob", 1, 4096));
}

TEST(Mailboxes, RefusesDuplicateUsers) {
  Mailboxes m;
  m.add(std::make_shared<Maildrop>("bob", "a"));
  EXPECT_THROW(m.add(std::make_shared<Maildrop>("bob", "b")), std::invalid_argument);
  EXPECT_TRUE(m.find("bob"));
  EXPECT_FALSE(m.find("eve"));
}

}  // namespace
