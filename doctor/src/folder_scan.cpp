// Reads the connector's folders and PickUp without changing them: names, sizes, whether a
// file opens, whether another process holds a lock on it (a scanner), and its bytes.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "maillab/connector/folders.hpp"
#include "maillab/base/files.hpp"
#include "maillab/connector/components.hpp"
#include "maillab/connector/service.hpp"
#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kReadLimit = 64ull << 20;  // larger files are judged by their size only

void read_file(const fs::path& path, FileObservation& f) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    f.readable = false;
    f.read_error = std::strerror(errno);
    return;
  }
  // A shared lock is refused while a scanner holds its exclusive one; taking it and
  // letting go changes nothing in the file.
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) f.locked = errno == EWOULDBLOCK;
  else ::flock(fd, LOCK_UN);
  if (!f.locked && f.size <= kReadLimit) {
    f.content.resize(f.size);
    auto got = ::read(fd, f.content.data(), f.content.size());
    f.content.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
    f.content_read = got >= 0;
  }
  ::close(fd);
}

FolderObservation scan(const fs::path& dir) {
  FolderObservation out;
  out.path = dir.string();
  std::error_code ec;
  out.exists = fs::is_directory(dir, ec);
  if (!out.exists) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    FileObservation f;
    f.name = entry.path().filename().string();
    f.size = entry.file_size(ec);
    read_file(entry.path(), f);
    out.files.push_back(std::move(f));
  }
  std::sort(out.files.begin(), out.files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

// Each component's file compared with the CD's (read only; nothing is registered).
std::optional<std::vector<std::string>> compare_components(const connector::Folders& folders) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folders.components(), ec)) return std::nullopt;
  std::vector<std::string> damaged;
  for (auto name : connector::kMimeComponents) {
    const auto path = folders.components() + "/" + std::string(name);
    auto image = maillab::read_file(path);
    if (!image) damaged.push_back(path + ": missing or unreadable");
    else if (*image != connector::component_image(name)) damaged.push_back(path + ": differs from the CD's file");
  }
  return damaged;
}

bool empty_or_missing(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec || size == 0;
}

}  // namespace

FoldersObservation scan_folders(const std::string& root, const std::string& pickup) {
  FoldersObservation out;
  if (!root.empty()) {
    connector::Folders folders{root};
    out.root = scan(root);
    out.root->files.clear();  // the root's own files (events.jsonl, the log) are read as artefacts
    out.incoming = scan(folders.incoming());
    out.failed = scan(folders.failed());
    out.damaged_components = compare_components(folders);
    if (out.root->exists) {
      connector::PosixFileSystem fs;
      out.service_started = connector::ServiceControl(fs, folders).state() == connector::ServiceState::Running;
    }
    out.never_ran = out.root->exists && !out.incoming->exists && !out.failed->exists &&
                    empty_or_missing(folders.events_file()) && empty_or_missing(folders.log_file());
  }
  if (!pickup.empty()) out.pickup = scan(pickup);
  return out;
}

std::vector<std::string> fix_missing_folders(const std::string& root) {
  connector::Folders folders{root};
  std::vector<std::string> made;
  for (const auto& dir : {folders.incoming(), folders.failed()}) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) continue;
    if (!fs::create_directories(dir, ec) || ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
    made.push_back(dir);
  }
  return made;
}

}  // namespace maillab::doctor
