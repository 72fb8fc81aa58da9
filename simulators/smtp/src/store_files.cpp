#include "store_files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

#include "maillab/base/files.hpp"
#include "maillab/smtp/path_names.hpp"

namespace fs = std::filesystem;

namespace maillab::smtp {

namespace {

constexpr std::string_view kJournal = ".txn";
constexpr std::string_view kHandover = "handover ";

bool write_all(FileOps& ops, int fd, std::string_view text) {
  while (!text.empty()) {
    auto n = ops.write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// linkat(AT_EMPTY_PATH) names the file without a path walk; before Linux 6.10 it needs
// CAP_DAC_READ_SEARCH, so on EPERM/ENOENT the /proc path is used from then on.
std::atomic<bool> empty_path_works{true};

bool link_unnamed(FileOps& ops, int fd, int dirfd, const std::string& name) {
  if (empty_path_works.load(std::memory_order_relaxed)) {
    if (ops.link(fd, "", dirfd, name.c_str(), AT_EMPTY_PATH) == 0) return true;
    if (errno != EPERM && errno != ENOENT) return false;
  }
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (ops.link(AT_FDCWD, proc.c_str(), dirfd, name.c_str(), AT_SYMLINK_FOLLOW) != 0) return false;
  empty_path_works.store(false, std::memory_order_relaxed);
  return true;
}

[[noreturn]] void fail(const std::string& what, int error) {
  throw StoreError("cannot store " + what + ": " + std::strerror(error), error);
}

// The last line of defence against a name that leaves the store: `dir` lies under `root`
// with no ".." step, no NUL and no control character (a journal lists one name a line).
// A string scan: this runs on every delivery.
bool stays_inside(std::string_view root, std::string_view dir) {
  if (std::any_of(dir.begin(), dir.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) return false;
  if (!root.empty()) {
    if (!dir.starts_with(root) || (dir.size() > root.size() && dir[root.size()] != '/' && !root.ends_with('/')))
      return false;
    dir.remove_prefix(root.size());
  }
  return dir != ".." && !dir.starts_with("../") && !dir.ends_with("/..") && dir.find("/../") == std::string_view::npos;
}

bool is_temporary(const std::string& name) { return name.starts_with('.') && name.ends_with(".tmp"); }

}  // namespace

// What one put_all has done so far, to undo it.
struct StoreFiles::Delivery {
  std::vector<Staged> staged;
  Staged journal;
  std::string journal_name;
};

StoreFiles::StoreFiles(fs::path root, Naming naming, FileOps& ops)
    : root_(std::move(root)), queue_((root_ / ".queue").native()), ops_(ops), naming_(naming) {}

StoreFiles::~StoreFiles() {
  for (auto& [dir, fd] : dirs_) ::close(fd);
  for (int fd : retired_) ::close(fd);
}

int StoreFiles::directory(const std::string& dir) {
  std::lock_guard lock(mutex_);
  if (auto it = dirs_.find(dir); it != dirs_.end()) return it->second;
  if (ops_.make_dirs(dir) != 0) fail(dir, errno);
  int fd = ops_.open(AT_FDCWD, dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) fail(dir, errno);
  dirs_.emplace(dir, fd);
  return fd;
}

void StoreFiles::forget(const std::string& dir) {
  std::lock_guard lock(mutex_);
  if (auto it = dirs_.find(dir); it != dirs_.end()) {
    retired_.push_back(it->second);
    dirs_.erase(it);
  }
}

// Writes the copy where no reader sees it; false leaves errno set and nothing behind.
bool StoreFiles::stage_once(int dirfd, const StoredCopy& copy, Staged& out) {
  out = Staged{};
  out.dirfd = dirfd;
  if (naming_.load(std::memory_order_relaxed) == Naming::Unnamed) {
    int fd = ops_.open(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return false;
    if (fd >= 0) {
      out.fd = fd;
      if (write_all(ops_, fd, copy.text)) return true;
      discard(out);
      return false;
    }
    naming_.store(Naming::Renamed, std::memory_order_relaxed);
  }
  out.temp = "." + copy.name + ".tmp";
  int fd = ops_.open(dirfd, out.temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = write_all(ops_, fd, copy.text);
  ok = ops_.close(fd) == 0 && ok;
  if (!ok) discard(out);
  return ok;
}

StoreFiles::Staged StoreFiles::stage(const StoredCopy& copy) {
  // A folder removed behind the store's back (a scenario may do that) leaves a handle to a
  // dead directory, which fails with one errno or another: any failure opens it once more.
  Staged out;
  int error = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (stage_once(directory(copy.dir), copy, out)) return out;
    error = errno;
    forget(copy.dir);
  }
  fail(copy.dir + "/" + copy.name, error);
}

bool StoreFiles::name(Staged& s, const std::string& name) {
  // Like linkat, rename never goes over an existing file.
  bool ok = s.fd >= 0 ? link_unnamed(ops_, s.fd, s.dirfd, name)
                      : ops_.rename(s.dirfd, s.temp.c_str(), s.dirfd, name.c_str(), RENAME_NOREPLACE) == 0;
  if (!ok) return false;
  s.named = true;
  int saved = errno;
  discard(s);
  errno = saved;
  return true;
}

// Releases what a staged copy holds: the unnamed inode, or the temporary name when unnamed.
void StoreFiles::discard(Staged& s) {
  int saved = errno;
  if (s.fd >= 0) ops_.close(std::exchange(s.fd, -1));
  if (!s.temp.empty() && !s.named) ops_.unlink(s.dirfd, s.temp.c_str());
  s.temp.clear();
  errno = saved;
}

void StoreFiles::write_journal(Delivery& d, std::span<const StoredCopy> copies, const std::string& handover) {
  std::string text;
  if (!handover.empty()) text.append(kHandover).append(handover).append("\n");
  // Relative to the store (put_all checked every folder is in it): a restart from another
  // working directory reads the same names.
  for (const auto& c : copies)
    text.append(std::string_view(c.dir).substr(root_.native().size())).append("/").append(c.name).append("\n");
  d.journal_name = copies.front().name + std::string(kJournal);
  StoredCopy journal{queue_, d.journal_name, text};
  d.journal = stage(journal);
  if (!name(d.journal, d.journal_name)) fail(queue_ + "/" + d.journal_name, errno);
}

void StoreFiles::put_all(std::span<const StoredCopy> copies, const std::string& handover) {
  for (const auto& c : copies) {
    auto why = unsafe_name(c.name);
    if (why || !stays_inside(root_.native(), c.dir))
      throw StoreError("refused to store " + c.dir + "/" + c.name + ": " +
                           (why ? "the name " + *why : "the folder is outside " + root_.native()), 0);
  }
  Delivery d;
  d.staged.reserve(copies.size());
  try {
    for (const auto& c : copies) d.staged.push_back(stage(c));
    if (copies.size() > 1 || (!handover.empty() && !copies.empty())) write_journal(d, copies, handover);
    for (std::size_t i = 0; i < copies.size(); ++i)
      if (!name(d.staged[i], copies[i].name)) fail(copies[i].dir + "/" + copies[i].name, errno);
    if (!handover.empty() && ops_.unlink(AT_FDCWD, handover.c_str()) != 0) fail("(taking over) " + handover, errno);
  } catch (...) {
    undo(d, copies);
    throw;
  }
  if (!d.journal.named) return;
  if (ops_.unlink(directory(queue_), d.journal_name.c_str()) == 0) return;
  int error = errno;
  // With the pickup file gone the delivery is done: a journal that stays is settled by
  // recovery, which keeps the copies.
  if (!handover.empty()) {
    ops_.unlink(directory(queue_), d.journal_name.c_str());
    return;
  }
  undo(d, copies);
  fail(queue_ + "/" + d.journal_name, error);
}

// Best effort: what cannot be removed now stays listed in the journal, which recovery
// reads at the next start.
void StoreFiles::undo(Delivery& d, std::span<const StoredCopy> copies) {
  bool clean = true;
  for (std::size_t i = 0; i < d.staged.size(); ++i) {
    if (!d.staged[i].named)
      discard(d.staged[i]);
    else if (ops_.unlink(d.staged[i].dirfd, copies[i].name.c_str()) != 0 && errno != ENOENT)
      clean = false;
  }
  discard(d.journal);
  if (d.journal.named && clean) ops_.unlink(directory(queue_), d.journal_name.c_str());
}

std::optional<std::string> StoreFiles::get(const std::string& dir, const std::string& name) const {
  return read_file(fs::path(dir) / name);
}

namespace {

// A journal left by a crash: its copies are undone unless its pickup file is gone (then
// every copy was named before the file was removed, and the delivery stands).
void settle_journal(const std::string& root, const fs::path& journal) {
  auto text = read_file(journal);
  if (!text) return;
  std::istringstream lines(*text);
  std::vector<std::string> names;
  bool keep = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(kHandover))
      keep = !fs::exists(line.substr(kHandover.size()));
    else if (!line.empty())
      names.push_back(root + line);
  }
  std::error_code ec;
  if (!keep)
    for (const auto& n : names) fs::remove(n, ec);
  fs::remove(journal, ec);
}

}  // namespace

void StoreFiles::recover(const std::function<void(std::string_view name)>& seen) {
  std::error_code ec;
  for (fs::directory_iterator it(queue_, ec), end; !ec && it != end; it.increment(ec)) {
    auto n = it->path().filename().native();
    if (!n.starts_with('.') && n.ends_with(kJournal)) settle_journal(root_.native(), it->path());
  }
  ec.clear();
  for (fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->path() == queue_ && it->is_directory()) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    auto n = it->path().filename().native();
    std::error_code ignored;
    if (is_temporary(n))
      fs::remove(it->path(), ignored);
    else
      seen(n);
  }
  // The queue's own temporaries (a journal half written).
  ec.clear();
  for (fs::directory_iterator it(queue_, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ignored;
    if (is_temporary(it->path().filename().native())) fs::remove(it->path(), ignored);
  }
}

}  // namespace maillab::smtp
