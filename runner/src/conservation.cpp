#include "maillab/runner/conservation.hpp"

#include <algorithm>
#include <map>

namespace maillab::runner {

std::vector<std::string> check_conservation(const std::vector<TrackedMessage>& messages,
                                            const std::vector<Sighting>& sightings, const ConservationRules& rules) {
  std::vector<std::vector<const Sighting*>> by_message(messages.size());
  for (const auto& s : sightings)
    if (s.message < messages.size()) by_message[s.message].push_back(&s);
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& seen = by_message[i];
    const auto& label = messages[i].label;
    if (seen.empty()) {
      problems.push_back("lost: " + label + " " + messages[i].message_id + " is in no known place");
      continue;
    }
    std::map<std::string, int> count;
    for (auto* s : seen) ++count[s->place];
    for (auto& [place, n] : count)
      if (n > 1) problems.push_back("doubled: " + label + " is " + std::to_string(n) + " times in " + place);

    std::vector<const Sighting*> upstream, finals;
    const Sighting* source = nullptr;
    for (auto* s : seen) {
      if (s->kind == PlaceKind::Removed) problems.push_back("lost: " + label + " was " + s->place);
      if (s->kind == PlaceKind::Final || s->kind == PlaceKind::Removed) finals.push_back(s);
      else if (s->kind == PlaceKind::Source) source = s;
      else upstream.push_back(s);
    }
    // A copy left on the server by design is not a second fate.
    if (source && !(rules.leave_on_server && (!finals.empty() || !upstream.empty()))) upstream.push_back(source);
    if (upstream.size() > 1) {
      problems.push_back("doubled: " + label + " is both in " + upstream[0]->place + " and in " + upstream[1]->place);
      continue;
    }
    if (!upstream.empty() && !finals.empty()) {
      bool ndr_only = upstream[0]->place == "Failed Mail" && !rules.admin_mailbox.empty() &&
                      std::all_of(finals.begin(), finals.end(),
                                  [&](auto* f) { return f->target == rules.admin_mailbox; });
      if (!ndr_only)
        problems.push_back("doubled: " + label + " was delivered (" + finals[0]->place + ") and is still in " +
                           upstream[0]->place);
    }
  }
  return problems;
}

std::vector<std::size_t> messages_in(const std::string& text, const std::vector<TrackedMessage>& messages) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < messages.size(); ++i)
    if (text.find(messages[i].message_id) != std::string::npos) out.push_back(i);
  return out;
}

}  // namespace maillab::runner
