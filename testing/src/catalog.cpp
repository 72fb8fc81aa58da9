#include "maillab/testing/catalog.hpp"

#include "maillab/runner/catalog.hpp"
#include "maillab/runner/runner.hpp"

namespace maillab::testing {

std::vector<CatalogRun> catalog_in(const std::string& dir) {
  if (dir.empty()) throw std::invalid_argument("no scenario catalog: set MAILLAB_SCENARIOS");
  std::vector<CatalogRun> out;
  for (auto& sc : runner::load_catalog(dir)) {
    auto shared = std::make_shared<const runner::Scenario>(std::move(sc));
    for (auto p : shared->profiles) out.push_back({shared, p});
  }
  return out;
}

runner::RunResult run(const CatalogRun& r) { return runner::run_scenario(*r.scenario, r.profile); }

std::string run_name(const ::testing::TestParamInfo<CatalogRun>& info) {
  auto name = info.param.scenario->id + "_" + std::string(connector::profile_name(info.param.profile));
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

void PrintTo(const CatalogRun& r, std::ostream* out) {
  *out << r.scenario->id << " (" << connector::profile_name(r.profile) << ")";
}

}  // namespace maillab::testing
