// /api/faults: the servers' FaultTables, exactly as C++ and Python change them. A fault's
// id is "pop3-N" or "smtp-N" (N its id in that server's table); where one server runs, N
// alone is enough.
#include <algorithm>
#include <optional>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/smtp/presets.hpp"
#include "routes.hpp"

namespace maillab::console {
namespace {

struct Side {
  std::string name;  // "pop3" or "smtp"
  faults::FaultTable* table;
  const faults::PresetRegistry* presets;
};

std::vector<Side> sides(const Targets& t) {
  std::vector<Side> out;
  if (t.pop3) out.push_back(Side{"pop3", &t.pop3->faults(), &pop3::presets()});
  if (t.smtp) out.push_back(Side{"smtp", &t.smtp->faults(), &smtp::presets()});
  return out;
}

json entry_json(const Side& side, const faults::FaultTable::Entry& e) {
  return json{{"id", side.name + "-" + std::to_string(e.id)},
              {"server", side.name},
              {"description", e.description},
              {"fired", e.fired}};
}

json list(const Targets& t) {
  json out = json::array();
  for (const auto& side : sides(t))
    for (const auto& e : side.table->list()) out.push_back(entry_json(side, e));
  return out;
}

// The server a new fault goes to: the one named, the only one, or the one whose presets
// know the name (a primitive kind both have needs "server").
Side side_for(const Targets& t, const std::string& named, const std::string& spec) {
  auto all = sides(t);
  if (all.empty()) throw ApiError(404, "no mail server runs in this process");
  if (!named.empty()) {
    for (auto& s : all)
      if (s.name == named) return s;
    throw ApiError(400, "body: field 'server': '" + named + "' does not run here (pop3 or smtp)", "server");
  }
  if (all.size() == 1) return all.front();
  std::string name = spec.substr(0, spec.find_first_of(":,"));
  std::vector<Side> knowing;
  for (auto& s : all)
    if (s.presets->find(name)) knowing.push_back(s);
  if (knowing.size() == 1) return knowing.front();
  throw ApiError(400, "body: field 'server': required for '" + name + "' (pop3 or smtp)", "server");
}

// "smtp-3", or "3" where one server runs.
std::pair<Side, faults::FaultTable::Id> find_id(const Targets& t, const std::string& id) {
  auto all = sides(t);
  auto dash = id.find('-');
  std::optional<Side> side;
  std::string number = id;
  if (dash != std::string::npos) {
    for (auto& s : all)
      if (s.name == id.substr(0, dash)) side = s;
    number = id.substr(dash + 1);
  } else if (all.size() == 1) {
    side = all.front();
  }
  if (!side || number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 18)
    throw ApiError(404, "no fault '" + id + "' (GET /api/faults lists them)");
  return {*side, std::stoull(number)};
}

Response add(Context c, const Call& call) {
  auto spec = call.text("spec");
  auto side = side_for(c.targets, call.text_or("server", ""), spec);
  // The CLI's own words: a bad spec is reported as `--fault 'SPEC': field 'KEY': ...`.
  auto ids = side.table->add(faults::parse_fault_spec(spec, *side.presets, "--fault"));
  json added = json::array();
  for (const auto& e : side.table->list())
    if (std::find(ids.begin(), ids.end(), e.id) != ids.end()) added.push_back(entry_json(side, e));
  c.feed.publish("faults", json{{"added", added}}.dump());
  return json_response(201, json{{"added", added}, {"faults", list(c.targets)}});
}

Response remove(Context c, const Call& call) {
  auto [side, id] = find_id(c.targets, call.param("id"));
  if (!side.table->remove(id)) throw ApiError(404, "no fault '" + call.param("id") + "' (GET /api/faults lists them)");
  c.feed.publish("faults", json{{"removed", call.param("id")}}.dump());
  return json_response(200, json{{"removed", call.param("id")}, {"faults", list(c.targets)}});
}

json presets_json(const Targets& t) {
  json out = json::array();
  for (const auto& side : sides(t))
    for (const auto& p : side.presets->all())
      out.push_back(json{{"name", p.name}, {"server", side.name}, {"summary", p.summary}, {"argument", p.positional}});
  return out;
}

}  // namespace

void add_fault_routes(Router& router, Context c) {
  router.add("GET", "/api/faults", [c](const Call&) { return json_response(200, json{{"faults", list(c.targets)}}); });
  router.add("POST", "/api/faults", [c](const Call& call) { return add(c, call); });
  router.add("DELETE", "/api/faults", [c](const Call&) {
    std::size_t removed = 0;
    for (const auto& side : sides(c.targets)) {
      removed += side.table->list().size();
      side.table->clear();
    }
    c.feed.publish("faults", json{{"cleared", removed}}.dump());
    return json_response(200, json{{"removed", removed}, {"faults", json::array()}});
  });
  router.add("DELETE", "/api/faults/{id}", [c](const Call& call) { return remove(c, call); });
  router.add("GET", "/api/presets", [c](const Call&) { return json_response(200, json{{"presets", presets_json(c.targets)}}); });
}

}  // namespace maillab::console
