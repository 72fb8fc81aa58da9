// fixtures/corrupt/ holds one message per corruption kind of the POP3 fault model, made
// by that very code from fixtures/messages/002-multipart.eml, so the stored catalogue
// and what `corrupt,kind=K` serves cannot drift apart. MAILLAB_REGENERATE_FIXTURES=1
// rewrites them after a deliberate change to the fault model.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "maillab/faults/corruption.hpp"
#include "test_files.hpp"

namespace {

const std::string kFixtures = MAILLAB_SOURCE_DIR "/fixtures";

using maillab::test::slurp;

// The valid message the corrupt one is made from.
std::string original(maillab::faults::Corruption kind) {
  std::string text = slurp(kFixtures + "/messages/002-multipart.eml");
  std::string name(maillab::faults::corruption_name(kind));
  // Its own Message-ID, so a scenario can hold it beside the valid original.
  auto at = text.find("Message-ID: <002@fabrikam.com>");
  text.replace(at, 30, "Message-ID: <corrupt-" + name + "@fabrikam.com>");
  auto subject = text.find("Subject: Figures attached");
  text.replace(subject, 25, "Subject: Figures attached (served " + name + ")");
  return text;
}

std::string corrupt_fixture(maillab::faults::Corruption kind) {
  auto text = original(kind);
  maillab::faults::apply_corruption(kind, text);
  return text;
}

class CorruptFixture : public ::testing::TestWithParam<maillab::faults::Corruption> {};

TEST_P(CorruptFixture, IsWhatTheFaultModelMakes) {
  auto kind = GetParam();
  auto path = kFixtures + "/corrupt/" + std::string(maillab::faults::corruption_name(kind)) + ".eml";
  auto want = corrupt_fixture(kind);
  if (std::getenv("MAILLAB_REGENERATE_FIXTURES")) {
    std::ofstream(path, std::ios::binary) << want;
  }
  ASSERT_EQ(slurp(path), want) << path << " differs from what the corrupt fault makes";
  EXPECT_NE(want, original(kind)) << "the corruption changed nothing";
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, CorruptFixture,
    ::testing::Values(maillab::faults::Corruption::Truncated, maillab::faults::Corruption::NulBytes,
                      maillab::faults::Corruption::BareLf, maillab::faults::Corruption::NoSeparator,
                      maillab::faults::Corruption::BrokenBoundary, maillab::faults::Corruption::EightBitHeader),
    [](const auto& info) {
      std::string n(maillab::faults::corruption_name(info.param));
      for (auto& c : n)
        if (c == '-') c = '_';
      return n;
    });

}  // namespace
