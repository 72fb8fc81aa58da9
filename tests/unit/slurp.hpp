#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace maillab::test {

// A whole file's bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace maillab::test
