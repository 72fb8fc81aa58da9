#include "mailboxes.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace maillab::reproduce {
namespace {

std::string free_name(const Model& m, int thread) {
  const bool bob_taken = std::ranges::any_of(m.mailboxes, [](const Mailbox& b) { return b.user == "bob"; });
  return bob_taken ? fmt::format("mailbox{}", thread) : "bob";
}

// The first mailbox without a name, one refused (or not, as `was_refused`) first.
Mailbox* first_unnamed(Model& m, bool was_refused) {
  Mailbox* any = nullptr;
  for (auto& b : m.mailboxes) {
    if (!b.user.empty()) continue;
    if (refused(m, b.thread) == was_refused) return &b;
    if (!any) any = &b;
  }
  return any;
}

// The cycle's "D downloaded" counts every mailbox's: what the ones with a count of their
// own do not account for came from the first that has none and was not refused.
void settle_counts(Model& m) {
  if (!m.downloaded) return;
  int known = 0;
  for (const auto& b : m.mailboxes) known += b.message_count.value_or(0);
  for (auto& b : m.mailboxes) {
    if (b.message_count || (m.several() && refused(m, b.thread))) continue;
    b.message_count = m.several() ? std::max(0, *m.downloaded - known) : *m.downloaded;
    return;
  }
}

}  // namespace

Mailbox& mailbox(Model& m, int thread) {
  auto at = std::ranges::lower_bound(m.mailboxes, thread, {}, &Mailbox::thread);
  if (at != m.mailboxes.end() && at->thread == thread) return *at;
  Mailbox b;
  b.thread = thread;
  return *m.mailboxes.insert(at, b);
}

bool refused(const Model& m, int thread) {
  if (m.connect_failure != ConnectFailure::None && m.connect_failure_thread == thread) return true;
  return std::ranges::any_of(m.replies, [&](const ObservedReply& r) {
    return r.protocol == Protocol::Pop3 && r.thread == thread && r.text.starts_with("-ERR") &&
           (r.verb == "connect" || r.verb == "USER" || r.verb == "PASS" || r.verb == "APOP" || r.verb == "AUTH");
  });
}

Mailbox* mailbox_for_user(Model& m, const std::string& user, bool logon_refused) {
  if (m.mailboxes.empty()) mailbox(m, 0);
  auto named = std::ranges::find(m.mailboxes, user, &Mailbox::user);
  if (named != m.mailboxes.end()) return &*named;
  Mailbox* b = first_unnamed(m, logon_refused);
  if (!b && !m.several()) b = &m.mailboxes.front();
  if (b && b->user.empty()) b->user = user;
  return b;
}

void settle_mailboxes(Model& m) {
  const int last = m.mailboxes.empty() ? 0 : m.mailboxes.back().thread;
  for (int t = 0; t <= last; ++t) mailbox(m, t);
  for (auto& b : m.mailboxes)
    if (b.user.empty()) b.user = free_name(m, b.thread);
  settle_counts(m);
}

}  // namespace maillab::reproduce
