#include <gtest/gtest.h>

#include "maillab/base/codec.hpp"
#include "maillab/base/endpoint.hpp"
#include "maillab/base/message_text.hpp"
#include "maillab/base/units.hpp"

#include <vector>

using namespace maillab;

TEST(Codec, Base64RoundTripAndRejects) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", std::string("\0bob\0secret", 11)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("Username:"), "VXNlcm5hbWU6");
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_FALSE(base64_decode("ab!="));
  EXPECT_FALSE(base64_decode("a=bc"));
}

TEST(Codec, Md5AsApopUsesIt) {
  // RFC 1939's APOP example.
  EXPECT_EQ(md5_hex("<1896.697170952@dbc.mtview.ca.us>tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb");
}

TEST(Endpoint, ParsesAndRefuses) {
  auto hp = parse_host_port("127.0.0.1:0");
  EXPECT_EQ(hp.host, "127.0.0.1");
  EXPECT_EQ(hp.port, 0);
  EXPECT_EQ(parse_host_port("[::1]:110").host, "::1");
  EXPECT_EQ(parse_host_port("[::1]:110").str(), "[::1]:110");
  EXPECT_THROW(parse_host_port("localhost"), std::invalid_argument);
  EXPECT_THROW(parse_host_port("h:70000"), std::invalid_argument);
  EXPECT_THROW(parse_host_port(":1"), std::invalid_argument);
}

TEST(MessageText, CrlfAndHeaders) {
  EXPECT_EQ(to_crlf("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
  std::string m = "Subject: one\r\n two\r\nFrom: x\r\n\r\nbody\r\n";
  EXPECT_EQ(header_value(m, "subject"), "one two");
  EXPECT_EQ(header_value(m, "To"), "");
  EXPECT_EQ(body_offset(m), m.find("body"));
  EXPECT_EQ(body_offset("no separator\r\n"), std::string::npos);
}

TEST(Units, Sizes) {
  EXPECT_EQ(parse_size("4K"), 4096u);
  EXPECT_EQ(parse_size("1M"), 1048576u);
  EXPECT_EQ(parse_size("12"), 12u);
  EXPECT_THROW(parse_size("K"), std::invalid_argument);
  EXPECT_THROW(parse_size("-1"), std::invalid_argument);
}
