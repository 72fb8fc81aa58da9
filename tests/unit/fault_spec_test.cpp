// Fault specs and fault files: what they build, and that bad ones name where and which field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/faults/fault_table.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/replies.hpp"

using namespace maillab;
using namespace maillab::faults;
using ::testing::HasSubstr;

namespace {

const PresetRegistry& presets() { return pop3::presets(); }

std::string describe(std::string_view spec) {
  std::string out;
  for (auto& f : parse_fault_spec(spec, presets())) out += (out.empty() ? "" : " | ") + f->describe();
  return out;
}

std::string error_of(std::string_view spec) {
  try {
    parse_fault_spec(spec, presets());
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(FaultSpec, Primitives) {
  EXPECT_EQ(describe("reply,on=PASS,nth=2,text=-ERR no, really"), "reply,on=PASS,nth=2,text=-ERR no, really");
  EXPECT_EQ(describe("delay,on=retr,ms=250"), "delay,on=RETR,ms=250");
  EXPECT_EQ(describe("bandwidth,bps=4K"), "bandwidth,bps=4096");
  EXPECT_EQ(describe("reset,on=RETR,when=after"), "reset,on=RETR,when=after");
  EXPECT_EQ(describe("disconnect,on=RETR,bytes=100"), "disconnect,on=RETR,bytes=100");
  EXPECT_EQ(describe("corrupt,kind=bare-lf,message=2"), "corrupt,message=2,kind=bare-lf");
  EXPECT_EQ(describe("competing-client,take=3"), "competing-client,take=3");
  EXPECT_EQ(describe("stall,on=connect,probability=0.5,seed=9"), "stall,on=connect,probability=0.500000,seed=9");
}

TEST(FaultSpec, PresetsExpandToPrimitives) {
  EXPECT_EQ(describe("bad-password"), "reject-login");
  EXPECT_EQ(describe("empty-drop"), "hide-drop");
  EXPECT_EQ(describe("competing-client"), "competing-client,take=all");
  EXPECT_EQ(describe("connect-refused"), "refuse");
  EXPECT_THAT(describe("banner-not-ok"), HasSubstr("reply,on=connect,close=yes,text=-ERR"));
  EXPECT_EQ(describe("drop-mid-retr"), "disconnect,on=RETR,bytes=1024");
  EXPECT_EQ(describe("drop-mid-retr:10,message=2"), "disconnect,on=RETR,message=2,bytes=10");
  EXPECT_EQ(describe("slow,ms=5"), "delay,ms=5 | bandwidth,bps=65536");
  EXPECT_EQ(describe("corrupt-eml:truncated,message=3"), "corrupt,message=3,kind=truncated");
  EXPECT_EQ(describe("bad-password,nth=1"), "reject-login,nth=1");
}

TEST(FaultSpec, BadSpecsNameTheField) {
  EXPECT_THAT(error_of("delay,ms=soon"), HasSubstr("--fault 'delay,ms=soon': field 'ms': must be a non-negative"));
  EXPECT_THAT(error_of("delay"), HasSubstr("field 'ms': is required"));
  EXPECT_THAT(error_of("delay,ms=1,colour=red"), HasSubstr("field 'colour': not a parameter of this fault"));
  EXPECT_THAT(error_of("teleport"), HasSubstr("--fault 'teleport': unknown fault 'teleport' in field 'fault' (kinds: bandwidth, "));
  EXPECT_THAT(error_of("teleport"), HasSubstr("; presets: bad-password, "));
  EXPECT_THAT(error_of("corrupt,kind=mangled"), HasSubstr("field 'kind': must be one of truncated, nul"));
  EXPECT_THAT(error_of("reset,when=later"), HasSubstr("field 'when'"));
  EXPECT_THAT(error_of("stall,probability=2"), HasSubstr("field 'probability'"));
  EXPECT_THAT(error_of("stall,nth=0"), HasSubstr("field 'nth'"));
  EXPECT_THAT(error_of("stall,junk"), HasSubstr("'junk' is not KEY=VALUE"));
  EXPECT_THAT(error_of("empty-drop:x"), HasSubstr("takes no ':x' argument"));
  EXPECT_THAT(error_of("reply,on=PASS"), HasSubstr("field 'text': is required"));
  EXPECT_THAT(error_of("bad-password,ms=3"), HasSubstr("field 'ms': not a parameter"));
  EXPECT_THAT(error_of("competing-client,take=none"), HasSubstr("field 'take'"));
  EXPECT_THAT(error_of("delay,ms=1,ms=2"), HasSubstr("field 'ms': given twice"));
}

TEST(FaultFile, MapsStringsAndPresets) {
  auto faults = parse_fault_yaml_text(
      "faults:\n"
      "  - bad-password\n"
      "  - fault: delay\n"
      "    on: RETR\n"
      "    ms: 20\n"
      "  - preset: corrupt-eml\n"
      "    arg: nul\n"
      "    message: 2\n",
      "f.yaml", presets());
  ASSERT_EQ(faults.size(), 3u);
  EXPECT_EQ(faults[1]->describe(), "delay,on=RETR,ms=20");
  EXPECT_EQ(faults[2]->describe(), "corrupt,message=2,kind=nul");
}

std::string file_error(const std::string& yaml) {
  try {
    parse_fault_yaml_text(yaml, "faults.yaml", presets());
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(FaultFile, ErrorsNameFileLineAndField) {
  EXPECT_EQ(file_error("faults:\n  - fault: delay\n    on: RETR\n    ms: soon\n"),
            "faults.yaml:4: field 'ms': must be a non-negative integer, not 'soon'");
  EXPECT_EQ(file_error("faults:\n  - fault: delay\n    ms: 1\n    speed: 3\n"),
            "faults.yaml:4: field 'speed': not a parameter of this fault");
  EXPECT_EQ(file_error("faults:\n  - on: RETR\n"), "faults.yaml:2: field 'faults[0].fault': every fault needs 'fault' or 'preset'");
  EXPECT_THAT(file_error("faults:\n  - nonsense\n"), HasSubstr("faults.yaml:2: fault 'nonsense'"));
  EXPECT_EQ(file_error("falts: []\n"), "faults.yaml:1: field 'falts': unknown (known: faults)");
  EXPECT_THAT(file_error("faults: [\n"), HasSubstr("faults.yaml:"));
  EXPECT_EQ(file_error("faults: 3\n"), "faults.yaml:1: field 'faults': must be a list");
}

TEST(FaultFile, MissingFileIsNamed) {
  EXPECT_THROW(
      {
        try {
          load_fault_file("/nonexistent/faults.yaml", presets());
        } catch (const SpecError& e) {
          EXPECT_STREQ(e.what(), "/nonexistent/faults.yaml: cannot be read");
          throw;
        }
      },
      SpecError);
}

}  // namespace
