// One GoogleTest per scenario file and connector profile, generated from the catalog at
// start-up (CTest names them scenario:ID:PROFILE, see tests/CMakeLists.txt). A failure
// prints every failed check with its file and line.
#include <gtest/gtest.h>

#include <iostream>

#include "maillab/runner/catalog.hpp"
#include "maillab/runner/runner.hpp"

namespace {
namespace rn = maillab::runner;
namespace cn = maillab::connector;

class ScenarioTest : public ::testing::Test {
 public:
  ScenarioTest(const rn::Scenario* sc, cn::Profile p) : sc_(sc), profile_(p) {}
  void TestBody() override {
    if (std::find(sc_->profiles.begin(), sc_->profiles.end(), profile_) == sc_->profiles.end())
      GTEST_SKIP() << sc_->id << " does not run under " << cn::profile_name(profile_);
    auto r = rn::run_scenario(*sc_, profile_);
    for (const auto& f : r.failures()) ADD_FAILURE() << f;
    if (!r.passed)
      for (const auto& l : r.transcript) std::cout << "    " << l << "\n";
    EXPECT_TRUE(r.passed);
  }

 private:
  const rn::Scenario* sc_;
  cn::Profile profile_;
};

// gtest's filter syntax reads '-' as "exclude", so the suite name spells the id with '_'.
std::string suite_name(std::string id) {
  for (auto& c : id)
    if (c == '-') c = '_';
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  static std::vector<rn::Scenario> catalog;
  try {
    catalog = rn::load_catalog(rn::default_scenarios_dir());
  } catch (const rn::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  for (const auto& sc : catalog)
    for (auto p : {cn::Profile::Sbs2003, cn::Profile::Robust})
      ::testing::RegisterTest(suite_name(sc.id).c_str(), std::string(cn::profile_name(p)).c_str(), nullptr, nullptr,
                              sc.file.c_str(), 1, [s = &sc, p]() -> ::testing::Test* { return new ScenarioTest(s, p); });
  return RUN_ALL_TESTS();
}
