#include "uid_journal.hpp"

#include "maillab/connector/message_file.hpp"

#include <algorithm>
#include <string_view>

namespace maillab::connector {

// A torn last line (a crash mid-append) is not trusted.
UidSet UidJournal::read(const std::string& path, bool* torn) {
  UidSet out;
  if (!fs_.exists(path)) return out;
  auto text = fs_.read(path);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    if (nl > pos) out.insert(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (torn) *torn = !text.empty() && text.back() != '\n';
  return out;
}

// A crash between renaming a batch into Incoming Mail and journaling it leaves files whose
// UIDLs only their names record. The delivery stage may hand such a file on before a
// download lists the folder (and a crash may come before that download DELEs the server
// copy), so the names are journaled, durably, before the delivery stage starts; without
// it the message would be fetched again and delivered twice.
void UidJournal::journal_held(HeldUids& held) {
  for (auto& name : fs_.list(folders_.incoming()))
    if (auto p = parse_message_file_name(name); p && p->uid) held[p->mailbox_key].insert(*p->uid);
  for (auto& [key, uids] : held) {
    auto path = folders_.journal(key);
    bool torn = false;
    auto journal = read(path, &torn);
    std::string missing;
    for (auto& u : uids)
      if (!journal.count(u)) missing += u + "\n";
    if (missing.empty()) continue;
    // After a torn append the new lines must not glue onto the fragment.
    fs_.append(path, (torn ? "\n" : "") + missing);
  }
}

UidSet UidJournal::reconcile(const std::string& key, const UidSet& on_server, const std::set<std::string>& held) {
  const auto path = folders_.journal(key);
  auto journal = read(path);
  prune(path, journal, on_server, held);
  auto known = std::move(journal);
  for (const auto& dir : {folders_.incoming(), folders_.failed()})
    for (auto& name : fs_.list(dir))
      if (auto p = parse_message_file_name(name); p && p->mailbox_key == key && p->uid) known.insert(*p->uid);
  return known;
}

// Not flushed: after a crash the older, longer journal only names UIDLs the server no
// longer has, which is harmless. What Incoming Mail still holds is kept, so
// journal_held() does not append the same lines again next cycle.
void UidJournal::prune(const std::string& path, const UidSet& journal, const UidSet& on_server,
                       const std::set<std::string>& held) {
  // An empty listing (`+OK 0 0`: a drop hidden for a while) proves nothing gone; forgetting
  // on its word would fetch again, next cycle, all the mail left on the server.
  if (on_server.empty()) return;
  std::vector<std::string_view> kept;
  for (auto& u : journal)
    if (on_server.count(u) || held.count(u)) kept.push_back(u);
  if (kept.size() == journal.size()) return;
  std::sort(kept.begin(), kept.end());  // the same file for the same UIDLs
  std::string text;
  for (auto u : kept) (text += u) += '\n';
  fs_.replace(path, text, false);
}

void UidJournal::append(const std::string& key, const std::vector<std::string>& uids) {
  std::string lines;
  for (auto& u : uids)
    if (!u.empty()) lines += u + "\n";
  if (!lines.empty()) fs_.append(folders_.journal(key), lines);
}

}  // namespace maillab::connector
