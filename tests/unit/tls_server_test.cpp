// TLS through the shell over real sockets: implicit TLS and STLS/STARTTLS with the
// certificate made at start-up, verified against its CA for "localhost"; and the
// injection rule over a socket: commands sent in the same packet as STLS/STARTTLS are
// not run in the TLS session.
#include <gtest/gtest.h>

#include <chrono>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/replies.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/pop3/wire.hpp"
#include "maillab/smtp/replies.hpp"
#include "maillab/smtp/server.hpp"

using namespace maillab;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// A blocking client that starts in plain text and can switch to TLS.
struct Client {
  asio::io_context io;
  ssl::context context{ssl::context::tls_client};
  tcp::socket socket{io};
  std::unique_ptr<ssl::stream<tcp::socket&>> tls;
  asio::streambuf in;

  Client(std::uint16_t port, const net::TlsIdentity& trusted) {
    context.add_certificate_authority(asio::buffer(trusted.ca_pem));
    context.set_verify_mode(ssl::verify_peer);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void secure() {
    tls = std::make_unique<ssl::stream<tcp::socket&>>(socket, context);
    SSL_set_tlsext_host_name(tls->native_handle(), "localhost");
    SSL_set1_host(tls->native_handle(), "localhost");
    tls->handshake(ssl::stream_base::client);
  }
  long verify_result() { return SSL_get_verify_result(tls->native_handle()); }
  void write(const std::string& text) {
    if (tls) asio::write(*tls, asio::buffer(text));
    else asio::write(socket, asio::buffer(text));
  }
  std::string read_until(const std::string& end) {
    std::size_t n = tls ? asio::read_until(*tls, in, end) : asio::read_until(socket, in, end);
    std::string out(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
    in.consume(n);
    return out;
  }
  std::string line() { return read_until("\r\n"); }
};

std::string crlf(std::string_view line) { return std::string(line) + "\r\n"; }

struct Pop3TlsServer : ::testing::Test {
  void start(net::TlsMode mode) {
    pop3::ServerConfig config;
    config.listen = {"127.0.0.1", 0};
    config.session.tls = mode;
    server = std::make_unique<pop3::Server>(config);
    bob = std::make_shared<pop3::Maildrop>("bob", "secret");
    message = pop3::synthetic_message("bob", 1, 20000);
    bob->add("m1", message);
    server->mailboxes().add(bob);
    server->start();
    ASSERT_NE(server->tls_identity(), nullptr);
  }
  std::shared_ptr<pop3::Maildrop> bob;
  std::string message;
  std::unique_ptr<pop3::Server> server;
};

TEST_F(Pop3TlsServer, ImplicitTlsServesEveryByteToAVerifyingClient) {
  start(net::TlsMode::Implicit);
  Client c(server->port(), *server->tls_identity());
  c.secure();
  EXPECT_EQ(c.line(), crlf(pop3::reply::kBanner));
  c.write("USER bob\r\nPASS secret\r\nRETR 1\r\n");
  EXPECT_EQ(c.line(), "+OK\r\n");
  EXPECT_EQ(c.line(), crlf(pop3::reply::kLogonOk));
  EXPECT_EQ(c.line(), crlf(pop3::reply::kRetrOk));
  EXPECT_EQ(c.read_until("\r\n.\r\n"), pop3::to_wire(message));
  c.write("QUIT\r\n");
  EXPECT_EQ(c.line(), crlf(pop3::reply::kQuit));
}

TEST_F(Pop3TlsServer, CommandsSentWithStlsAreNotRunInTheTlsSession) {
  start(net::TlsMode::Offered);
  Client c(server->port(), *server->tls_identity());
  c.line();
  c.write("STLS\r\nUSER bob\r\n");  // one packet: the USER is the injection
  EXPECT_EQ(c.line(), crlf(pop3::reply::kStlsOk));
  c.secure();
  c.write("PASS secret\r\n");
  EXPECT_EQ(c.line(), crlf(pop3::reply::kPassWithoutUser));
  c.write("CAPA\r\n");
  EXPECT_EQ(c.read_until("\r\n.\r\n").find("STLS"), std::string::npos);
}

TEST_F(Pop3TlsServer, AClientThatDoesNotTrustTheCaFailsTheHandshake) {
  start(net::TlsMode::Implicit);
  auto stranger = net::make_identity({});
  Client c(server->port(), stranger);
  EXPECT_THROW(c.secure(), boost::system::system_error);
}

// After QUIT the server sends close_notify and waits (a while) for the client's; stop()
// meanwhile closes the connection at once instead of waiting that out.
TEST_F(Pop3TlsServer, StopDoesNotWaitForAClientThatNeverAnswersCloseNotify) {
  start(net::TlsMode::Implicit);
  Client c(server->port(), *server->tls_identity());
  c.secure();
  c.line();
  c.write("QUIT\r\n");
  EXPECT_EQ(c.line(), crlf(pop3::reply::kQuit));  // the client neither answers nor closes
  auto before = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1));
}

// Each certificate fault fails a verifying client for its own reason (OpenSSL's verify
// result), and certificate-changed shows a new valid certificate each session.
TEST_F(Pop3TlsServer, CertificateFaultsFailVerificationForTheirReason) {
  const std::pair<const char*, long> cases[] = {
      {"certificate-expired", X509_V_ERR_CERT_HAS_EXPIRED},
      {"certificate-not-yet-valid", X509_V_ERR_CERT_NOT_YET_VALID},
      {"certificate-self-signed", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
      {"certificate-name-mismatch", X509_V_ERR_HOSTNAME_MISMATCH},
  };
  start(net::TlsMode::Implicit);
  for (const auto& [preset, reason] : cases) {
    auto id = server->faults().add(faults::parse_fault_spec(preset, pop3::presets()));
    Client c(server->port(), *server->tls_identity());
    EXPECT_THROW(c.secure(), boost::system::system_error) << preset;
    EXPECT_EQ(c.verify_result(), reason) << preset;
    for (auto i : id) server->faults().remove(i);
  }
  Client good(server->port(), *server->tls_identity());
  good.secure();
  EXPECT_EQ(good.verify_result(), X509_V_OK);
}

TEST_F(Pop3TlsServer, CertificateChangedIsValidAndNewEachSession) {
  start(net::TlsMode::Implicit);
  server->faults().add(faults::parse_fault_spec("certificate-changed", pop3::presets()));
  std::vector<std::string> seen;
  for (int i = 0; i < 2; ++i) {
    Client c(server->port(), *server->tls_identity());
    c.secure();
    X509* cert = SSL_get1_peer_certificate(c.tls->native_handle());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), digest, &n);
    X509_free(cert);
    seen.emplace_back(reinterpret_cast<char*>(digest), n);
  }
  EXPECT_NE(seen[0], seen[1]);
}

struct SmtpTlsServer : ::testing::Test {
  void start(net::TlsMode mode) {
    smtp::ServerConfig config;
    config.listen = {"127.0.0.1", 0};
    config.session.tls = mode;
    server = std::make_unique<smtp::Server>(config, smtp::default_world(), std::filesystem::path{});
    server->start();
  }
  std::unique_ptr<smtp::Server> server;
};

TEST_F(SmtpTlsServer, CommandsSentWithStartTlsAreNotRunInTheTlsSession) {
  start(net::TlsMode::Offered);
  Client c(server->port(), *server->tls_identity());
  c.line();
  c.write("EHLO client.example\r\n");
  EXPECT_NE(c.read_until(" OK\r\n").find("250-STARTTLS\r\n"), std::string::npos);
  c.write("STARTTLS\r\nMAIL FROM:<evil@example.com>\r\n");
  EXPECT_EQ(c.line(), crlf(smtp::reply::kReadyToStartTls));
  c.secure();
  c.write("EHLO client.example\r\n");
  EXPECT_EQ(c.read_until(" OK\r\n").find("STARTTLS"), std::string::npos);
  c.write("RCPT TO:<administrator@contoso.local>\r\n");
  EXPECT_EQ(c.line(), crlf(smtp::reply::kNeedMail));
}

TEST_F(SmtpTlsServer, ImplicitTlsDeliversTheMessage) {
  start(net::TlsMode::Implicit);
  Client c(server->port(), *server->tls_identity());
  c.secure();
  c.line();
  c.write("EHLO client.example\r\n");
  c.read_until(" OK\r\n");
  c.write("MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@contoso.local>\r\nDATA\r\n");
  EXPECT_EQ(c.line(), crlf(smtp::reply::kSenderOk));
  EXPECT_EQ(c.line(), crlf(smtp::reply::kRecipientOk));
  EXPECT_EQ(c.line(), crlf(smtp::reply::kStartMailInput));
  c.write("Subject: t\r\n\r\nover TLS\r\n.\r\n");
  EXPECT_EQ(c.line().substr(0, 4), "250 ");
  EXPECT_EQ(server->placements().size(), 1u);
}

}  // namespace
