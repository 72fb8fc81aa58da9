// docs/openapi.yaml against the server: every path and method in the file answers (a
// route of the server, not the router's 404 or 405), and every route is in the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "maillab/console/api.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/testing/servers.hpp"

namespace maillab {
namespace {

std::set<std::string> documented() {
  auto doc = YAML::LoadFile(std::string(MAILLAB_SOURCE_DIR) + "/docs/openapi.yaml");
  std::set<std::string> out;
  for (const auto& path : doc["paths"]) {
    for (const auto& op : path.second) {
      auto method = op.first.as<std::string>();
      if (method == "parameters") continue;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(method + " " + path.first.as<std::string>());
    }
  }
  return out;
}

// A path of a pattern with its {parameters} filled in.
std::string example_path(std::string pattern) {
  for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{')) {
    auto close = pattern.find('}', open);
    pattern.replace(open, close - open + 1, "example");
  }
  return pattern;
}

class OpenApi : public ::testing::Test {
 protected:
  testing::Pop3Server pop3;
  testing::SmtpServer smtp;
  console::Api api{console::Targets{&pop3.server(), &smtp.server(), [] { return connector::CycleReport{}; },
                                    "/nonexistent/events.jsonl", "/nonexistent/log.txt",
                                    runner::default_scenarios_dir(), "/nonexistent"}};
};

TEST_F(OpenApi, EveryRouteOfTheLabIsDocumented) {
  auto routes = api.routes();
  std::set<std::string> served(routes.begin(), routes.end());
  EXPECT_EQ(served, documented());
}

TEST_F(OpenApi, EveryDocumentedOperationAnswers) {
  for (const auto& op : documented()) {
    auto space = op.find(' ');
    auto method = op.substr(0, space);
    auto path = example_path(op.substr(space + 1));
    // A body the POSTs accept or refuse by field, never one that would run a scenario.
    auto response = api.handle(console::Request{method, path, method == "POST" ? "{}" : "", ""});
    EXPECT_NE(response.status, 405) << op << ": " << response.body;
    EXPECT_EQ(response.body.find("no resource"), std::string::npos) << op << ": " << response.body;
  }
}

}  // namespace
}  // namespace maillab
