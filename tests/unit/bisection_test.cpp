// CDO step 4's bisection against a model of the sbs2003 delivery stage: files go in name
// order, and the first bad file stops the stage (it and every file after it stay).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "maillab/runner/bisection.hpp"

namespace maillab::runner {
namespace {

struct Model {
  std::set<std::string> incoming, aside, delivered, bad;
  int cycles = 0;

  BisectionHands hands() {
    return {[this] { return std::vector<std::string>(incoming.begin(), incoming.end()); },
            [this](const std::vector<std::string>& f) { move(f, incoming, aside); },
            [this](const std::vector<std::string>& f) { move(f, aside, incoming); },
            [this] { retrieve(); }};
  }
  static void move(const std::vector<std::string>& files, std::set<std::string>& from, std::set<std::string>& to) {
    for (const auto& f : files) {
      ASSERT_EQ(from.erase(f), 1u) << f << " is not where the procedure thinks";
      to.insert(f);
    }
  }
  void retrieve() {
    ++cycles;
    for (auto it = incoming.begin(); it != incoming.end() && !bad.count(*it);) {
      delivered.insert(*it);
      it = incoming.erase(it);
    }
  }
};

Model stuck(int n, std::set<int> bad) {
  Model m;
  for (int i = 1; i <= n; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "%08d.eml", i);
    m.incoming.insert(name);
    if (bad.count(i)) m.bad.insert(name);
  }
  return m;
}

TEST(Bisection, OneBadFileAmongSixteenTakesAtMostFourRounds) {
  for (int bad = 1; bad <= 16; ++bad) {
    auto m = stuck(16, {bad});
    auto r = bisect_incoming_mail(m.hands());
    ASSERT_EQ(r.bad.size(), 1u) << "bad file " << bad;
    EXPECT_TRUE(m.bad.count(r.bad[0])) << r.bad[0];
    EXPECT_LE(r.rounds, 4) << "bad file " << bad;
    EXPECT_EQ(m.delivered.size(), 15u) << "everything else is delivered";
    EXPECT_TRUE(m.incoming.empty());
    EXPECT_EQ(m.aside, m.bad) << "only the bad file stays set aside";
  }
}

TEST(Bisection, FindsEveryBadFile) {
  auto m = stuck(16, {3, 11, 12});
  auto r = bisect_incoming_mail(m.hands());
  std::set<std::string> found(r.bad.begin(), r.bad.end());
  EXPECT_EQ(found, m.bad);
  EXPECT_EQ(m.delivered.size(), 13u);
  EXPECT_EQ(m.aside, m.bad);
}

TEST(Bisection, NothingStuckNeedsNoRound) {
  Model m;
  auto r = bisect_incoming_mail(m.hands());
  EXPECT_TRUE(r.bad.empty());
  EXPECT_EQ(r.rounds, 0);
  EXPECT_EQ(m.cycles, 0);
}

TEST(Bisection, RecordsEveryRound) {
  auto m = stuck(16, {7});
  auto r = bisect_incoming_mail(m.hands());
  EXPECT_EQ(r.record.front(), "moved all 16 files out of Incoming Mail");
  EXPECT_EQ(std::count_if(r.record.begin(), r.record.end(), [](auto& l) { return l.starts_with("round "); }), r.rounds);
  EXPECT_NE(std::find(r.record.begin(), r.record.end(), "bad: 00000007.eml (left in Set Aside)"), r.record.end());
}

TEST(Bisection, EveryFileBadEndsWithEachNamed) {
  auto m = stuck(4, {1, 2, 3, 4});
  auto r = bisect_incoming_mail(m.hands());
  EXPECT_EQ(std::set<std::string>(r.bad.begin(), r.bad.end()), m.bad);
  EXPECT_TRUE(m.delivered.empty());
  EXPECT_LE(m.cycles, 8) << "each file costs at most two cycles";
}

}  // namespace
}  // namespace maillab::runner
