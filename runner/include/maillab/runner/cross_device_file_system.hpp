#pragma once
// PickUp on another file system, without mounting one: a rename between `folder` and any
// other folder fails with EXDEV, as rename(2) does across devices. Everything else passes
// through. (The reproduction mounts a tmpfs; a test cannot count on mounting.)
#include <string>

#include "maillab/connector/file_system.hpp"

namespace maillab::runner {

class CrossDeviceFileSystem final : public connector::FileSystem {
 public:
  CrossDeviceFileSystem(connector::FileSystem& inner, std::string folder)
      : inner_(inner), folder_(std::move(folder)) {}

  bool is_dir(const std::string& path) override { return inner_.is_dir(path); }
  void make_dir(const std::string& path) override { inner_.make_dir(path); }
  std::vector<std::string> list(const std::string& dir) override { return inner_.list(dir); }
  std::string read(const std::string& path) override { return inner_.read(path); }
  bool exists(const std::string& path) override { return inner_.exists(path); }
  std::unique_ptr<connector::PendingFile> create(const std::string& final_path) override {
    return inner_.create(final_path);
  }
  void commit(std::vector<std::unique_ptr<connector::PendingFile>>& files) override { inner_.commit(files); }
  void abandon(std::unique_ptr<connector::PendingFile> file) override { inner_.abandon(std::move(file)); }
  void move(const std::string& from, const std::string& to) override;
  void remove(const std::string& path) override { inner_.remove(path); }
  void append(const std::string& path, std::string_view text) override { inner_.append(path, text); }
  void replace(const std::string& path, std::string_view text, bool durable) override {
    inner_.replace(path, text, durable);
  }

 private:
  connector::FileSystem& inner_;
  std::string folder_;
};

}  // namespace maillab::runner
