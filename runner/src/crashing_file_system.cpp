#include "maillab/runner/crashing_file_system.hpp"

namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

// The folder a path is in, by its last name ("Incoming Mail", "PickUp"): file names carry
// times and counters, so the folder is what stays the same from one run to the next.
std::string folder_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return ".";
  auto prev = path.rfind('/', slash - 1);
  return path.substr(prev == std::string::npos ? 0 : prev + 1, slash - (prev == std::string::npos ? 0 : prev + 1));
}

class CountedPending final : public cn::PendingFile {
 public:
  CountedPending(std::unique_ptr<cn::PendingFile> inner, CrashPlan& plan, std::string folder)
      : inner_(std::move(inner)), plan_(plan), folder_(std::move(folder)) {}
  void write(std::string_view bytes) override {
    plan_.before(Seam::FileSystem, "write " + folder_);
    inner_->write(bytes);
  }
  std::uint64_t size() const override { return inner_->size(); }
  std::unique_ptr<cn::PendingFile> inner_;

 private:
  CrashPlan& plan_;
  std::string folder_;
};

std::unique_ptr<cn::PendingFile> unwrap(std::unique_ptr<cn::PendingFile>& f) {
  return std::move(static_cast<CountedPending&>(*f).inner_);
}

}  // namespace

void CrashingFileSystem::before(const std::string& op, const std::string& path) {
  plan_.before(Seam::FileSystem, op + " " + folder_of(path));
}

bool CrashingFileSystem::is_dir(const std::string& path) {
  before("is_dir", path + "/");
  return inner_.is_dir(path);
}

void CrashingFileSystem::make_dir(const std::string& path) {
  before("make_dir", path + "/");
  inner_.make_dir(path);
}

std::vector<std::string> CrashingFileSystem::list(const std::string& dir) {
  before("list", dir + "/");
  return inner_.list(dir);
}

std::string CrashingFileSystem::read(const std::string& path) {
  before("read", path);
  return inner_.read(path);
}

bool CrashingFileSystem::exists(const std::string& path) {
  before("exists", path);
  return inner_.exists(path);
}

std::unique_ptr<cn::PendingFile> CrashingFileSystem::create(const std::string& final_path) {
  before("create", final_path);
  return std::make_unique<CountedPending>(inner_.create(final_path), plan_, folder_of(final_path));
}

void CrashingFileSystem::commit(std::vector<std::unique_ptr<cn::PendingFile>>& files) {
  std::vector<std::unique_ptr<cn::PendingFile>> inner;
  for (auto& f : files) inner.push_back(unwrap(f));
  files.clear();
  plan_.before(Seam::FileSystem, "commit");
  inner_.commit(inner);
}

void CrashingFileSystem::abandon(std::unique_ptr<cn::PendingFile> file) {
  auto inner = unwrap(file);
  plan_.before(Seam::FileSystem, "abandon");
  inner_.abandon(std::move(inner));
}

void CrashingFileSystem::move(const std::string& from, const std::string& to) {
  plan_.before(Seam::FileSystem, "move " + folder_of(from) + " -> " + folder_of(to));
  inner_.move(from, to);
}

void CrashingFileSystem::remove(const std::string& path) {
  before("remove", path);
  inner_.remove(path);
}

void CrashingFileSystem::append(const std::string& path, std::string_view text) {
  before("append", path);
  inner_.append(path, text);
}

void CrashingFileSystem::replace(const std::string& path, std::string_view text, bool durable) {
  before("replace", path);
  inner_.replace(path, text, durable);
}

}  // namespace maillab::runner
