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

namespace {

StepRecord step_from_json(const nlohmann::json& j, std::size_t& next_check) {
  StepRecord s;
  s.step = j.at("step").get<std::string>();
  s.line = j.at("line").get<int>();
  s.action = j.at("action").get<std::string>();
  s.error = j.value("error", std::string());
  s.checks_begin = next_check;
  next_check += j.at("checks").size();
  s.checks_end = next_check;
  for (const auto& p : j.at("picture")) {
    auto node = flow_node_from_name(p.at("node").get<std::string>());
    if (!node) throw std::invalid_argument("unknown place '" + p.at("node").get<std::string>() + "'");
    s.picture.push_back({*node, p.at("place").get<std::string>(), p.at("count").get<std::size_t>()});
  }
  for (const auto& e : j.at("events"))
    s.events.push_back({e.value("time", ""), e.value("source", ""), e.value("category", ""), e.at("id").get<int>(),
                        e.value("type", ""), e.value("description", "")});
  s.notes = j.value("notes", std::vector<std::string>{});
  s.transcripts = j.value("transcripts", std::vector<std::string>{});
  return s;
}

}  // namespace

void read_steps(RunResult& run, const nlohmann::json& steps) {
  std::size_t next_check = 0;
  for (const auto& j : steps) run.steps.push_back(step_from_json(j, next_check));
  if (next_check > run.checks.size()) throw std::invalid_argument("the steps name more checks than the run has");
}

}  // namespace maillab::runner
