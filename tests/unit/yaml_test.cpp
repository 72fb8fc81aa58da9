// The one YAML reading layer (base/yaml.hpp): each conversion's spellings, and every
// error in the one form FILE:LINE: field 'a.b[3].c': why.
#include <gtest/gtest.h>

#include "maillab/base/yaml.hpp"

namespace maillab::yaml {
namespace {

// The error a read of `doc`'s field raises, or "(accepted)".
template <class F>
std::string error_of(const std::string& doc, F read) {
  try {
    read(load(doc, "f.yaml"));
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Yaml, BooleansHaveOneSetOfSpellings) {
  for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "on", "ON"})
    EXPECT_TRUE(load(std::string("v: ") + t, "f.yaml")["v"].boolean()) << t;
  for (const char* f : {"false", "False", "no", "NO", "off", "Off"})
    EXPECT_FALSE(load(std::string("v: ") + f, "f.yaml")["v"].boolean()) << f;
  for (const char* bad : {"1", "0", "y", "n", "enabled"})
    EXPECT_EQ(error_of(std::string("a:\n  v: ") + bad, [](const Field& f) { f["a"]["v"].boolean(); }),
              std::string("f.yaml:2: field 'a.v': must be true or false (yes/no, on/off), not '") + bad + "'");
}

TEST(Yaml, IntegersWithRanges) {
  EXPECT_EQ(load("n: 42", "f.yaml")["n"].integer(), 42);
  EXPECT_EQ(load("n: -3", "f.yaml")["n"].integer(-5, 5), -3);
  EXPECT_EQ(error_of("n: 4x", [](const Field& f) { f["n"].integer(); }),
            "f.yaml:1: field 'n': must be a non-negative integer, not '4x'");
  EXPECT_EQ(error_of("n: 0", [](const Field& f) { f["n"].integer(1); }),
            "f.yaml:1: field 'n': must be an integer of at least 1, not '0'");
  EXPECT_EQ(error_of("n: 11", [](const Field& f) { f["n"].integer(1, 10); }),
            "f.yaml:1: field 'n': must be an integer from 1 to 10, not '11'");
  EXPECT_EQ(error_of("n: 99999999999", [](const Field& f) { f["n"].integer(); }),
            "f.yaml:1: field 'n': must be a non-negative integer, not '99999999999'");
}

TEST(Yaml, Sizes) {
  EXPECT_EQ(load("s: 4096", "f.yaml")["s"].bytes(), 4096u);
  EXPECT_EQ(load("s: 4K", "f.yaml")["s"].bytes(), 4096u);
  EXPECT_EQ(load("s: 4kb", "f.yaml")["s"].bytes(), 4096u);
  EXPECT_EQ(load("s: 1M", "f.yaml")["s"].bytes(), 1048576u);
  EXPECT_EQ(load("s: 10MB", "f.yaml")["s"].bytes(), 10485760u);
  EXPECT_EQ(load("s: 1G", "f.yaml")["s"].bytes(), 1073741824u);
  EXPECT_EQ(error_of("s: lots", [](const Field& f) { f["s"].bytes(); }),
            "f.yaml:1: field 's': must be a size like 4096, 4K or 10MB, not 'lots'");
  EXPECT_EQ(error_of("s: 99999999999999G", [](const Field& f) { f["s"].bytes(); }),
            "f.yaml:1: field 's': size '99999999999999G' is too large");
}

TEST(Yaml, Durations) {
  using namespace std::chrono;
  EXPECT_EQ(load("d: 250ms", "f.yaml")["d"].duration(), milliseconds(250));
  EXPECT_EQ(load("d: 30s", "f.yaml")["d"].duration(), seconds(30));
  EXPECT_EQ(load("d: 30", "f.yaml")["d"].duration(), seconds(30));
  EXPECT_EQ(load("d: 15m", "f.yaml")["d"].duration(), minutes(15));
  EXPECT_EQ(load("d: 1h", "f.yaml")["d"].duration(), hours(1));
  EXPECT_EQ(error_of("d: 5y", [](const Field& f) { f["d"].duration(); }),
            "f.yaml:1: field 'd': unknown duration unit 'y' (ms, s, m, h)");
  EXPECT_EQ(error_of("d: soon", [](const Field& f) { f["d"].duration(); }),
            "f.yaml:1: field 'd': must be a duration like 15m, 30s or 250ms, not 'soon'");
}

TEST(Yaml, HostPort) {
  auto hp = load("at: '[::1]:110'", "f.yaml")["at"].host_port();
  EXPECT_EQ(hp.host, "::1");
  EXPECT_EQ(hp.port, 110);
  EXPECT_EQ(error_of("at: mail:pop", [](const Field& f) { f["at"].host_port(); }),
            "f.yaml:1: field 'at': 'mail:pop' is not HOST:PORT (port must be a number from 0 to 65535)");
}

TEST(Yaml, AddressesAreKeptInLowerCase) {
  EXPECT_EQ(load("a: Bob@Contoso.LOCAL", "f.yaml")["a"].address(), "bob@contoso.local");
  EXPECT_EQ(parse_address("Info@Fabrikam.com"), "info@fabrikam.com");
  EXPECT_EQ(parse_address("bob"), std::nullopt);
  EXPECT_EQ(error_of("a: bob@", [](const Field& f) { f["a"].address(); }),
            "f.yaml:1: field 'a': must be a mail address (local@domain), not 'bob@'");
}

enum class Colour { Red, Green };

TEST(Yaml, EnumsFromANameTable) {
  auto colour = [](const Field& f) { return f.choice<Colour>({{"red", Colour::Red}, {"green", Colour::Green}}); };
  EXPECT_EQ(colour(load("c: green", "f.yaml")["c"]), Colour::Green);
  EXPECT_EQ(error_of("c: blue", [&](const Field& f) { colour(f["c"]); }),
            "f.yaml:1: field 'c': must be red or green, not 'blue'");
}

TEST(Yaml, UnknownAndMissingFieldsNameTheirPathAndLine) {
  const std::string doc = "top:\n  list:\n    - {a: 1}\n    - a: 2\n      colour: red\n";
  EXPECT_EQ(error_of(doc, [](const Field& f) {
              for (const auto& item : f["top"]["list"].items()) item.only({"a"});
            }),
            "f.yaml:5: field 'top.list[1].colour': unknown (known: a)");
  EXPECT_EQ(error_of(doc, [](const Field& f) { f["top"]["list"].item(1)["b"].required("why it is needed"); }),
            "f.yaml:4: field 'top.list[1].b': missing (why it is needed)");
  EXPECT_EQ(error_of(doc, [](const Field& f) { f["top"]["list"].str(); }),
            "f.yaml:3: field 'top.list': must be a single value");
  EXPECT_EQ(error_of(doc, [](const Field& f) { f["top"].items(); }), "f.yaml:2: field 'top': must be a list");
  EXPECT_EQ(error_of("v: []", [](const Field& f) { f["v"].nonempty_items(); }),
            "f.yaml:1: field 'v': must be a list of at least one item");
  EXPECT_FALSE(load(doc, "f.yaml")["top"]["nothing"].present());
}

TEST(Yaml, SyntaxErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("a: [1,\nb: 2\n", [](const Field&) {}), "f.yaml:3: end of sequence flow not found");
}

TEST(Yaml, ReadingTurnsErrorsIntoTheCallersType) {
  struct Mine : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  try {
    reading<Mine>("f.yaml", [] { return load("n: x", "f.yaml")["n"].integer(); });
    FAIL() << "accepted";
  } catch (const Mine& e) {
    EXPECT_STREQ(e.what(), "f.yaml:1: field 'n': must be a non-negative integer, not 'x'");
  }
}

}  // namespace
}  // namespace maillab::yaml
