// /api/placements and /api/exchange/mailboxes: where the SMTP server's World put every
// accepted message, as World::placements() records it.
#include <map>

#include "routes.hpp"

namespace maillab::console {
namespace {

json placement_json(const smtp::Placement& p) {
  return json{{"id", p.id},
              {"recipient", p.recipient},
              {"where", std::string(smtp::destination_name(p.where))},
              {"target", p.target},
              {"folder", p.folder},
              {"file", p.file.string()}};
}

Response placements(const Targets& t, const Call& call) {
  auto where = call.query_or("where");
  if (!where.empty() && !smtp::destination_from_name(where))
    throw ApiError(400, "query: 'where': '" + where + "' must be mailbox, forward, ndr or badmail", "where");
  json out = json::array();
  for (const auto& p : t.smtp->placements())
    if (where.empty() || smtp::destination_name(p.where) == where) out.push_back(placement_json(p));
  return json_response(200, json{{"placements", out}});
}

Response exchange_mailboxes(const Targets& t) {
  std::map<std::string, std::map<std::string, std::size_t>> folders;
  for (const auto& p : t.smtp->placements())
    if (p.where == smtp::Destination::Mailbox) ++folders[p.target][p.folder];
  json out = json::array();
  auto world = t.smtp->world().config();
  for (const auto& mb : world.mailboxes)
    out.push_back(json{{"address", mb.address}, {"quota_kb", mb.quota_kb}, {"folders", folders[mb.address]}});
  return json_response(200, json{{"mailboxes", out}, {"admin", world.admin_mailbox}});
}

}  // namespace

void add_smtp_routes(Router& router, Context c) {
  router.add("GET", "/api/placements", [c](const Call& call) { return placements(c.targets, call); });
  router.add("GET", "/api/exchange/mailboxes", [c](const Call&) { return exchange_mailboxes(c.targets); });
}

}  // namespace maillab::console
