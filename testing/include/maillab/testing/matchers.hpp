#pragma once
// GoogleMock matchers for what tests of mail software assert most: where a message went.
//
//   EXPECT_THAT(smtp, Delivered("bob@contoso.local", "Inbox", MessageId("<1@fabrikam.com>")));
//   EXPECT_THAT(smtp, Not(Delivered("bob@contoso.local", "Junk E-mail", _)));
//   EXPECT_THAT(smtp, Delivered("bob@contoso.local", "Inbox", HasSubstr("Subject: Hello")));
//   EXPECT_THAT(pop3, HasTranscriptLine("C: RETR 1"));
#include <gmock/gmock.h>

#include <string>

#include "maillab/testing/servers.hpp"

namespace maillab::testing {

// The Message-ID header's value (angle brackets included), or "" when there is none.
std::string message_id_of(const std::string& text);
// Where the SMTP server placed mail, one line per placement, for failure messages.
std::string describe_placements(const SmtpServer& smtp);

// A message text whose Message-ID is `id`.
MATCHER_P(MessageId, id, "has Message-ID " + ::testing::PrintToString(std::string(id))) {
  auto found = message_id_of(arg);
  *result_listener << "whose Message-ID is " << ::testing::PrintToString(found);
  return found == std::string(id);
}

// Some message delivered to `address`'s `folder` whose text matches `text`.
MATCHER_P3(Delivered, address, folder, text,
           std::string(negation ? "has no" : "has a") + " message in " + std::string(address) + "/" +
               std::string(folder) + " that " + ::testing::DescribeMatcher<std::string>(text)) {
  const ::testing::Matcher<const std::string&> wanted = text;
  for (const auto& p : arg.placements()) {
    if (p.where != smtp::Destination::Mailbox || p.target != std::string(address) || p.folder != std::string(folder))
      continue;
    if (wanted.Matches(arg.text(p))) return true;
  }
  *result_listener << "where mail went:\n" << describe_placements(arg);
  return false;
}

// Some kept session's transcript has this line ("C: PASS ****", "S: +OK ...").
MATCHER_P(HasTranscriptLine, line, "has a transcript line " + ::testing::PrintToString(std::string(line))) {
  for (const auto& t : arg.transcripts())
    if (("\n" + t).find("\n" + std::string(line) + "\n") != std::string::npos) return true;
  *result_listener << "in " << arg.transcripts().size() << " transcripts";
  return false;
}

}  // namespace maillab::testing
