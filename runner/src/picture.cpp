#include "maillab/runner/picture.hpp"

#include <map>
#include <utility>

#include "maillab/runner/conservation.hpp"

namespace maillab::runner {

const char* flow_node_name(FlowNode node) {
  switch (node) {
    case FlowNode::Pop3Server: return "pop3-server";
    case FlowNode::IncomingMail: return "incoming-mail";
    case FlowNode::PickUp: return "pickup";
    case FlowNode::FailedMail: return "failed-mail";
    case FlowNode::Mailbox: return "mailbox";
    case FlowNode::Forwarded: return "forwarded";
    case FlowNode::Ndr: return "ndr";
    case FlowNode::Badmail: return "badmail";
    case FlowNode::SetAside: return "set-aside";
    case FlowNode::Gone: return "gone";
    case FlowNode::Removed: return "removed";
  }
  return "unknown";
}

std::optional<FlowNode> flow_node_from_name(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(FlowNode::Removed); ++i)
    if (name == flow_node_name(static_cast<FlowNode>(i))) return static_cast<FlowNode>(i);
  return std::nullopt;
}

Picture picture_of(const std::vector<Sighting>& sightings) {
  std::map<std::pair<FlowNode, std::string>, std::size_t> counts;
  for (const auto& s : sightings) ++counts[{s.node, s.place}];
  Picture out;
  for (const auto& [key, n] : counts) out.push_back({key.first, key.second, n});
  return out;
}

}  // namespace maillab::runner
