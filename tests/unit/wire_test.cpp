#include <gtest/gtest.h>

#include "maillab/pop3/wire.hpp"

using namespace maillab::pop3;

TEST(Wire, StuffsLinesStartingWithADot) {
  EXPECT_EQ(to_wire(".a\r\nb\r\n..c\r\n.\r\n"), "..a\r\nb\r\n...c\r\n..\r\n.\r\n");
  EXPECT_EQ(to_wire(""), ".\r\n");
  EXPECT_EQ(to_wire("no final newline"), "no final newline\r\n.\r\n");
  EXPECT_EQ(to_wire("x\n.y\n"), "x\n..y\n\r\n.\r\n") << "bare LF lines still get stuffed and terminated";
}

TEST(Wire, FromWireInvertsToWire) {
  for (std::string text : {std::string(".a\r\nb\r\n..c\r\n.\r\n"), std::string(""), std::string("no final newline"),
                           std::string("x\n.y\n"), std::string(".")}) {
    EXPECT_EQ(from_wire(to_wire(text), text.size()), text) << text;
  }
}

TEST(Wire, TopCountsBodyLines) {
  std::string m = "H: 1\r\n\r\nl1\r\n.l2\r\nl3\r\n";
  EXPECT_EQ(top_of(m, 2), "H: 1\r\n\r\nl1\r\n..l2\r\n.\r\n");
  EXPECT_EQ(top_of("H: 1\r\nno body", 5), "H: 1\r\nno body\r\n.\r\n");
}
