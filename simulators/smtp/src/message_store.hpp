#pragma once
// Where the simulated Exchange store keeps delivered mail: files under a directory
// (StoreFiles) or, for a server started without one, memory (MemoryStore).
#include <optional>
#include <string>
#include <string_view>

namespace maillab::smtp {

class MessageStore {
 public:
  virtual ~MessageStore() = default;
  // Keeps `text` as dir/name; throws std::runtime_error naming the path. Thread-safe;
  // callers give distinct names.
  virtual void put(const std::string& dir, const std::string& name, std::string_view text) = 0;
  // What dir/name holds; nullopt when it is gone (or was never there).
  virtual std::optional<std::string> get(const std::string& dir, const std::string& name) const = 0;
};

}  // namespace maillab::smtp
