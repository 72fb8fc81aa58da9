// Scenario files from arbitrary bytes: the loader either accepts the file or refuses it
// with a ScenarioError naming file and line. Anything else escaping (a yaml-cpp
// conversion error, a standard exception) or a crash is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "maillab/runner/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    maillab::runner::parse_scenario(text, "X-fuzz.yaml", MAILLAB_SOURCE_DIR "/fixtures");
  } catch (const maillab::runner::ScenarioError& e) {
    if (std::string(e.what()).rfind("X-fuzz.yaml", 0) != 0) std::abort();  // every error names the file
  }
  return 0;
}
