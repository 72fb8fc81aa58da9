// The connector's sans-I/O parts: reply parsing, hrResult table, event texts, message
// judgement (against every corruption the POP3 fault model makes), file names, config.
#include <gtest/gtest.h>

#include "maillab/connector/config.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/connector/hr_result.hpp"
#include "maillab/connector/message_file.hpp"
#include "maillab/connector/replies.hpp"
#include "maillab/faults/corruption.hpp"

namespace cn = maillab::connector;

TEST(ConnectorReplies, Pop3StatusWithResponseCode) {
  auto s = cn::parse_pop3_status("-ERR [IN-USE] mailbox locked");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->ok);
  EXPECT_EQ(s->code, "IN-USE");
  EXPECT_EQ(s->text, "mailbox locked");
  EXPECT_TRUE(cn::parse_pop3_status("+OK")->ok);
  EXPECT_FALSE(cn::parse_pop3_status("+OKAY"));
  EXPECT_FALSE(cn::parse_pop3_status("220 smtp"));
}

TEST(ConnectorReplies, SmtpMultiLineAndExtensions) {
  cn::SmtpReplyReader r;
  EXPECT_FALSE(r.feed("250-mail1.example.com Hello"));
  EXPECT_FALSE(r.feed("250-SIZE 5242880"));
  EXPECT_FALSE(r.feed("250-PIPELINING"));
  EXPECT_FALSE(r.feed("250-DSN"));
  EXPECT_FALSE(r.feed("250-8bitmime"));
  EXPECT_FALSE(r.feed("250-AUTH GSSAPI NTLM LOGIN"));
  auto reply = r.feed("250 OK");
  ASSERT_TRUE(reply);
  auto e = cn::SmtpExtensions::from_ehlo(*reply);
  EXPECT_TRUE(e.pipelining && e.dsn && e.eightbit && e.size);
  EXPECT_EQ(e.size_limit, 5242880u);
  EXPECT_EQ(e.auth, (std::vector<std::string>{"GSSAPI", "LOGIN", "NTLM"}));
  auto denied = cn::SmtpReplyReader().feed("554 5.1.0 Sender denied");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->enhanced, "5.1.0");
  EXPECT_EQ(denied->first_line(), "554 5.1.0 Sender denied");
  EXPECT_THROW(cn::SmtpReplyReader().feed("hello"), std::runtime_error);
  cn::SmtpReplyReader mixed;
  mixed.feed("250-a");
  EXPECT_THROW(mixed.feed("251 b"), std::runtime_error);
}

TEST(ConnectorReplies, HrResultTableOfScenariosMd) {
  EXPECT_EQ(cn::hr_hex(cn::hr_for_smtp(554)), "0x800ccc6f");
  EXPECT_EQ(cn::hr_for_smtp(502), 0x800CCC64u);
  EXPECT_EQ(cn::hr_for_smtp(421), 0x800CCC67u);
  EXPECT_EQ(cn::hr_for_smtp(552), 0x800CCC6Du);
  EXPECT_EQ(cn::hr_for_smtp(530, true), 0x800CCC7Cu);
  EXPECT_EQ(cn::hr_signed(cn::kHrFail), -2147467259);
}

TEST(ConnectorEvents, SeedTextsInEnglishAndGerman) {
  auto e = cn::render_event(cn::EventId::RetrieveFromQueueFailed, cn::Lang::En, {});
  EXPECT_EQ(e.id, 1046);
  EXPECT_EQ(e.source, "POP3 Connector");
  EXPECT_EQ(e.category, "Delivery");
  EXPECT_EQ(e.type, "Error");
  EXPECT_NE(e.description.find("The error code is -2147467259."), std::string::npos);
  auto de = cn::render_event(cn::EventId::RetrieveFromQueueFailed, cn::Lang::De, {});
  EXPECT_EQ(de.source, "POP3-Connector");
  EXPECT_EQ(de.category, "Übermittlung");
  EXPECT_EQ(de.type, "Fehler");
  EXPECT_EQ(de.description,
            "Beim Abrufen von Nachrichten von der Warteschlange für eingehende Nachrichten zum Übermitteln ist ein "
            "Fehler aufgetreten. Der Fehlercode ist -2147467259.");
  EXPECT_EQ(cn::render_event(cn::EventId::DeliveryCompletedWithErrors, cn::Lang::De, {}).description,
            "Die Übermittlung wurde mit mindestens einem Fehler fertig gestellt.");
  auto e86 = cn::render_event(cn::EventId::Pop3TransactionError, cn::Lang::De, {"mail-host.fabrikam.com", "bob"});
  EXPECT_EQ(e86.category, "Download");
  EXPECT_EQ(e86.description,
            "POP3: Während einer POP3-Transaktion auf mail-host.fabrikam.com für den Benutzer bob ist ein Fehler "
            "aufgetreten. Der Fehler ist 86.");
  EXPECT_EQ(cn::render_event(cn::EventId::Pop3TransactionError, cn::Lang::En, {"h", "u"}).description,
            "POP3: An error occurred during a POP3 transaction on h for user u. The error is 86.");
}

namespace {
const std::string kPlain = "From: a@b.example\r\nTo: Bob <bob@fabrikam.com>, carol@fabrikam.com\r\nCc: \"X, Y\" <x@y.example>\r\nSubject: hi\r\n\r\nbody\r\n";
const std::string kMultipart =
    "From: a@b.example\r\nTo: bob@fabrikam.com\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XyZ\"\r\n\r\n--XyZ\r\nContent-Type: text/plain\r\n\r\n"
    "one two three four five six seven eight nine ten\r\n--XyZ--\r\n";
}  // namespace

TEST(ConnectorMessages, SoundMessagesPass) {
  EXPECT_FALSE(cn::find_corruption(kPlain));
  EXPECT_FALSE(cn::find_corruption(kMultipart));
  EXPECT_FALSE(cn::find_corruption("From: a@b\r\n"));  // a header without a body is a message
}

// Every kind of damage the POP3 simulator can serve is noticed by the connector, except a
// plain text message cut in its body, which is still a well-formed message.
TEST(ConnectorMessages, EveryCorruptionKindIsNoticed) {
  using maillab::faults::Corruption;
  for (auto kind : {Corruption::NulBytes, Corruption::BareLf, Corruption::NoSeparator, Corruption::BrokenBoundary,
                    Corruption::EightBitHeader}) {
    for (const auto& base : {kPlain, kMultipart}) {
      std::string text = base;
      maillab::faults::apply_corruption(kind, text);
      EXPECT_TRUE(cn::find_corruption(text)) << maillab::faults::corruption_name(kind) << " on\n" << base;
    }
  }
  std::string cut = kMultipart;
  maillab::faults::apply_corruption(Corruption::Truncated, cut);
  EXPECT_TRUE(cn::find_corruption(cut));
}

TEST(ConnectorMessages, RecipientsAndEnvelope) {
  EXPECT_EQ(cn::header_recipients(kPlain),
            (std::vector<std::string>{"bob@fabrikam.com", "carol@fabrikam.com", "x@y.example"}));
  auto file = cn::envelope_header({"", {"bob@contoso.local", "admin@contoso.local"}}) + kPlain;
  auto parsed = cn::parse_envelope(file);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->envelope.sender, "");
  EXPECT_EQ(parsed->envelope.recipients, (std::vector<std::string>{"bob@contoso.local", "admin@contoso.local"}));
  EXPECT_EQ(file.substr(parsed->message_offset), kPlain);
  EXPECT_FALSE(cn::parse_envelope(kPlain));
}

TEST(ConnectorFolders, FileNamesCarryMailboxAndUidl) {
  auto key = cn::mailbox_key("bob@mail-host");
  auto name = cn::message_file_name(key, "msg 1/\xff", 3);
  auto parts = cn::parse_message_file_name(name);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->mailbox_key, key);
  EXPECT_EQ(*parts->uid, "msg 1/\xff");
  EXPECT_EQ(name.find('/'), std::string::npos);
  auto numbered = cn::parse_message_file_name(cn::message_file_name(key, "", 7));
  ASSERT_TRUE(numbered);
  EXPECT_FALSE(numbered->uid);
  EXPECT_EQ(numbered->number, 7);
  EXPECT_FALSE(cn::parse_message_file_name("notes.txt"));
  auto first = cn::message_file_name(key, "a", 1);
  auto second = cn::message_file_name(key, "a", 1);
  EXPECT_LT(first, second) << "names sort in arrival order";
}

TEST(ConnectorConfig, LoadsAndNamesFileLineAndField) {
  auto c = cn::parse_config_text(
      "profile: sbs2003\nroot: /tmp/r\nlogging: Maximum\nadmin_mailbox: admin@contoso.local\n"
      "delivery:\n  smtp: 127.0.0.1:25\nmailboxes:\n  - pop3: mail-host:110\n    user: bob\n    password: pw\n"
      "    deliver_to: bob@contoso.local\n  - pop3: mail-host:110\n    user: info\n    global: true\n"
      "    routing:\n      Info@Fabrikam.com: bob@contoso.local\n",
      "c.yaml");
  EXPECT_EQ(c.profile, cn::Profile::Sbs2003);
  EXPECT_EQ(c.logging, cn::LogLevel::Maximum);
  ASSERT_EQ(c.mailboxes.size(), 2u);
  EXPECT_EQ(c.mailboxes[1].routing.at("info@fabrikam.com"), "bob@contoso.local");
  auto error = [](const std::string& text) {
    try {
      cn::parse_config_text(text, "bad.yaml");
    } catch (const cn::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "root: /tmp/r\ndelivery:\n  smtp: 127.0.0.1:25\nmailboxes:\n";
  EXPECT_EQ(error(head + "  - pop3: mail-host\n    user: bob\n    deliver_to: b@c\n"),
            "bad.yaml:5: field 'mailboxes[0].pop3': 'mail-host' is not HOST:PORT (no ':')");
  EXPECT_EQ(error(head + "  - pop3: h:1\n    user: bob\n"),
            "bad.yaml:5: field 'mailboxes[0].deliver_to': a user mailbox needs the local address it delivers to");
  EXPECT_EQ(error("root: /r\nlogging: loud\n"),
            "bad.yaml:2: field 'logging': logging level must be None, Minimum, Medium or Maximum, not 'loud'");
  EXPECT_EQ(error(head + "  - pop3: h:1\n    user: bob\n    deliver_to: b@c\n    colour: red\n"),
            "bad.yaml:8: field 'mailboxes[0].colour': unknown (known: name, pop3, user, password, auth, global, "
            "deliver_to, routing, tls)");
  EXPECT_EQ(error("root: /r\ndelivery:\n  smtp: h:1\n  pickup: /p\nmailboxes: []\n"),
            "bad.yaml:3: field 'delivery': smtp and pickup are alternatives; name one");
  EXPECT_EQ(error(head + "  - pop3: h:1\n    user: bob\n    global: true\n    routing: {info: bob@c.d}\n"),
            "bad.yaml:8: field 'mailboxes[0].routing.info': the key must be a mail address (local@domain), not 'info'");
  EXPECT_EQ(error("root: /r\nleave_on_server: sometimes\n"),
            "bad.yaml:2: field 'leave_on_server': must be true or false (yes/no, on/off), not 'sometimes'");
}

// One spelling set for booleans in every file: `on` is true here as in a scenario (where
// it used to pass the check as true and then be applied as false).
TEST(ConnectorConfig, LeaveOnServerAcceptsEveryBooleanSpelling) {
  const std::string head = "root: /tmp/r\ndelivery:\n  smtp: 127.0.0.1:25\nmailboxes:\n"
                           "  - {pop3: 'h:1', user: bob, deliver_to: Bob@Contoso.Local}\nleave_on_server: ";
  for (const char* yes : {"on", "On", "yes", "true", "TRUE"})
    EXPECT_TRUE(cn::parse_config_text(head + yes + "\n", "c.yaml").leave_on_server) << yes;
  for (const char* no : {"off", "no", "false", "False"})
    EXPECT_FALSE(cn::parse_config_text(head + no + "\n", "c.yaml").leave_on_server) << no;
  EXPECT_EQ(cn::parse_config_text(head + "on\n", "c.yaml").mailboxes[0].deliver_to, "bob@contoso.local");
}

// Issue 12, defect 9: the overall deadlines, set or derived from the io timeout.
TEST(ConnectorConfig, SessionAndCycleDeadlines) {
  const std::string head = "root: /tmp/r\ndelivery:\n  smtp: 127.0.0.1:25\nmailboxes:\n"
                           "  - {pop3: 'h:1', user: bob, deliver_to: bob@contoso.local}\n";
  auto derived = cn::parse_config_text(head + "timeouts: {io: 5s}\n", "c.yaml");
  EXPECT_EQ(cn::session_deadline(derived), std::chrono::seconds(75)) << "a byte every 2 s is given up within 90 s";
  EXPECT_EQ(cn::cycle_deadline(derived), std::chrono::seconds(150));
  EXPECT_EQ(cn::session_deadline(cn::Config{}), std::chrono::minutes(15));
  auto set = cn::parse_config_text(head + "timeouts: {io: 5s, session: 40s, cycle: 2m}\n", "c.yaml");
  EXPECT_EQ(cn::session_deadline(set), std::chrono::seconds(40));
  EXPECT_EQ(cn::cycle_deadline(set), std::chrono::minutes(2));
  try {
    cn::parse_config_text(head + "timeouts:\n  session: 0s\n", "bad.yaml");
    FAIL() << "no error";
  } catch (const cn::ConfigError& e) {
    EXPECT_STREQ(e.what(), "bad.yaml:7: field 'timeouts.session': must be longer than 0 (e.g. 90s)");
  }
}
