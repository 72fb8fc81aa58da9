// The scenario catalog over the API: list, show, run in one go, or step through one run (the
// console's player). A stepped run keeps its sandbox and simulators between two requests.
#include <memory>
#include <mutex>

#include "maillab/runner/catalog.hpp"
#include "maillab/runner/report.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario_run.hpp"
#include "maillab/runner/step_json.hpp"
#include "routes.hpp"

namespace maillab::console {
namespace {

json scenario_json(const runner::Scenario& s) {
  json profiles = json::array();
  for (auto p : s.profiles) profiles.push_back(std::string(connector::profile_name(p)));
  return json{{"id", s.id},         {"title", s.title},       {"source", s.source},
              {"fault", s.fault},   {"symptoms", s.symptoms}, {"remedy", s.remedy},
              {"tags", s.tags},     {"profiles", profiles},   {"steps", s.steps.size()},
              {"remedy_steps", s.remedy_steps.size()}};
}

runner::Scenario find_scenario(const Targets& t, const std::string& id) {
  for (auto& s : runner::load_catalog(t.scenarios_dir))
    if (s.id == id) return s;
  throw ApiError(404, "no scenario '" + id + "' (GET /api/scenarios lists them)");
}

connector::Profile profile_of(const runner::Scenario& scenario, const Call& call) {
  auto named = call.text_or("profile", "");
  if (named.empty()) return scenario.profiles.front();
  try {
    return connector::parse_profile(named);
  } catch (const std::exception& e) {
    throw ApiError(400, std::string("body: field 'profile': ") + e.what(), "profile");
  }
}

// One run at a time: a run holds an HTTP thread for its seconds, and the API must keep
// answering meanwhile.
std::mutex scenario_running;

Response run_scenario(Context c, const Call& call) {
  std::unique_lock running(scenario_running, std::try_to_lock);
  if (!running.owns_lock()) throw ApiError(409, "a scenario is running; try again when it has finished");
  auto scenario = find_scenario(c.targets, call.param("id"));
  auto result = runner::run_scenario(scenario, profile_of(scenario, call));
  auto report = json::parse(runner::json_report({result}));
  c.feed.publish("scenario", json{{"id", result.id}, {"passed", result.passed}}.dump());
  return json_response(200, report);
}

// The player's one stepped run; its lock is held while a step runs.
struct Player {
  std::mutex mutex;
  std::unique_ptr<runner::ScenarioRun> run;
};

json state_of(const runner::ScenarioRun& run) {
  json next = nullptr;
  if (!run.done()) {
    const auto& s = run.upcoming();
    next = json{{"step", s.field}, {"line", s.line}, {"action", runner::describe_action(s.action)}};
  }
  return json{{"id", run.scenario().id},
              {"profile", std::string(connector::profile_name(run.profile()))},
              {"total", run.total()},
              {"taken", run.taken()},
              {"done", run.done()},
              {"next", next}};
}

runner::ScenarioRun& stepped(Player& p, const Call& call) {
  if (!p.run || p.run->scenario().id != call.param("id"))
    throw ApiError(404, "no stepped run of '" + call.param("id") + "' (POST /api/scenarios/" + call.param("id") +
                            "/steps starts one)");
  return *p.run;
}

Response start_steps(Context c, Player& p, const Call& call) {
  std::lock_guard lock(p.mutex);
  if (p.run)
    throw ApiError(409, "a stepped run of '" + p.run->scenario().id + "' is under way; DELETE /api/scenarios/" +
                            p.run->scenario().id + "/steps ends it");
  auto scenario = find_scenario(c.targets, call.param("id"));
  auto profile = profile_of(scenario, call);
  p.run = std::make_unique<runner::ScenarioRun>(std::move(scenario), profile);
  auto state = state_of(*p.run);
  c.feed.publish("scenario-step", state.dump());
  return json_response(201, state);
}

Response next_step(Context c, Player& p, const Call& call) {
  std::lock_guard lock(p.mutex);
  auto& run = stepped(p, call);
  if (run.done()) throw ApiError(409, "every step has run; DELETE /api/scenarios/" + call.param("id") + "/steps ends it");
  const auto& record = run.next();
  json out = state_of(run);
  out["record"] = runner::step_json(run.so_far(), record);
  if (run.done()) {
    auto result = run.finish();
    out["result"] = json::parse(runner::json_report({result})).at(0);
    p.run.reset();
  }
  c.feed.publish("scenario-step", json{{"id", out["id"]}, {"taken", out["taken"]}, {"done", out["done"]}}.dump());
  return json_response(200, out);
}

Response steps_so_far(Player& p, const Call& call) {
  std::lock_guard lock(p.mutex);
  auto& run = stepped(p, call);
  json out = state_of(run);
  out["records"] = runner::steps_json(run.so_far());
  return json_response(200, out);
}

Response end_steps(Player& p, const Call& call) {
  std::lock_guard lock(p.mutex);
  auto& run = stepped(p, call);
  json out = state_of(run);
  p.run.reset();  // stops its simulators and removes its sandbox
  return json_response(200, json{{"ended", out}});
}

}  // namespace

void add_scenario_routes(Router& router, Context c) {
  router.add("GET", "/api/scenarios", [c](const Call&) {
    json out = json::array();
    for (const auto& s : runner::load_catalog(c.targets.scenarios_dir)) out.push_back(scenario_json(s));
    return json_response(200, json{{"scenarios", out}});
  });
  router.add("GET", "/api/scenarios/{id}",
             [c](const Call& call) { return json_response(200, scenario_json(find_scenario(c.targets, call.param("id")))); });
  router.add("POST", "/api/scenarios/{id}/run", [c](const Call& call) { return run_scenario(c, call); });
  auto player = std::make_shared<Player>();
  router.add("POST", "/api/scenarios/{id}/steps", [c, player](const Call& call) { return start_steps(c, *player, call); });
  router.add("GET", "/api/scenarios/{id}/steps", [player](const Call& call) { return steps_so_far(*player, call); });
  router.add("POST", "/api/scenarios/{id}/steps/next",
             [c, player](const Call& call) { return next_step(c, *player, call); });
  router.add("DELETE", "/api/scenarios/{id}/steps", [player](const Call& call) { return end_steps(*player, call); });
}

}  // namespace maillab::console
