#pragma once
// Each resource family adds its routes for the targets this process has.
#include "event_feed.hpp"
#include "router.hpp"

namespace maillab::console {

struct Context {
  Targets& targets;
  EventFeed& feed;
};

void add_fault_routes(Router& router, Context context);
void add_mailbox_routes(Router& router, Context context);  // POP3 maildrops and messages
void add_smtp_routes(Router& router, Context context);     // placements, Exchange mailboxes
void add_lab_routes(Router& router, Context context);      // transcripts, connector
void add_scenario_routes(Router& router, Context context);  // the catalog: run, or step through
// Counts of every place, for GET /api/status and the stream.
json status_of(const Targets& targets);

}  // namespace maillab::console
