#pragma once
// The robust profile's record of the server messages it already holds: one journal file
// of UIDLs per mailbox in the State folder, plus the UIDLs the names of the files in
// Incoming Mail and Failed Mail carry. A message whose UIDL is known is never fetched
// again, which is what keeps a crash or a refused message from doubling mail.
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "maillab/connector/file_system.hpp"
#include "maillab/connector/folders.hpp"

namespace maillab::connector {

// UIDLs by mailbox key.
using HeldUids = std::map<std::string, std::set<std::string>>;
// A set of UIDLs looked up once per message listed: hashed, since a drop may list thousands.
using UidSet = std::unordered_set<std::string>;

class UidJournal {
 public:
  UidJournal(FileSystem& fs, Folders folders) : fs_(fs), folders_(std::move(folders)) {}

  // Fills `held` with the UIDLs of the files in Incoming Mail, then journals them,
  // durably (when that fails, `held` is still complete). Run before the delivery stage
  // may move such a file on.
  void journal_held(HeldUids& held);
  // What the connector holds of this mailbox: its journal and the names of its files.
  // The journal forgets UIDLs the server no longer has and Incoming Mail no longer holds,
  // so it stays as small as the drop (but not on an empty listing).
  UidSet reconcile(const std::string& key, const UidSet& on_server, const std::set<std::string>& held);
  void append(const std::string& key, const std::vector<std::string>& uids);

 private:
  UidSet read(const std::string& path, bool* torn = nullptr);
  void prune(const std::string& path, const UidSet& journal, const UidSet& on_server,
             const std::set<std::string>& held);

  FileSystem& fs_;
  Folders folders_;
};

}  // namespace maillab::connector
