#include "maillab/base/files.hpp"
#include "maillab/pop3/maildrop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <dirent.h>
#include <sys/stat.h>

#include "maillab/base/codec.hpp"
#include "maillab/base/message_text.hpp"
#include "maillab/pop3/wire.hpp"
#include "drop_watch.hpp"

namespace fs = std::filesystem;

namespace maillab::pop3 {
namespace {

StoredMessage make_message(std::string name, std::string_view text) {
  StoredMessage m;
  m.uid = uid_for_name(fs::path(name).stem().string());
  m.name = std::move(name);
  auto crlf = to_crlf(text);
  m.size = crlf.size();
  m.wire = std::make_shared<const std::string>(to_wire(crlf));
  return m;
}

FileKey key_of(const struct stat& st) {
  return FileKey{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                 static_cast<std::uint64_t>(st.st_size),
                 static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::optional<FileKey> file_key(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return key_of(st);
}

bool is_message_name(std::string_view name) { return name.size() > 4 && name.ends_with(".eml"); }

// A drop directory's *.eml names in order, and their keys. The logon re-scans the drop
// every time; through std::filesystem (a path parsed, compared and copied per file) that
// cost about 5 us a file, 10 ms for seed 004's pile of 2,000, so it reads the directory
// with readdir and stats each name relative to the open directory.
class DropListing {
 public:
  explicit DropListing(const fs::path& dir) : dir_(::opendir(dir.c_str())) {
    if (!dir_) throw std::runtime_error("cannot read maildrop " + dir.string() + ": " + std::strerror(errno));
    while (auto* e = ::readdir(dir_)) {
      std::string_view name = e->d_name;
      if (!is_message_name(name)) continue;
      names_.emplace_back(name);
      links_ = links_ || e->d_type == DT_LNK;
    }
    std::sort(names_.begin(), names_.end());
  }
  ~DropListing() { ::closedir(dir_); }
  DropListing(const DropListing&) = delete;
  DropListing& operator=(const DropListing&) = delete;

  const std::vector<std::string>& names() const { return names_; }
  bool has_links() const { return links_; }
  std::optional<FileKey> key(const std::string& name) const {
    struct stat st {};
    if (::fstatat(::dirfd(dir_), name.c_str(), &st, 0) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return key_of(st);
  }

 private:
  DIR* dir_;
  std::vector<std::string> names_;
  bool links_ = false;
};

std::string read_message(const fs::path& path) {
  auto text = read_file(path);
  if (!text) throw std::runtime_error("cannot read " + path.string());
  return std::move(*text);
}

}  // namespace

std::shared_ptr<const std::string> StoredMessage::load() const {
  if (wire) return wire;
  if (auto hit = cache->get(key)) return hit;
  auto text = read_message(file);
  if (file_key(file) != std::optional<FileKey>(key)) throw std::runtime_error(file + " changed");
  auto loaded = std::make_shared<const std::string>(to_wire(to_crlf(text)));
  cache->put(key, loaded);
  return loaded;
}

std::shared_ptr<const std::string> StoredMessage::cached() const {
  return wire ? wire : cache->get(key);
}

std::string StoredMessage::text() const { return from_wire(*load(), size); }

std::string_view reason_name(DepartureReason reason) {
  switch (reason) {
    case DepartureReason::Retrieved:
      return "retrieved";
    case DepartureReason::CompetingClient:
      return "competing-client";
    case DepartureReason::Removed:
      return "removed";
  }
  return "?";
}

std::string uid_for_name(std::string_view name) {
  bool valid = !name.empty() && name.size() <= 70 &&
               std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  return valid ? std::string(name) : md5_hex(name);
}

Maildrop::Maildrop(std::string user, std::string password, fs::path dir, std::shared_ptr<WireCache> cache,
                   Deletions deletions)
    : user_(std::move(user)),
      password_(std::move(password)),
      dir_(std::move(dir)),
      cache_(cache || dir_.empty() ? std::move(cache) : std::make_shared<WireCache>(WireCache::kDefaultBudget)),
      deletions_(deletions),
      watch_(std::make_unique<DropWatch>()) {}

Maildrop::~Maildrop() = default;

bool Maildrop::check_password(std::string_view password) const { return password == password_; }

bool Maildrop::try_lock(std::uint64_t session) {
  std::lock_guard lock(mutex_);
  if (lock_owner_) return false;
  lock_owner_ = session;
  return true;
}

void Maildrop::unlock(std::uint64_t session) {
  std::lock_guard lock(mutex_);
  if (lock_owner_ == session) lock_owner_.reset();
}

bool Maildrop::locked() const {
  std::lock_guard lock(mutex_);
  return lock_owner_.has_value();
}

std::vector<StoredMessage> Maildrop::scan_locked() {
  if (dir_.empty()) return memory_;
  try {
    if (auto changed = watch_->changes()) recheck_locked(*changed);
    else read_all_locked();
  } catch (...) {
    watch_->stop();  // the names it reported are not in known_: read everything next time
    throw;
  }
  std::vector<StoredMessage> out;
  out.reserve(known_.size());
  for (const auto& [name, m] : known_) out.push_back(m);
  return out;
}

void Maildrop::read_all_locked() {
  // Watched from before the listing, so what changes while it runs is re-checked next time;
  // a drop is watched once a read found it large (closing an inotify descriptor waits for
  // the kernel's grace period, milliseconds, so small drops never open one).
  if (known_.size() >= DropWatch::kWatchFrom) watch_->start(dir_);
  DropListing listing(dir_);
  if (listing.has_links()) watch_->stop();  // a link's target changes where no watch sees it
  std::map<std::string, StoredMessage> fresh;
  for (const auto& name : listing.names())
    if (auto m = current_locked(name, listing.key(name))) fresh.emplace_hint(fresh.end(), name, std::move(*m));
  known_ = std::move(fresh);
}

void Maildrop::recheck_locked(const std::set<std::string>& names) {
  for (const auto& name : names) {
    if (!is_message_name(name)) continue;
    if (auto m = current_locked(name, file_key(dir_ / name))) known_.insert_or_assign(name, std::move(*m));
    else known_.erase(name);
  }
}

// What `name` holds now, by its file's key (nullopt: gone, or not a regular file): nothing
// when it is gone or hidden, known_'s entry when the file is unchanged, else read anew.
// A copy, not a move: a read that throws half way leaves known_ as it was.
std::optional<StoredMessage> Maildrop::current_locked(const std::string& name, const std::optional<FileKey>& key) {
  if (!key) return std::nullopt;
  if (auto h = hidden_.find(name); h != hidden_.end() && h->second == *key) return std::nullopt;
  if (auto it = known_.find(name); it != known_.end() && it->second.key == *key) return it->second;
  return read_new_locked(name, *key);
}

// Read once to learn its CRLF size; the wire form goes to the cache, not here.
StoredMessage Maildrop::read_new_locked(const std::string& name, const FileKey& key) {
  auto path = (dir_ / name).native();
  StoredMessage m = make_message(name, read_message(path));
  cache_->put(key, std::move(m.wire));
  m.wire = nullptr;
  m.cache = cache_;
  m.file = std::move(path);
  m.key = key;
  return m;
}

std::vector<StoredMessage> Maildrop::snapshot() {
  std::lock_guard lock(mutex_);
  return scan_locked();
}

bool Maildrop::commit(const std::vector<std::string>& uids, std::uint64_t session, DepartureReason reason) {
  std::lock_guard lock(mutex_);
  bool all_removed = true;
  for (const auto& uid : uids) {
    if (dir_.empty()) {
      auto it = std::find_if(memory_.begin(), memory_.end(), [&](auto& m) { return m.uid == uid; });
      if (it == memory_.end()) continue;
      departures_.push_back({uid, it->name, reason, session});
      memory_.erase(it);
    } else {
      auto it = std::find_if(known_.begin(), known_.end(), [&](auto& c) { return c.second.uid == uid; });
      if (it == known_.end()) continue;
      if (!delete_file_locked(it->first, it->second.key)) {
        all_removed = false;
        continue;
      }
      departures_.push_back({uid, it->first, reason, session});
      known_.erase(it);
    }
  }
  return all_removed;
}

bool Maildrop::delete_file_locked(const std::string& name, const FileKey& key) {
  if (deletions_ == Deletions::InMemory) {
    hidden_[name] = key;  // a file written anew under the name is a new message
    return true;
  }
  std::error_code ec;
  fs::remove(dir_ / name, ec);
  return !ec;
}

std::size_t Maildrop::take(std::size_t count, std::uint64_t session) {
  std::vector<std::string> uids;
  {
    std::lock_guard lock(mutex_);
    auto messages = scan_locked();
    if (count == 0 || count > messages.size()) count = messages.size();
    for (std::size_t i = 0; i < count; ++i) uids.push_back(messages[i].uid);
  }
  commit(uids, session, DepartureReason::CompetingClient);
  return uids.size();
}

void Maildrop::add(const std::string& name, std::string text) {
  std::lock_guard lock(mutex_);
  if (dir_.empty()) {
    memory_.push_back(make_message(name, std::move(text)));
    return;
  }
  std::string file = fs::path(name).extension() == ".eml" ? name : name + ".eml";
  auto tmp = dir_ / ("." + file + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, dir_ / file);
}

bool Maildrop::remove(const std::string& uid) {
  std::vector<std::string> uids{uid};
  auto before = departures().size();
  commit(uids, 0, DepartureReason::Removed);
  return departures().size() > before;
}

std::vector<Departure> Maildrop::departures() const {
  std::lock_guard lock(mutex_);
  return departures_;
}

void Mailboxes::add(std::shared_ptr<Maildrop> maildrop) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(maildrops_.begin(), maildrops_.end(), [&](auto& m) { return m->user() == maildrop->user(); });
  if (it != maildrops_.end()) throw std::invalid_argument("mailbox '" + maildrop->user() + "' is given twice");
  maildrops_.push_back(std::move(maildrop));
}

std::shared_ptr<Maildrop> Mailboxes::find(std::string_view user) const {
  std::lock_guard lock(mutex_);
  for (auto& m : maildrops_)
    if (m->user() == user) return m;
  return nullptr;
}

std::vector<std::shared_ptr<Maildrop>> Mailboxes::all() const {
  std::lock_guard lock(mutex_);
  return maildrops_;
}

}  // namespace maillab::pop3
