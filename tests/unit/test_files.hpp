#pragma once
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "maillab/base/files.hpp"

namespace maillab::test {

// A whole file's bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) { return read_file(path).value_or(""); }

// The names in a folder, sorted (none when it does not exist).
inline std::vector<std::string> file_names(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace maillab::test
