#pragma once
// The model's mailboxes, one per download thread of the log ("[t N]"): found by thread,
// matched to the user an event names, and settled once the log and the events are read
// (the threads between, the users nobody named, the messages only the cycle's count shows).
#include <string>

#include "maillab/reproduce/model.hpp"

namespace maillab::reproduce {

// The mailbox of `thread`, added (in thread order) when the model has none yet.
Mailbox& mailbox(Model& m, int thread);

// Whether the mailbox's logon or connect failed: it downloads nothing.
bool refused(const Model& m, int thread);

// The mailbox an event about user `user` means: the one of that name, else the first the
// log leaves unnamed (one whose logon was refused first when the event says so, one that
// got through first when not), else the only one; named `user` when it had no name.
// nullptr: none fits.
Mailbox* mailbox_for_user(Model& m, const std::string& user, bool logon_refused);

void settle_mailboxes(Model& m);

}  // namespace maillab::reproduce
