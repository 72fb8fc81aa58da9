#include "maillab/runner/cross_device_file_system.hpp"

#include <cerrno>

namespace maillab::runner {
namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

void CrossDeviceFileSystem::move(const std::string& from, const std::string& to) {
  if ((dir_of(from) == folder_) != (dir_of(to) == folder_))
    throw connector::FsError("cannot move " + from + ": Invalid cross-device link", EXDEV);
  inner_.move(from, to);
}

}  // namespace maillab::runner
