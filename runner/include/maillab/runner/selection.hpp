#pragma once
// Which runs of the catalog a CI job takes: ids or globs, tags, one profile, and one shard
// of N (the selected scenarios in id order dealt out like cards, so N machines given the
// same selection cover it exactly once, and no two shards differ by more than one scenario;
// both profiles of a scenario stay together).
#include <optional>
#include <string>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

struct Shard {
  unsigned index = 1;  // 1-based, as GitLab's CI_NODE_INDEX
  unsigned total = 1;
};

// "I/N" with 1 <= I <= N; throws std::invalid_argument naming what is wrong.
Shard parse_shard(const std::string& text);
// CI_NODE_INDEX / CI_NODE_TOTAL when both are set (GitLab's `parallel:`), else nothing.
std::optional<Shard> shard_from_environment();

struct Selection {
  std::vector<std::string> patterns{};  // ids or shell globs (fnmatch); empty: every scenario
  std::vector<std::string> tags{};    // any of them; empty: no filter
  std::optional<connector::Profile> profile{};
  std::optional<Shard> shard{};
};

struct PlannedRun {
  const Scenario* scenario;
  connector::Profile profile;
};

// The chosen runs in catalog order. A pattern that matches nothing is an error (a typo
// must not pass as an empty, green run); so is a selection that leaves nothing before
// sharding. An empty shard is allowed: N may exceed the catalog.
std::vector<PlannedRun> select_runs(const std::vector<Scenario>& catalog, const Selection& selection);

}  // namespace maillab::runner
