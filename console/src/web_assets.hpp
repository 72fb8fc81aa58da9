#pragma once
// The web console's files (console/web), built into the program by cmake/embed_web.cmake.
#include <string_view>
#include <vector>

namespace maillab::console {

struct WebAsset {
  std::string_view path;  // "/console/console.js"
  std::string_view content_type;
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();

}  // namespace maillab::console
