// Transcripts: bounded in bytes, kept by a server only when asked, secrets masked unless
// shown on purpose.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "maillab/net/secret_mask.hpp"
#include "maillab/net/transcript.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/pop3/session.hpp"
#include "maillab/smtp/session.hpp"
#include "maillab/smtp/world.hpp"
#include "maillab/base/codec.hpp"
#include "temp_dir.hpp"

using namespace maillab;
namespace asio = boost::asio;

TEST(SecretMask, HidesPasswordsAndInitialResponsesOnly) {
  EXPECT_EQ(net::mask_secret("PASS secret word "), "PASS ****");
  EXPECT_EQ(net::mask_secret("pass x"), "pass ****");
  EXPECT_EQ(net::mask_secret("AUTH PLAIN AGJvYgBzZWNyZXQ="), "AUTH PLAIN ****");
  EXPECT_EQ(net::mask_secret("auth login Ym9i"), "auth login ****");
  EXPECT_EQ(net::mask_secret("AUTH PLAIN"), "AUTH PLAIN");
  EXPECT_EQ(net::mask_secret("AUTH LOGIN "), "AUTH LOGIN ");
  EXPECT_EQ(net::mask_secret("USER bob"), "USER bob");
  EXPECT_EQ(net::mask_secret("PASSWORD x"), "PASSWORD x");
  EXPECT_EQ(net::mask_secret("MAIL FROM:<pass@x>"), "MAIL FROM:<pass@x>");
}

TEST(Transcript, ClientLinesAreMaskedUnlessSecretsAreShown) {
  net::Transcript masked(1);
  masked.client("PASS hunter2");
  masked.client("Ym9i", net::ClientLine::SaslResponse);
  EXPECT_EQ(masked.str(), "C: PASS ****\nC: ****\n");
  net::Transcript shown(2, {.max_bytes = 1024, .show_secrets = true});
  shown.client("PASS hunter2");
  shown.client("Ym9i", net::ClientLine::SaslResponse);
  EXPECT_EQ(shown.str(), "C: PASS hunter2\nC: Ym9i\n");
}

TEST(Transcript, StopsAtItsByteLimitWithOneMarker) {
  net::Transcript t(1, {.max_bytes = 100});
  for (int i = 0; i < 1000; ++i) t.add('C', std::string(20, 'x'));
  auto lines = t.lines();
  ASSERT_EQ(lines.size(), 5u);  // four lines of 23 bytes fit in 100, then the marker
  EXPECT_EQ(lines.back().from, '*');
  EXPECT_EQ(lines.back().text, "[transcript limit of 100 bytes reached; later lines not kept]");
  EXPECT_LT(t.bytes(), 200u);
  net::Transcript off(2, {.max_bytes = 0});
  off.add('C', "USER bob");
  off.client("USER bob");
  EXPECT_EQ(off.str(), "");
}

namespace {

// One session that logs on and quits; returns once the server has answered QUIT.
void one_session(std::uint16_t port) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(s, asio::buffer(std::string("USER bob\r\nPASS secret\r\nQUIT\r\n")));
  std::string got;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(got), ec);  // to EOF: the server closes after QUIT
}

std::unique_ptr<pop3::Server> pop3_server(std::size_t kept, bool show_secrets) {
  pop3::ServerConfig c;
  c.listen = {"127.0.0.1", 0};
  c.transcripts_kept = kept;
  c.transcript_bytes_kept = 400;
  c.session.transcript.show_secrets = show_secrets;
  auto server = std::make_unique<pop3::Server>(c);
  server->mailboxes().add(std::make_shared<pop3::Maildrop>("bob", "secret"));
  server->start();
  return server;
}

}  // namespace

TEST(ServerTranscripts, NoneAreKeptUnlessAsked) {
  auto server = pop3_server(0, false);
  one_session(server->port());
  one_session(server->port());
  server->stop();
  EXPECT_TRUE(server->transcripts().empty());
}

TEST(ServerTranscripts, KeptOnesAreBoundedInBytesOverAllSessions) {
  auto server = pop3_server(net::kTranscriptsWhenAsked, false);
  for (int i = 0; i < 20; ++i) one_session(server->port());
  server->stop();
  auto kept = server->transcripts();
  std::size_t total = 0;
  for (const auto& t : kept) total += t->bytes();
  ASSERT_FALSE(kept.empty());
  EXPECT_LT(kept.size(), 20u);
  EXPECT_LE(total, 400u + kept.back()->bytes());  // the newest is kept whatever its size
  EXPECT_EQ(kept.back()->session(), 20u) << "the newest sessions are the ones kept";
  EXPECT_NE(kept.back()->str().find("C: PASS ****\n"), std::string::npos);
}

TEST(ServerTranscripts, SecretsShownOnlyWhenAsked) {
  auto server = pop3_server(net::kTranscriptsWhenAsked, true);
  one_session(server->port());
  server->stop();
  ASSERT_EQ(server->transcripts().size(), 1u);
  EXPECT_NE(server->transcripts()[0]->str().find("C: PASS secret\n"), std::string::npos);
}

TEST(SmtpTranscript, AuthResponsesAreMasked) {
  test::TempDir store;
  faults::FaultTable table;
  auto w = smtp::default_world();
  w.auth_users = {{"connector", "secret"}};
  smtp::World world(w, store.path(), table);
  smtp::SessionConfig config;
  smtp::Session session(config, world, table, 1, net::Peer{"172.16.0.1", 1025});
  session.start();
  session.feed("EHLO sbs.contoso.local\r\nAUTH LOGIN\r\n");
  session.feed(base64_encode("connector") + "\r\n");
  session.feed(base64_encode("secret") + "\r\n");
  session.feed("AUTH PLAIN " + base64_encode(std::string("\0connector\0secret", 17)) + "\r\n");
  auto text = session.transcript()->str();
  EXPECT_NE(text.find("C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ****\nS: 334 UGFzc3dvcmQ6\nC: ****\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("C: AUTH PLAIN ****\n"), std::string::npos) << text;
  EXPECT_EQ(text.find(base64_encode("secret")), std::string::npos) << text;
}
