#pragma once
// What the events add to the log: the language of the connector (its event texts), and,
// for a log below Maximum, the replies that only the events quote.
#include <string>
#include <vector>

#include "maillab/doctor/observations.hpp"
#include "maillab/reproduce/model.hpp"

namespace maillab::reproduce {

// Reads a failed connect's reason (refused, timed out, host unknown) into the model;
// false when it is none of those.
bool read_connect_failure(const std::string& why, Model& model);
void apply_events(const std::vector<doctor::EventRecord>& events, Model& model);

}  // namespace maillab::reproduce
