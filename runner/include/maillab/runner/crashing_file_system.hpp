#pragma once
// The connector's file-system seam under a CrashPlan: each call (and each write to a file
// being created) is one operation the plan may end the process before, or fail.
#include <string>

#include "maillab/connector/file_system.hpp"
#include "maillab/runner/crash_plan.hpp"

namespace maillab::runner {

class CrashingFileSystem final : public connector::FileSystem {
 public:
  CrashingFileSystem(connector::FileSystem& inner, CrashPlan& plan) : inner_(inner), plan_(plan) {}

  bool is_dir(const std::string& path) override;
  void make_dir(const std::string& path) override;
  std::vector<std::string> list(const std::string& dir) override;
  std::string read(const std::string& path) override;
  bool exists(const std::string& path) override;
  std::unique_ptr<connector::PendingFile> create(const std::string& final_path) override;
  void commit(std::vector<std::unique_ptr<connector::PendingFile>>& files) override;
  void abandon(std::unique_ptr<connector::PendingFile> file) override;
  void move(const std::string& from, const std::string& to) override;
  void remove(const std::string& path) override;
  void append(const std::string& path, std::string_view text) override;
  void replace(const std::string& path, std::string_view text, bool durable) override;

 private:
  void before(const std::string& op, const std::string& path);

  connector::FileSystem& inner_;
  CrashPlan& plan_;
};

}  // namespace maillab::runner
