#pragma once
// The one way maillab reads YAML files (connector configuration, world files, fault
// files, scenarios): a node that knows its file and its field path, typed conversions
// with one set of spellings, and errors of one form:
//
//   FILE:LINE: field 'steps[3].expect.events': why
//
// Spellings, the same in every file:
//   boolean   true/false, yes/no, on/off, any case ("1"/"0" are not booleans)
//   size      4096, 4K, 4KB, 1M, 10MB, 1G (binary multiples, any case)
//   duration  250ms, 30s, 15m, 15min, 1h; a bare number is seconds
//   HOST:PORT host:port or [v6]:port
//   address   local@domain, kept in lower case as a whole (the connector and the SMTP
//             side compare addresses case-blind; one rule, so keys written in any case match)
// A key written with no value (`password:`) counts as not written.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "maillab/base/endpoint.hpp"

namespace maillab::yaml {

// "FILE:LINE: field 'a.b': why" (or "FILE:LINE: why" for a syntax error).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One spelling of an enum value, for Field::choice.
template <class E>
struct Name {
  std::string_view name;
  E value;
};

class Field {
 public:
  // The document's root; `source` is the file name errors start with.
  Field(YAML::Node node, std::string source);

  const YAML::Node& node() const { return node_; }
  const std::string& source() const { return *source_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }  // 1-based; a missing field reports its parent's line

  // A missing field is not an error until it is read; `present` says whether it was written.
  bool present() const { return node_.IsDefined() && !node_.IsNull(); }
  bool is_map() const { return node_.IsMap(); }
  bool is_list() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }

  Field operator[](std::string_view key) const;  // path "a.key"
  Field item(std::size_t index) const;           // path "a[index]"
  std::vector<Field> items() const;              // a list's items; fails when not a list
  std::vector<Field> nonempty_items() const;     // ... and not empty
  // A map's entries: the key as text and its value (path "a.KEY").
  std::vector<std::pair<std::string, Field>> entries() const;
  // Fails on the first key not in `known`, naming the known ones; fails when not a map.
  void only(std::initializer_list<std::string_view> known) const;
  // The field itself, or a "missing" failure saying `why` it is needed.
  const Field& required(std::string_view why = "") const;

  [[noreturn]] void fail(const std::string& why) const;
  // A deep copy that no longer shares the document (to keep a part of it past the load).
  Field detached() const { return Field(YAML::Clone(node_), source_, path_, line_); }

  std::string str() const;      // one scalar value, as written
  std::string prose() const;    // a scalar without the trailing newline a folded block adds
  std::vector<std::string> strings() const;  // one scalar or a list of them
  bool boolean() const;
  std::int64_t integer(std::int64_t min = 0, std::int64_t max = std::numeric_limits<int>::max()) const;
  std::uint64_t bytes() const;  // a size: 4K, 10MB ...
  std::chrono::milliseconds duration() const;
  HostPort host_port() const;
  std::string address() const;  // lower case
  template <class E>
  E choice(std::initializer_list<Name<E>> names) const;
  // A conversion of the scalar's text that throws std::exception with the reason.
  template <class F>
  auto convert(F&& parse) const -> decltype(parse(std::string()));

 private:
  Field(YAML::Node node, std::shared_ptr<const std::string> source, std::string path, int parent_line);

  YAML::Node node_;
  std::shared_ptr<const std::string> source_;
  std::string path_;
  int line_ = 0;
};

// Parses a whole file's text; a syntax error becomes "FILE:LINE: why".
Field load(std::string_view text, const std::string& source);

// local@domain in lower case; nullopt when it is not an address.
std::optional<std::string> parse_address(std::string_view text);

// "a, b or c", for messages.
std::string one_of(const std::vector<std::string_view>& names);

// One spelling set for every reader (and for flags that take the same values).
std::optional<bool> parse_bool(std::string_view text);

// Runs `read`, turning this layer's errors (and yaml-cpp's, for shapes nobody expected)
// into the module's own error type `E`, message unchanged.
template <class E, class F>
auto reading(const std::string& source, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const Error& e) {
    throw E(e.what());
  } catch (const YAML::Exception& e) {
    throw E(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

// ---- templates ------------------------------------------------------------------------

template <class E>
E Field::choice(std::initializer_list<Name<E>> table) const {
  auto text = str();
  std::vector<std::string_view> known;
  for (const auto& n : table) {
    if (n.name == text) return n.value;
    known.push_back(n.name);
  }
  fail("must be " + one_of(known) + ", not '" + text + "'");
}

template <class F>
auto Field::convert(F&& parse) const -> decltype(parse(std::string())) {
  auto text = str();
  try {
    return parse(text);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

}  // namespace maillab::yaml
