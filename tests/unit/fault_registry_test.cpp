// The fault registry: every kind it holds parses, describes itself back, is refused
// clearly when its parameters are wrong, and shows up in the listings and the docs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "maillab/base/files.hpp"
#include "maillab/faults/fault_registry.hpp"
#include "maillab/faults/fault_spec.hpp"

using namespace maillab;
using namespace maillab::faults;
using ::testing::HasSubstr;

namespace {

const PresetRegistry kNoPresets;

std::string error_of(std::string_view spec, const PresetRegistry& presets = kNoPresets) {
  try {
    parse_fault_spec(spec, presets);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(accepted)";
}

// A value every parameter of this type accepts.
std::string valid_value(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::Count: return std::to_string(std::max<std::uint64_t>(p.min, 1));
    case ParamType::CountOrAll: return "all";
    case ParamType::Flag: return "yes";
    case ParamType::Choice: return p.choices.at(0);
    case ParamType::Line: return "x";
  }
  return "x";
}

// `kind` with its required parameters, `key` set to `value` (nullopt: left out) and
// `extra` added; a parameter that takes the rest of the spec goes last.
std::string spec_of(const KindSpec& kind, const std::string& key = "", std::optional<std::string> value = std::nullopt,
                    const std::string& extra = "") {
  std::string head = kind.name, tail;
  for (const auto& p : kind.params) {
    std::optional<std::string> v = p.name == key ? value : (p.required ? std::optional(valid_value(p)) : std::nullopt);
    if (v) (p.rest_of_spec ? tail : head) += "," + p.name + "=" + *v;
  }
  return head + extra + tail;
}

TEST(FaultRegistry, HoldsTheKindsOfEveryFileInKinds) {
  auto dir = std::filesystem::path(MAILLAB_SOURCE_DIR) / "simulators/faults/src/kinds";
  std::size_t files = 0;
  for (auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".cpp") continue;
    ++files;
    auto name = entry.path().stem().string();
    std::replace(name.begin(), name.end(), '_', '-');
    EXPECT_NE(fault_kinds().find(name), nullptr) << entry.path() << " registers no kind of its name";
  }
  EXPECT_GE(fault_kinds().all().size(), files);
  EXPECT_GE(files, 11u);
}

TEST(FaultRegistry, EveryExampleParsesAndDescribesBackToItself) {
  for (const auto& kind : fault_kinds().all()) {
    SCOPED_TRACE(kind.name);
    ASSERT_TRUE(kind.example == kind.name || kind.example.starts_with(kind.name + ","));
    auto faults = parse_fault_spec(kind.example, kNoPresets);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0]->describe(), kind.example);
    EXPECT_EQ(faults[0]->kind(), kind.name);
    EXPECT_EQ(faults[0]->layer(), kind.layer);
    EXPECT_FALSE(kind.summary.empty());
    EXPECT_EQ(kind.summary.find('\n'), std::string::npos) << "one line";
  }
}

TEST(FaultRegistry, EveryKindParsesWithItsDefaultsAndRoundTrips) {
  for (const auto& kind : fault_kinds().all()) {
    auto spec = spec_of(kind);
    SCOPED_TRACE(spec);
    auto once = parse_fault_spec(spec, kNoPresets);
    ASSERT_EQ(once.size(), 1u);
    auto again = parse_fault_spec(once[0]->describe(), kNoPresets);
    EXPECT_EQ(again.at(0)->describe(), once[0]->describe());
  }
}

TEST(FaultRegistry, UnknownKindNamesTheFieldAndListsEveryKind) {
  auto error = error_of("teleport,on=RETR");
  EXPECT_THAT(error, HasSubstr("--fault 'teleport,on=RETR': unknown fault 'teleport' in field 'fault' (kinds: "));
  for (const auto& kind : fault_kinds().all()) EXPECT_THAT(error, HasSubstr(kind.name));
  PresetRegistry presets;
  presets.add({"slow", "a slow server", "ms", {"delay,ms=200"}});
  EXPECT_THAT(error_of("teleport", presets), HasSubstr("; presets: slow)"));
}

TEST(FaultRegistry, MissingRequiredAndUnknownParametersNameTheField) {
  for (const auto& kind : fault_kinds().all()) {
    SCOPED_TRACE(kind.name);
    EXPECT_THAT(error_of(spec_of(kind, "", std::nullopt, ",colour=red")), HasSubstr("field 'colour': not a parameter"));
    for (const auto& p : kind.params) {
      if (!p.required) continue;
      EXPECT_THAT(error_of(spec_of(kind, p.name)), HasSubstr("field '" + p.name + "': is required"));
    }
  }
}

TEST(FaultRegistry, ValuesAreCheckedAgainstTheirTypes) {
  for (const auto& kind : fault_kinds().all()) {
    for (const auto& p : kind.params) {
      auto spec = spec_of(kind, p.name, "sometimes");
      SCOPED_TRACE(spec);
      auto error = error_of(spec);
      auto field = "field '" + p.name + "': ";
      switch (p.type) {
        case ParamType::Count: EXPECT_THAT(error, HasSubstr(field + "must be a non-negative integer")); break;
        case ParamType::CountOrAll: EXPECT_THAT(error, HasSubstr(field + "must be a count from 1 or 'all'")); break;
        case ParamType::Flag: EXPECT_THAT(error, HasSubstr(field + "must be yes or no")); break;
        case ParamType::Choice: EXPECT_THAT(error, HasSubstr(field + "must be one of ")); break;
        case ParamType::Line: EXPECT_EQ(error, "(accepted)"); break;
      }
    }
  }
}

TEST(FaultRegistry, ARestOfSpecParameterKeepsItsCommas) {
  ASSERT_TRUE(fault_kinds().takes_rest("text"));
  EXPECT_FALSE(fault_kinds().takes_rest("ms"));
  EXPECT_EQ(parse_fault_spec("reply,on=RETR,text=-ERR a, b=c, d", kNoPresets).at(0)->describe(),
            "reply,on=RETR,text=-ERR a, b=c, d");
}

TEST(FaultRegistry, RefusesASecondKindOfTheSameName) {
  KindRegistry kinds;
  kinds.add({.name = "x", .summary = "one"});
  EXPECT_THROW(kinds.add({.name = "x", .summary = "two"}), std::logic_error);
  kinds.add({.name = "a", .summary = "first by name"});
  EXPECT_EQ(kinds.names(), "a, x");
}

TEST(FaultRegistry, ListingShowsEveryKindAndParameter) {
  auto listing = kinds_listing(fault_kinds());
  for (const auto& kind : fault_kinds().all()) {
    EXPECT_THAT(listing, HasSubstr(kind.name + "\t")) << kind.name;
    EXPECT_THAT(listing, HasSubstr(kind.summary));
    for (const auto& p : kind.params) EXPECT_THAT(listing, HasSubstr("  " + p.name + "=")) << p.name;
  }
  EXPECT_THAT(listing, HasSubstr("  ms=N\tmilliseconds (required)\n"));
  EXPECT_THAT(listing, HasSubstr("  when=before|after\t(default before)\n"));
}

// docs/faults.md carries the table the registry renders, between two markers; a kind
// added without its docs entry (or a docs entry for no kind) fails here.
TEST(FaultRegistry, DocsTableIsTheRegistrys) {
  auto docs = read_file(std::string(MAILLAB_SOURCE_DIR) + "/docs/faults.md");
  ASSERT_TRUE(docs);
  const std::string begin = "<!-- fault kinds: begin (rendered by kinds_markdown_table) -->\n";
  const std::string end = "<!-- fault kinds: end -->";
  auto from = docs->find(begin);
  auto to = docs->find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  from += begin.size();
  auto table = kinds_markdown_table(fault_kinds());
  EXPECT_TRUE(docs->substr(from, to - from) == table) << "docs/faults.md should carry, between its markers:\n" << table;
}

}  // namespace
