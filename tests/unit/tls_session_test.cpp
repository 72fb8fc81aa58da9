// STLS (RFC 2595) and STARTTLS (RFC 3207) in the sans-I/O sessions: what is offered when,
// what is refused before TLS, the state reset after it, and the injection rule: bytes
// pipelined after the command, before the handshake, are dropped, at every split.
#include <gtest/gtest.h>

#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/replies.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/replies.hpp"
#include "maillab/smtp/session.hpp"
#include "session_harness.hpp"
#include "temp_dir.hpp"

using namespace maillab;

namespace {

std::string crlf(std::string_view line) { return std::string(line) + "\r\n"; }

// ---- POP3 -------------------------------------------------------------------------

struct Pop3Tls : test::Pop3Harness {
  explicit Pop3Tls(net::TlsMode mode) { config.tls = mode; }
  std::string capa() { return send("CAPA\r\n"); }
};

TEST(Pop3Stls, OfferedInCapaUntilTlsIsOn) {
  Pop3Tls h(net::TlsMode::Offered);
  h.start();
  EXPECT_NE(h.capa().find("\r\nSTLS\r\n"), std::string::npos);
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kStlsOk) + "[starttls]");
  h.session->secured();
  auto capa = h.capa();
  EXPECT_EQ(capa.find("STLS"), std::string::npos);
  EXPECT_NE(capa.find("USER\r\n"), std::string::npos);
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kTlsActive));
  EXPECT_EQ(h.send("USER bob\r\n"), "+OK\r\n");
  EXPECT_EQ(h.send("PASS secret\r\n"), crlf(pop3::reply::kLogonOk));
}

TEST(Pop3Stls, UnknownWithoutTlsAndNotInCapa) {
  Pop3Tls h(net::TlsMode::Off);
  h.start();
  EXPECT_EQ(h.capa().find("STLS"), std::string::npos);
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kUnknownCommand));
}

TEST(Pop3Stls, ImplicitTlsNeverOffersIt) {
  Pop3Tls h(net::TlsMode::Implicit);
  h.start();
  EXPECT_EQ(h.capa().find("STLS"), std::string::npos);
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kTlsActive));
  EXPECT_EQ(h.send("USER bob\r\n"), "+OK\r\n");
}

TEST(Pop3Stls, OnlyInAuthorizationState) {
  Pop3Tls h(net::TlsMode::Offered);
  h.login();
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kWrongState));
}

TEST(Pop3Stls, RequiredRefusesLogonBeforeTls) {
  Pop3Tls h(net::TlsMode::Required);
  h.start();
  auto capa = h.capa();
  EXPECT_NE(capa.find("STLS\r\n"), std::string::npos);
  EXPECT_EQ(capa.find("USER\r\n"), std::string::npos);
  EXPECT_EQ(capa.find("SASL"), std::string::npos);
  for (const char* command : {"USER bob\r\n", "PASS secret\r\n", "AUTH PLAIN\r\n", "APOP bob 0123456789abcdef0123456789abcdef\r\n"})
    EXPECT_EQ(h.send(command), crlf(pop3::reply::kTlsRequired)) << command;
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kStlsOk) + "[starttls]");
  h.session->secured();
  EXPECT_NE(h.capa().find("USER\r\n"), std::string::npos);
  EXPECT_EQ(h.send("USER bob\r\nPASS secret\r\n"), "+OK\r\n" + crlf(pop3::reply::kLogonOk));
}

// The attack: "STLS\r\nUSER bob\r\n" in one packet, the USER injected by a man in the
// middle. Whatever the split, the TLS session starts with no user given.
TEST(Pop3Stls, BytesPipelinedAfterStlsAreDroppedAtEverySplit) {
  const std::string wire = "STLS\r\nUSER bob\r\nPASS secret\r\nSTAT\r\n";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    Pop3Tls h(net::TlsMode::Offered);
    h.start();
    std::string got = h.send(wire.substr(0, cut));
    got += h.send(wire.substr(cut));
    ASSERT_EQ(got, crlf(pop3::reply::kStlsOk) + "[starttls]") << "cut at " << cut;
    h.session->secured();
    EXPECT_EQ(h.send("PASS secret\r\n"), crlf(pop3::reply::kPassWithoutUser)) << "cut at " << cut;
    EXPECT_EQ(h.session->state(), pop3::State::Authorization);
  }
}

TEST(Pop3Stls, PartialLineBeforeStlsIsNotJoinedToTheTlsSession) {
  Pop3Tls h(net::TlsMode::Offered);
  h.start();
  EXPECT_EQ(h.send("STLS\r\nUSE"), crlf(pop3::reply::kStlsOk) + "[starttls]");
  h.session->secured();
  EXPECT_EQ(h.send("R bob\r\n"), crlf(pop3::reply::kUnknownCommand));
}

TEST(Pop3Stls, TheNotOfferedFaultWithdrawsIt) {
  Pop3Tls h(net::TlsMode::Offered);
  h.fault("stls-not-offered");
  h.start();
  EXPECT_EQ(h.capa().find("STLS"), std::string::npos);
  EXPECT_EQ(h.send("STLS\r\n"), crlf(pop3::reply::kUnknownCommand));
}

// Handshake faults are not asked (and their nth/times not counted) when a session only
// decides what to offer.
TEST(TlsFaults, OfferAndHandshakeStagesAreAskedApart) {
  faults::FaultTable table;
  table.add(faults::parse_fault_spec("certificate-expired,nth=1", pop3::presets()));
  table.add(faults::parse_fault_spec("stls-not-offered,times=1", pop3::presets()));
  auto offer = table.on_tls({"CAPA", 0, {}}, faults::TlsStage::Offer);
  EXPECT_TRUE(offer.not_offered);
  EXPECT_EQ(offer.certificate, faults::TlsPlan::Certificate::Good);
  EXPECT_FALSE(table.on_tls({"STLS", 0, {}}, faults::TlsStage::Offer).not_offered);  // times=1 spent
  auto handshake = table.on_tls({"handshake", 0, {}}, faults::TlsStage::Handshake);
  EXPECT_EQ(handshake.certificate, faults::TlsPlan::Certificate::Expired);
  EXPECT_FALSE(handshake.not_offered);
  EXPECT_EQ(table.on_tls({"handshake", 0, {}}, faults::TlsStage::Handshake).certificate,
            faults::TlsPlan::Certificate::Good);  // nth=1: the first handshake only
}

// ---- SMTP -------------------------------------------------------------------------

struct SmtpTls {
  test::TempDir store;
  faults::FaultTable faults;
  smtp::SessionConfig config;
  std::unique_ptr<smtp::World> world;
  std::unique_ptr<smtp::Session> session;

  explicit SmtpTls(net::TlsMode mode) {
    config.tls = mode;
    world = std::make_unique<smtp::World>(smtp::default_world(), store.path(), faults);
    session = std::make_unique<smtp::Session>(config, *world, faults, 1, net::Peer{"127.0.0.1", 1025});
    test::render(session->start());
  }
  std::string send(const std::string& bytes) { return test::render(session->feed(bytes)); }
  void fault(const std::string& spec) { faults.add(faults::parse_fault_spec(spec, smtp::presets())); }
};

bool lists_starttls(const std::string& ehlo) { return ehlo.find("250-STARTTLS\r\n") != std::string::npos; }

TEST(SmtpStartTls, EhloAdvertisesItOnlyBeforeTls) {
  for (auto profile : {"exchange", "plain"}) {
    SmtpTls h(net::TlsMode::Offered);
    h.world = nullptr;
    auto w = smtp::default_world();
    w.profile = *smtp::profile_from_name(profile);
    h.world = std::make_unique<smtp::World>(w, h.store.path(), h.faults);
    h.session = std::make_unique<smtp::Session>(h.config, *h.world, h.faults, 1, net::Peer{"127.0.0.1", 1025});
    test::render(h.session->start());
    EXPECT_TRUE(lists_starttls(h.send("EHLO client.example\r\n"))) << profile;
    EXPECT_EQ(h.send("STARTTLS\r\n"), crlf(smtp::reply::kReadyToStartTls) + "[starttls]");
    h.session->secured();
    EXPECT_FALSE(lists_starttls(h.send("EHLO client.example\r\n"))) << profile;
    EXPECT_EQ(h.send("STARTTLS\r\n"), crlf(smtp::reply::kTlsAlreadyActive));
  }
}

TEST(SmtpStartTls, NotImplementedWithoutTls) {
  SmtpTls h(net::TlsMode::Off);
  EXPECT_FALSE(lists_starttls(h.send("EHLO client.example\r\n")));
  EXPECT_EQ(h.send("STARTTLS\r\n"), crlf(smtp::reply::kNotImplemented));
}

TEST(SmtpStartTls, ParametersAreRefused) {
  SmtpTls h(net::TlsMode::Offered);
  h.send("EHLO client.example\r\n");
  EXPECT_EQ(h.send("STARTTLS now\r\n"), crlf(smtp::reply::kStartTlsSyntax));
}

TEST(SmtpStartTls, TheSessionIsResetAndNeedsANewEhlo) {
  SmtpTls h(net::TlsMode::Offered);
  h.send("EHLO client.example\r\n");
  EXPECT_EQ(h.send("MAIL FROM:<a@example.com>\r\n"), crlf(smtp::reply::kSenderOk));
  EXPECT_EQ(h.send("STARTTLS\r\n"), crlf(smtp::reply::kReadyToStartTls) + "[starttls]");
  h.session->secured();
  EXPECT_EQ(h.send("MAIL FROM:<a@example.com>\r\n"), crlf(smtp::reply::kHelloFirst));
  h.send("EHLO client.example\r\n");
  EXPECT_EQ(h.send("RCPT TO:<administrator@contoso.local>\r\n"), crlf(smtp::reply::kNeedMail));
}

TEST(SmtpStartTls, RequiredRefusesMailAndAuthBeforeTls) {
  SmtpTls h(net::TlsMode::Required);
  EXPECT_TRUE(lists_starttls(h.send("EHLO client.example\r\n")));
  EXPECT_EQ(h.send("MAIL FROM:<a@example.com>\r\n"), crlf(smtp::reply::kMustStartTls));
  EXPECT_EQ(h.send("AUTH PLAIN\r\n"), crlf(smtp::reply::kMustStartTls));
  EXPECT_EQ(h.send("NOOP\r\n"), crlf(smtp::reply::kNoopOk));
  h.send("STARTTLS\r\n");
  h.session->secured();
  h.send("EHLO client.example\r\n");
  EXPECT_EQ(h.send("MAIL FROM:<a@example.com>\r\n"), crlf(smtp::reply::kSenderOk));
}

// RFC 3207 4.2's attack: commands pipelined behind STARTTLS (here a whole transaction)
// are not run in the TLS session, whatever the split.
TEST(SmtpStartTls, BytesPipelinedAfterStartTlsAreDroppedAtEverySplit) {
  const std::string wire =
      "STARTTLS\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<administrator@contoso.local>\r\nDATA\r\nx\r\n.\r\n";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    SmtpTls h(net::TlsMode::Offered);
    h.send("EHLO client.example\r\n");
    std::string got = h.send(wire.substr(0, cut));
    got += h.send(wire.substr(cut));
    ASSERT_EQ(got, crlf(smtp::reply::kReadyToStartTls) + "[starttls]") << "cut at " << cut;
    h.session->secured();
    h.send("EHLO client.example\r\n");
    EXPECT_EQ(h.send("RCPT TO:<administrator@contoso.local>\r\n"), crlf(smtp::reply::kNeedMail)) << "cut at " << cut;
    EXPECT_TRUE(h.world->placements().empty());
  }
}

TEST(SmtpStartTls, TheNotOfferedFaultWithdrawsIt) {
  SmtpTls h(net::TlsMode::Offered);
  h.fault("starttls-not-offered");
  EXPECT_FALSE(lists_starttls(h.send("EHLO client.example\r\n")));
  EXPECT_EQ(h.send("STARTTLS\r\n"), crlf(smtp::reply::kNotImplemented));
}

TEST(SmtpStartTls, UnavailableAnswers454AndStaysInPlainText) {
  SmtpTls h(net::TlsMode::Offered);
  h.fault("starttls-unavailable");
  EXPECT_TRUE(lists_starttls(h.send("EHLO client.example\r\n")));
  EXPECT_EQ(h.send("STARTTLS\r\nMAIL FROM:<a@example.com>\r\n"),
            crlf(smtp::reply::kTlsNotAvailable) + crlf(smtp::reply::kSenderOk));
}

}  // namespace
