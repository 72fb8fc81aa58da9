#pragma once
// The scenario catalog as parameterised GoogleTest cases:
//
//   class Catalog : public ::testing::TestWithParam<maillab::testing::CatalogRun> {};
//   TEST_P(Catalog, Passes) { EXPECT_THAT(maillab::testing::run(GetParam()), maillab::testing::Passed()); }
//   INSTANTIATE_TEST_SUITE_P(maillab, Catalog, ::testing::ValuesIn(maillab::testing::catalog()),
//                            maillab::testing::run_name);
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "maillab/runner/result.hpp"
#include "maillab/runner/scenario.hpp"

#ifndef MAILLAB_CATALOG_DIR
#define MAILLAB_CATALOG_DIR ""
#endif

namespace maillab::testing {

struct CatalogRun {
  std::shared_ptr<const runner::Scenario> scenario;
  connector::Profile profile;
};

// Every scenario of `dir` under each of its profiles, in catalog order.
std::vector<CatalogRun> catalog_in(const std::string& dir);
// $MAILLAB_SCENARIOS, else the catalog this build or installation ships.
inline std::vector<CatalogRun> catalog() {
  const char* env = std::getenv("MAILLAB_SCENARIOS");
  return catalog_in(env && *env ? env : MAILLAB_CATALOG_DIR);
}
// The run in a fresh sandbox (removed afterwards).
runner::RunResult run(const CatalogRun& run);
// "SD_sender_denied_robust": a test name GoogleTest accepts.
std::string run_name(const ::testing::TestParamInfo<CatalogRun>& info);
void PrintTo(const CatalogRun& run, std::ostream* out);

// A run whose every check passed; otherwise each failure is listed.
MATCHER(Passed, "passed every check") {
  for (const auto& f : arg.failures()) *result_listener << "\n  " << f;
  return arg.passed;
}

}  // namespace maillab::testing
