#include "maillab/runner/step_json.hpp"

namespace maillab::runner {

nlohmann::json step_json(const RunResult& run, const StepRecord& s) {
  using nlohmann::json;
  json picture = json::array();
  for (const auto& p : s.picture) picture.push_back({{"node", flow_node_name(p.node)}, {"place", p.place}, {"count", p.count}});
  json checks = json::array();
  bool passed = s.error.empty();
  for (std::size_t i = s.checks_begin; i < s.checks_end && i < run.checks.size(); ++i) {
    const auto& c = run.checks[i];
    passed = passed && c.passed;
    checks.push_back({{"line", c.line}, {"what", c.what}, {"passed", c.passed}, {"detail", c.detail}});
  }
  json events = json::array();
  for (const auto& e : s.events)
    events.push_back({{"id", e.id}, {"type", e.type}, {"source", e.source}, {"category", e.category},
                      {"time", e.time}, {"description", e.description}});
  return {{"step", s.step},         {"line", s.line},     {"action", s.action},
          {"passed", passed},       {"error", s.error},   {"picture", picture},
          {"checks", checks},       {"events", events},   {"notes", s.notes},
          {"transcripts", s.transcripts}};
}

nlohmann::json steps_json(const RunResult& run) {
  auto out = nlohmann::json::array();
  for (const auto& s : run.steps) out.push_back(step_json(run, s));
  return out;
}

}  // namespace maillab::runner
