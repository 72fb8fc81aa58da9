#pragma once
// The mail-flow picture of one moment of a run: how many of the scenario's messages are in
// each place, each place one node of the picture (the ISP's POP3 server, the connector's
// folders, PickUp, the Exchange side). The HTML report and the console draw it; a step's
// record keeps one taken when the step ended.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::runner {

enum class FlowNode {
  Pop3Server,    // still at the ISP
  IncomingMail,  // downloaded, not handed on
  PickUp,        // waiting for the SMTP service's pickup pass
  FailedMail,    // set aside by the connector
  Mailbox,       // an Exchange mailbox folder
  Forwarded,     // sent on to another address
  Ndr,           // a non-delivery report carries it
  Badmail,       // the SMTP side's Badmail (the pickup's or Exchange's)
  SetAside,      // moved out by hand (CDO step 4)
  Gone,          // taken by a competing client, deleted at the provider
  Removed,       // deleted by a virus scanner
};

const char* flow_node_name(FlowNode node);  // "pop3-server", "incoming-mail" ...
std::optional<FlowNode> flow_node_from_name(std::string_view name);

struct PlaceCount {
  FlowNode node = FlowNode::Pop3Server;
  std::string place;  // "mailbox bob@contoso.local/Inbox", "Incoming Mail" ...
  std::size_t count = 0;
};

// In the order of FlowNode, then by place name.
using Picture = std::vector<PlaceCount>;

}  // namespace maillab::runner
