#pragma once
// Reading a whole file, the one way every module does it.
#include <filesystem>
#include <optional>
#include <string>

namespace maillab {

// The file's bytes, or nullopt when it cannot be opened (callers name their own error).
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace maillab
