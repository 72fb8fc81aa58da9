#pragma once
// The maildrops of the simulated ISP: one per account, backed by a directory of *.eml
// files (served in file-name order) or held in memory. A maildrop changes only through
// commit() (a session's UPDATE state), the in-process API and the Maildrop fault layer,
// and it remembers where every message that left it went. A directory's files are
// deleted only when it is served in place (Deletions::FromDirectory); by default the
// directory is someone's own (the repository's fixtures, say) and a deletion hides the
// file for the maildrop's life instead.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "maillab/pop3/wire_cache.hpp"

namespace maillab::pop3 {

class DropWatch;

struct StoredMessage {
  std::string name;        // file name, or the generated name
  std::string uid;         // UIDL: 1-70 characters 0x21-0x7E, unique in the maildrop
  std::uint64_t size = 0;  // octets with CRLF line ends, before byte-stuffing
  std::shared_ptr<const std::string> wire;  // in-memory maildrops: to_wire(text)
  std::string file;                         // directory maildrops: loaded on demand
  FileKey key;
  std::shared_ptr<WireCache> cache;         // directory maildrops: their maildrop's

  // The wire form, from memory, the maildrop's WireCache, or the file. Throws
  // std::runtime_error when the file is gone or changed since the snapshot.
  std::shared_ptr<const std::string> load() const;
  // The wire form if it is at hand without reading the file, else nullptr.
  std::shared_ptr<const std::string> cached() const;
  std::string text() const;
};

enum class DepartureReason {
  Retrieved,        // DELE, then QUIT
  CompetingClient,  // the Maildrop fault layer's other client
  Removed,          // the in-process API
};
// "retrieved", "competing-client", "removed": for printing.
std::string_view reason_name(DepartureReason reason);

struct Departure {
  std::string uid;
  std::string name;
  DepartureReason reason = DepartureReason::Retrieved;
  std::uint64_t session = 0;
};

// What a deletion does to a directory maildrop's file.
enum class Deletions {
  InMemory,       // nothing: the file is hidden from then on, until the maildrop goes
  FromDirectory,  // removes it (`maillab pop3d --in-place`)
};

class Maildrop {
 public:
  // `dir` empty: the maildrop lives in memory. A directory's messages are read through
  // `cache`, which maildrops may share (Mailboxes::wire_cache()); none given: one of
  // their own, of WireCache::kDefaultBudget octets.
  Maildrop(std::string user, std::string password, std::filesystem::path dir = {},
           std::shared_ptr<WireCache> cache = nullptr, Deletions deletions = Deletions::InMemory);
  ~Maildrop();

  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  const std::filesystem::path& directory() const { return dir_; }
  bool check_password(std::string_view password) const;

  bool try_lock(std::uint64_t session);
  void unlock(std::uint64_t session);
  bool locked() const;

  // The messages now (re-reads a directory; unchanged files come from a cache).
  // Throws std::runtime_error when the directory cannot be read.
  std::vector<StoredMessage> snapshot();
  // Removes the messages with these UIDs; returns false when one could not be removed.
  bool commit(const std::vector<std::string>& uids, std::uint64_t session, DepartureReason reason);
  // A competing client takes the first `count` messages (0: all); returns how many.
  std::size_t take(std::size_t count, std::uint64_t session);

  // The in-process API.
  void add(const std::string& name, std::string text);
  bool remove(const std::string& uid);
  std::vector<Departure> departures() const;

 private:
  std::vector<StoredMessage> scan_locked();
  // Brings known_ up to date: every file, or only the names the watch saw change.
  void read_all_locked();
  void recheck_locked(const std::set<std::string>& names);
  std::optional<StoredMessage> current_locked(const std::string& name, const std::optional<FileKey>& key);
  StoredMessage read_new_locked(const std::string& name, const FileKey& key);
  // The one place the two Deletions differ; false when the file could not be removed.
  bool delete_file_locked(const std::string& name, const FileKey& key);

  const std::string user_;
  const std::string password_;
  const std::filesystem::path dir_;
  const std::shared_ptr<WireCache> cache_;
  const Deletions deletions_;
  mutable std::mutex mutex_;
  std::optional<std::uint64_t> lock_owner_;
  std::vector<StoredMessage> memory_;  // in-memory maildrops
  std::map<std::string, StoredMessage> known_;  // directory maildrops, by file name; no content
  std::unique_ptr<DropWatch> watch_;            // directory maildrops: what changed since
  std::map<std::string, FileKey> hidden_;       // Deletions::InMemory: deleted, by file name
  std::vector<Departure> departures_;
};

// Every account of the server, by user name, and the wire cache their directories share.
class Mailboxes {
 public:
  void add(std::shared_ptr<Maildrop> maildrop);
  std::shared_ptr<Maildrop> find(std::string_view user) const;
  std::vector<std::shared_ptr<Maildrop>> all() const;
  const std::shared_ptr<WireCache>& wire_cache() const { return cache_; }

 private:
  const std::shared_ptr<WireCache> cache_ = std::make_shared<WireCache>(WireCache::kDefaultBudget);
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Maildrop>> maildrops_;
};

// A UID for a name: the name itself when it is a valid UIDL, a digest of it otherwise.
std::string uid_for_name(std::string_view name);

// A well-formed message of exactly `size` octets (CRLF), deterministic for its arguments;
// some body lines start with "." so byte-stuffing is exercised.
std::string synthetic_message(std::string_view user, std::size_t index, std::size_t size);

}  // namespace maillab::pop3
