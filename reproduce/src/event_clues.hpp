#pragma once
// What the events add to the log: the language of the connector (its event texts), and,
// for a log below Maximum, the replies that only the events quote.
#include <initializer_list>
#include <string>
#include <vector>

#include "maillab/doctor/observations.hpp"
#include "maillab/reproduce/model.hpp"

namespace maillab::reproduce {

// Reads a failed connect's reason (refused, timed out, host unknown) into the model;
// false when it is none of those.
bool read_connect_failure(const std::string& why, Model& model);
// Whether the model has a reply of `p` to one of `verbs`; `thread`: a POP3 reply of that
// mailbox's (-1: of any).
bool has_reply(const Model& m, Protocol p, std::initializer_list<const char*> verbs, int thread = -1);
void apply_events(const std::vector<doctor::EventRecord>& events, Model& model);

}  // namespace maillab::reproduce
