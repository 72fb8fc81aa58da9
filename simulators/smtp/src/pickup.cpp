#include "maillab/smtp/pickup.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "file_ops.hpp"
#include "maillab/base/files.hpp"
#include "maillab/base/message_text.hpp"
#include "message_store.hpp"

namespace fs = std::filesystem;

namespace maillab::smtp {

namespace {

std::vector<std::string> addresses(std::string_view list) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < list.size()) {
    auto comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    auto item = list.substr(pos, comma - pos);
    auto lt = item.find('<'), gt = item.find('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) item = item.substr(lt + 1, gt - lt - 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.find('@') != std::string_view::npos) out.emplace_back(item);
    pos = comma + 1;
  }
  return out;
}

}  // namespace

std::pair<Envelope, std::string> parse_pickup_file(std::string_view raw) {
  std::string text = to_crlf(raw);
  Envelope env;
  std::size_t pos = 0;
  bool have_sender = false;
  for (;;) {
    auto eol = text.find("\r\n", pos);
    if (eol == std::string::npos) break;
    std::string_view line(text.data() + pos, eol - pos);
    auto lower_line = lower(line.substr(0, 12));
    if (lower_line.starts_with("x-sender:")) {
      auto a = addresses(line.substr(9));
      env.from = a.empty() ? "" : a.front();
      have_sender = true;
    } else if (lower_line.starts_with("x-receiver:")) {
      for (auto& a : addresses(line.substr(11))) env.recipients.push_back(a);
    } else {
      break;
    }
    pos = eol + 2;
  }
  std::string message = text.substr(pos);
  if (!have_sender) {
    auto from = addresses(header_value(message, "From"));
    env.from = from.empty() ? "" : from.front();
  }
  if (env.recipients.empty()) {
    for (auto& a : addresses(header_value(message, "To"))) env.recipients.push_back(a);
    for (auto& a : addresses(header_value(message, "Cc"))) env.recipients.push_back(a);
  }
  return {std::move(env), std::move(message)};
}

Pickup::Pickup(fs::path dir, World& world, FileOps* ops)
    : dir_(std::move(dir)), badmail_(dir_.parent_path() / "Badmail"), world_(world), ops_(ops ? *ops : system_file_ops()) {
  fs::create_directories(dir_);
}

Pickup::~Pickup() {
  for (auto& [name, fd] : locks_) ::close(fd);
}

void Pickup::scan(Antivirus mode) {
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".eml") continue;
    std::string name = it->path().filename();
    if (mode == Antivirus::Rename) {
      fs::rename(it->path(), fs::path(it->path()).replace_extension(".eml.vir"), ec);
    } else if (mode == Antivirus::Delete) {
      // A scanner reads what it deletes; the Message-ID is kept for the conservation check.
      auto id = header_value(read_file(it->path()).value_or(""), "Message-ID");
      if (fs::remove(it->path(), ec)) deleted_.push_back({name, id});
    } else if (mode == Antivirus::Lock && !locks_.count(name)) {
      int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        locks_[name] = fd;
      } else if (fd >= 0) {
        ::close(fd);
      }
    }
  }
}

std::size_t Pickup::poll() {
  std::lock_guard lock(mutex_);
  // The scanner runs whether or not the SMTP service does.
  auto mode = world_.antivirus();
  if (mode != Antivirus::None) scan(mode);
  if (mode != Antivirus::Lock) {
    for (auto& [name, fd] : locks_) ::close(fd);  // the scan is over: locks released
    locks_.clear();
  }
  if (!world_.service_running()) return 0;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".eml" && it->is_regular_file()) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::size_t taken = 0;
  for (const auto& path : files) taken += take(path) == Outcome::Delivered;
  return taken;
}

Pickup::Outcome Pickup::take(const fs::path& path) {
  int fd = ops_.open(AT_FDCWD, path.c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return Outcome::Left;  // gone meanwhile, or unreadable now: the next pass
  // "Access denied": someone holds the file; it stays for the next pass.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ops_.close(fd);
    return Outcome::Left;
  }
  std::string text;
  char buf[65536];
  ssize_t n;
  while ((n = ops_.read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  auto outcome = n < 0 ? Outcome::Left : submit(path, text);
  ops_.close(fd);
  return outcome;
}

Pickup::Outcome Pickup::submit(const fs::path& path, const std::string& text) {
  try {
    auto [env, message] = parse_pickup_file(text);
    if (env.recipients.empty()) {
      set_aside(path, "no recipient: no x-receiver: line, no To or Cc address");
      return Outcome::SetAside;
    }
    // The file is handed over: removed in the same commit that stores the copies.
    world_.deliver(env, message, fs::absolute(path).native());
    return Outcome::Delivered;
  } catch (const StoreError& e) {
    if (e.transient()) {
      std::fprintf(stderr, "maillab smtpd: pickup: %s stays in PickUp for the next pass: %s\n", path.c_str(), e.what());
      return Outcome::Left;
    }
    set_aside(path, e.what());
  } catch (const std::exception& e) {
    set_aside(path, e.what());
  }
  return Outcome::SetAside;
}

void Pickup::set_aside(const fs::path& path, const std::string& why) {
  std::string problem = "cannot make " + badmail_.native();
  if (ops_.make_dirs(badmail_.native()) == 0) {
    problem.clear();
    for (int n = 1;; ++n) {
      auto stem = badmail_ / (path.stem().native() + (n > 1 ? "-" + std::to_string(n) : ""));
      auto bad = stem.native() + ".bad";
      if (ops_.rename(AT_FDCWD, path.c_str(), AT_FDCWD, bad.c_str(), RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST && n < 1000) continue;
        problem = "cannot move it to " + bad + ": " + std::strerror(errno);
        break;
      }
      std::string reason = "Unable to deliver " + path.filename().native() + ": " + why + "\r\n";
      int fd = ops_.open(AT_FDCWD, (stem.native() + ".bdr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) {
        ops_.write(fd, reason.data(), reason.size());
        ops_.close(fd);
      }
      std::fprintf(stderr, "maillab smtpd: pickup: %s set aside as %s: %s\n", path.c_str(), bad.c_str(), why.c_str());
      return;
    }
  }
  std::fprintf(stderr, "maillab smtpd: pickup: %s cannot be delivered (%s) and stays in PickUp: %s\n", path.c_str(),
               why.c_str(), problem.c_str());
}

std::vector<ScannerRemoval> Pickup::deleted_by_antivirus() const {
  std::lock_guard lock(mutex_);
  return deleted_;
}

}  // namespace maillab::smtp
