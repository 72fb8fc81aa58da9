#pragma once
// The conservation check of SCENARIOS.md: every message that was on the POP3 server is,
// at the end, in exactly one known place, and nothing is delivered twice. Messages are
// told apart by their Message-ID, which every corruption the fault model makes leaves
// intact; the runner finds them in the places and this file judges what it found.
#include <string>
#include <vector>

#include "maillab/runner/picture.hpp"

namespace maillab::runner {

enum class PlaceKind {
  Source,   // still on the POP3 server
  Gone,     // taken by a competing client, deleted at the provider by hand
  Holding,  // Incoming Mail, Failed Mail, PickUp, set aside by hand
  Final,    // a mailbox folder, a forwarding target, an NDR, Badmail
  Removed,  // known but lost to its user: an antivirus scanner deleted the file
};

struct TrackedMessage {
  std::string message_id;  // "<001@fabrikam.com>"
  std::string label;       // "bob #1 (001-plain.eml)"
};

struct Sighting {
  std::size_t message = 0;  // index into the tracked messages
  PlaceKind kind = PlaceKind::Holding;
  std::string place;   // "Incoming Mail", "mailbox bob@contoso.local/Inbox" ...
  std::string target;  // for Final: the address it reached
  FlowNode node = FlowNode::Pop3Server;  // where the mail-flow picture shows it
};

struct ConservationRules {
  bool leave_on_server = false;  // a server copy may stay beside the delivered one
  std::string admin_mailbox;     // Failed Mail plus an NDR (with the message) to it is one fate
};

// One line per message that is lost, doubled or in two places at once; empty when all is well.
// A message in a Removed place is found, and still reported as lost ("lost: ... removed by
// the scanner"): a scenario may expect it as a documented loss, never pass it silently.
std::vector<std::string> check_conservation(const std::vector<TrackedMessage>& messages,
                                            const std::vector<Sighting>& sightings, const ConservationRules& rules);

// The messages counted per place, for the mail-flow picture.
Picture picture_of(const std::vector<Sighting>& sightings);

// Which tracked messages a file's text holds (by Message-ID).
std::vector<std::size_t> messages_in(const std::string& text, const std::vector<TrackedMessage>& messages);

}  // namespace maillab::runner
