// The connector's TLS channel against in-process TLS servers: implicit TLS and STLS with
// the simulator's certificate, verified against its CA; each TLS fault fails for its own
// reason; verification off still speaks TLS; a downgrade (no STLS) is refused; and bytes
// that arrive in plain text after the server's yes to STLS are never read as TLS data.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "maillab/connector/channel.hpp"
#include "maillab/connector/config.hpp"
#include "maillab/connector/pop3_client.hpp"
#include "maillab/connector/resolver.hpp"
#include "maillab/connector/tls.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/net/tls.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/server.hpp"

using namespace maillab;
namespace cn = maillab::connector;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

std::string temp_pem(const std::string& pem, const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".pem");
  net::write_pem(path, pem);
  return path.string();
}

struct ConnectorTls : ::testing::Test {
  void start(net::TlsMode mode) {
    pop3::ServerConfig config;
    config.listen = {"127.0.0.1", 0};
    config.session.tls = mode;
    server = std::make_unique<pop3::Server>(config);
    auto bob = std::make_shared<pop3::Maildrop>("bob", "secret");
    bob->add("m1", pop3::synthetic_message("bob", 1, 4096));
    server->mailboxes().add(bob);
    server->start();
    ca = temp_pem(server->tls_identity()->ca_pem, "connector-tls-ca");
  }
  void TearDown() override {
    if (!ca.empty()) std::filesystem::remove(ca);
  }
  cn::ChannelOptions options(cn::TlsMode mode, bool verify = true) {
    cn::ChannelOptions o;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.io_timeout = std::chrono::milliseconds(2000);
    o.tls = cn::TlsSettings{mode, verify, ca};
    return o;
  }
  // The reason connecting (implicit TLS) fails for; the test fails when it connects.
  std::optional<cn::TlsFailure> failure(const cn::ChannelOptions& o, const std::string& host = "127.0.0.1") {
    try {
      channels.connect({host, server->port()}, o)->close();
    } catch (const cn::TlsError& e) {
      detail = e.what();
      return e.reason();
    }
    return std::nullopt;
  }
  // The reason STLS fails for after the greeting and CAPA; none when TLS went ahead.
  std::optional<cn::TlsFailure> stls_failure() {
    auto ch = channels.connect({"127.0.0.1", server->port()}, options(cn::TlsMode::Upgrade));
    cn::Pop3Client pop3(*ch, cn::DiagLog::null(), 0);
    pop3.greet();
    pop3.capabilities();
    try {
      pop3.start_tls();
    } catch (const cn::TlsError& e) {
      detail = e.what();
      return e.reason();
    }
    return std::nullopt;
  }
  void fault(const char* preset) { server->faults().add(faults::parse_fault_spec(preset, pop3::presets())); }

  cn::HostsResolver hosts{{{"localhost", "127.0.0.1"}}, nullptr};
  cn::TcpChannelFactory channels{hosts};
  std::unique_ptr<pop3::Server> server;
  std::string ca, detail;
};

TEST_F(ConnectorTls, ImplicitTlsVerifiesTheCertificateAgainstTheCaAndTheAddress) {
  start(net::TlsMode::Implicit);
  auto ch = channels.connect({"127.0.0.1", server->port()}, options(cn::TlsMode::Implicit));
  EXPECT_EQ(cn::chomp(ch->read_line()).substr(0, 3), "+OK");
  ch->write("QUIT\r\n");
  EXPECT_EQ(cn::chomp(ch->read_line()).substr(0, 3), "+OK");
  ch->close();
  auto by_name = channels.connect({"localhost", server->port()}, options(cn::TlsMode::Implicit));
  EXPECT_EQ(cn::chomp(by_name->read_line()).substr(0, 3), "+OK");
}

TEST_F(ConnectorTls, EachTlsFaultFailsForItsOwnReason) {
  const std::pair<const char*, cn::TlsFailure> cases[] = {
      {"certificate-expired", cn::TlsFailure::Expired},
      {"certificate-not-yet-valid", cn::TlsFailure::NotYetValid},
      {"certificate-self-signed", cn::TlsFailure::Untrusted},
      {"certificate-name-mismatch", cn::TlsFailure::NameMismatch},
      {"tls-too-old", cn::TlsFailure::OldProtocol},
  };
  for (const auto& [preset, reason] : cases) {
    start(net::TlsMode::Implicit);
    fault(preset);
    EXPECT_EQ(failure(options(cn::TlsMode::Implicit)), reason) << preset << ": " << detail;
    server->stop();
  }
}

// After STLS (with implicit TLS the reset may reach the client before its connect
// completes, which is a failed connect).
TEST_F(ConnectorTls, AHandshakeResetAfterStlsIsAHandshakeFailure) {
  start(net::TlsMode::Offered);
  fault("tls-handshake-reset");
  EXPECT_EQ(stls_failure(), cn::TlsFailure::Handshake) << detail;
}

TEST_F(ConnectorTls, AStalledHandshakeFailsAfterTheIoTimeout) {
  start(net::TlsMode::Implicit);
  fault("tls-handshake-stall");
  auto o = options(cn::TlsMode::Implicit);
  o.io_timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(failure(o), cn::TlsFailure::Handshake);
  EXPECT_NE(detail.find("no answer within 300 ms"), std::string::npos) << detail;
}

TEST_F(ConnectorTls, WithoutTheCaTheSimulatorsCertificateIsUntrusted) {
  start(net::TlsMode::Implicit);
  auto o = options(cn::TlsMode::Implicit);
  o.tls.ca_file.clear();  // the system's trust store
  EXPECT_EQ(failure(o), cn::TlsFailure::Untrusted) << detail;
}

TEST_F(ConnectorTls, VerifyOffStillSpeaksTlsToABadCertificate) {
  start(net::TlsMode::Implicit);
  fault("certificate-expired");
  auto ch = channels.connect({"127.0.0.1", server->port()}, options(cn::TlsMode::Implicit, false));
  EXPECT_EQ(cn::chomp(ch->read_line()).substr(0, 3), "+OK");
}

TEST_F(ConnectorTls, StlsUpgradesTheSessionAndTheClientLogsOnInTls) {
  start(net::TlsMode::Required);
  auto ch = channels.connect({"127.0.0.1", server->port()}, options(cn::TlsMode::Upgrade));
  cn::Pop3Client pop3(*ch, cn::DiagLog::null(), 0);
  pop3.greet();
  pop3.capabilities();
  EXPECT_TRUE(pop3.offers_stls());
  pop3.start_tls();
  EXPECT_FALSE(pop3.offers_stls());  // CAPA again, in TLS: STLS no longer listed
  pop3.login("bob", "secret", cn::Pop3Auth::UserPass);  // refused in plain text (required)
  EXPECT_EQ(pop3.listing().size(), 1u);
  pop3.quit();
}

TEST_F(ConnectorTls, AServerThatStopsOfferingStlsIsADowngradeRefused) {
  start(net::TlsMode::Offered);
  fault("stls-not-offered");
  EXPECT_EQ(stls_failure(), cn::TlsFailure::NotOffered) << detail;
}

TEST(ConnectorTlsClassify, VerifyResultsComeBeforeHandshakeReasons) {
  EXPECT_EQ(cn::classify_tls_failure(X509_V_ERR_CERT_HAS_EXPIRED, 0), cn::TlsFailure::Expired);
  EXPECT_EQ(cn::classify_tls_failure(X509_V_ERR_IP_ADDRESS_MISMATCH, 0), cn::TlsFailure::NameMismatch);
  EXPECT_EQ(cn::classify_tls_failure(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 0), cn::TlsFailure::Untrusted);
  EXPECT_EQ(cn::classify_tls_failure(X509_V_OK, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION), cn::TlsFailure::OldProtocol);
  EXPECT_EQ(cn::classify_tls_failure(X509_V_OK, 0), cn::TlsFailure::Handshake);
}

// A server (or a man in the middle) that sends a line in plain text right behind its yes
// to STLS, in the same packet, then completes the handshake and answers in TLS: the
// client must read the TLS answer, never the plain-text line (RFC 3207 section 4.2).
TEST(ConnectorTlsInjection, PlainTextBehindTheYesToStlsIsDiscarded) {
  auto id = net::make_identity({});
  ssl::context server_ctx(ssl::context::tls_server);
  server_ctx.use_certificate_chain(asio::buffer(id.certificate_pem));
  server_ctx.use_private_key(asio::buffer(id.key_pem), ssl::context::pem);
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::thread peer([&] {
    tcp::socket s(io);
    acceptor.accept(s);
    asio::write(s, asio::buffer(std::string("+OK Begin TLS negotiation\r\n-ERR injected in plain text\r\n")));
    ssl::stream<tcp::socket&> tls(s, server_ctx);
    boost::system::error_code ec;
    tls.handshake(ssl::stream_base::server, ec);
    if (!ec) asio::write(tls, asio::buffer(std::string("+OK read in TLS\r\n")), ec);
    asio::streambuf rest;
    asio::read(tls, rest, ec);  // until the client closes
  });
  auto ca = temp_pem(id.ca_pem, "connector-tls-injection-ca");
  cn::HostsResolver hosts{{}, nullptr};
  cn::TcpChannelFactory channels{hosts};
  cn::ChannelOptions o;
  o.io_timeout = std::chrono::milliseconds(2000);
  o.tls = cn::TlsSettings{cn::TlsMode::Upgrade, true, ca};
  auto ch = channels.connect({"127.0.0.1", acceptor.local_endpoint().port()}, o);
  EXPECT_EQ(cn::chomp(ch->read_line()), "+OK Begin TLS negotiation");
  ch->start_tls();
  EXPECT_EQ(cn::chomp(ch->read_line()), "+OK read in TLS");
  ch->close();
  peer.join();
  std::filesystem::remove(ca);
}

TEST(ConnectorTlsConfig, Sbs2003RefusesTlsNamingTheFileAndField) {
  const std::string text =
      "profile: sbs2003\nroot: /tmp/r\ntls: {pop3: stls}\ndelivery: {smtp: 127.0.0.1:25}\n"
      "mailboxes:\n  - {pop3: 127.0.0.1:110, user: bob, deliver_to: bob@contoso.local}\n";
  try {
    cn::parse_config_text(text, "connector.yaml");
    FAIL() << "accepted";
  } catch (const cn::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("connector.yaml:1: field 'profile'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("the sbs2003 profile has no TLS"), std::string::npos) << e.what();
  }
  auto robust = cn::parse_config_text("profile: robust" + text.substr(text.find('\n')), "connector.yaml");
  EXPECT_EQ(cn::pop3_tls(robust, robust.mailboxes[0]).mode, cn::TlsMode::Upgrade);
  EXPECT_TRUE(robust.tls.verify);
  robust.profile = cn::Profile::Sbs2003;  // --profile sbs2003 beside the file
  EXPECT_THROW(cn::validate(robust), cn::ConfigError);
}

}  // namespace
