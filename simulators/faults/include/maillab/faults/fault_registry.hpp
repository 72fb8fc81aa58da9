#pragma once
// The fault kinds by name. Each kind lives in one file of simulators/faults/src/kinds/ and
// registers there: its name, a one-line summary, its parameters with their types and
// defaults, an example spec, and a factory from parsed parameters to the Fault. The spec
// parser, the error messages, the listings and the table in docs/faults.md all read this
// registry; nothing else lists the kinds.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "maillab/faults/fault.hpp"
#include "maillab/faults/fault_params.hpp"

namespace maillab::faults {

enum class ParamType {
  Count,       // a non-negative integer; K and M suffixes (binary) allowed
  CountOrAll,  // a count from 1, or "all" (read as 0)
  Flag,        // yes or no (true/false, 1/0)
  Choice,      // one of `choices`
  Line,        // one line of text
};

struct ParamSpec {
  // Every member has an initialiser, so a kind may name only the ones it needs.
  std::string name{};
  ParamType type = ParamType::Line;
  std::string help{};                     // what the value means: "milliseconds"
  bool required = false;                  // absent (or an empty Line) is an error
  std::optional<std::string> fallback{};  // the value when absent; none: stays absent
  std::vector<std::string> choices{};     // Choice
  std::uint64_t min = 0;                // Count
  bool rest_of_spec = false;            // Line: takes the rest of a spec, commas included
};

// A kind's own parameters, parsed and checked against their ParamSpecs.
class KindArgs {
 public:
  using Value = std::variant<std::uint64_t, bool, std::string>;
  void set(std::string name, Value value);
  bool has(std::string_view name) const;
  std::uint64_t count(std::string_view name) const;  // Count; CountOrAll, 0 for "all"
  std::optional<std::uint64_t> maybe_count(std::string_view name) const;
  bool flag(std::string_view name) const;
  const std::string& text(std::string_view name) const;  // Line, Choice

 private:
  const Value& get(std::string_view name) const;
  std::vector<std::pair<std::string, Value>> values_;
};

struct KindSpec {
  std::string name{};
  std::string summary{};  // one line: what the fault does
  Layer layer = Layer::Reply;
  std::vector<ParamSpec> params{};
  std::string example{};  // a spec of this kind that describe() gives back unchanged
  std::function<std::unique_ptr<Fault>(Trigger, const KindArgs&)> make{};
};

class KindRegistry {
 public:
  // Throws std::logic_error for a second kind of the same name.
  void add(KindSpec kind);
  const KindSpec* find(std::string_view name) const;
  const std::vector<KindSpec>& all() const { return kinds_; }  // by name
  std::string names() const;                                   // "bandwidth, corrupt, ..."
  // Whether some kind declares `key` as taking the rest of a spec.
  bool takes_rest(std::string_view key) const;
  // Reads `kind`'s own parameters from `params`, each checked against its type (errors
  // name the field), defaults filled in; other keys are left unread.
  static KindArgs take_args(const KindSpec& kind, FaultParams& params);

 private:
  std::vector<KindSpec> kinds_;
};

// Every kind of src/kinds/, registered once, on first use.
const KindRegistry& fault_kinds();

// For `--list`-style output: one line per kind, then one indented line per parameter.
std::string kinds_listing(const KindRegistry& kinds);
// The kinds table of docs/faults.md (a test keeps the two equal).
std::string kinds_markdown_table(const KindRegistry& kinds);

}  // namespace maillab::faults
