// The Asio shell over loopback: listening, transport faults, limits, stop().
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <utility>
#include <boost/asio.hpp>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/replies.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/pop3/wire.hpp"

using namespace maillab;
using namespace maillab::pop3;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// A blocking client: every read waits for bytes or for the server to close.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) { socket_.connect({asio::ip::make_address("127.0.0.1"), port}); }
  std::string line() {
    boost::system::error_code ec;
    auto n = asio::read_until(socket_, asio::dynamic_buffer(buffer_), "\r\n", ec);
    if (ec) return "<" + ec.message() + ">";
    auto out = buffer_.substr(0, n - 2);
    buffer_.erase(0, n);
    return out;
  }
  std::string until(std::string_view end) {
    boost::system::error_code ec;
    auto n = asio::read_until(socket_, asio::dynamic_buffer(buffer_), end, ec);
    if (ec) return "<" + ec.message() + ">";
    auto out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }
  // Everything until the server closes; the error that ended it in `why`.
  std::string rest(boost::system::error_code& why) {
    char chunk[4096];
    for (;;) {
      auto n = socket_.read_some(asio::buffer(chunk), why);
      if (why) return std::exchange(buffer_, {});
      buffer_.append(chunk, n);
    }
  }
  void send(std::string_view s) { asio::write(socket_, asio::buffer(s)); }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  std::string buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config.listen = {"127.0.0.1", 0};
    config.transcripts_kept = net::kTranscriptsWhenAsked;
    bob = std::make_shared<Maildrop>("bob", "secret");
    for (int i = 1; i <= 3; ++i) bob->add("m" + std::to_string(i), synthetic_message("bob", i, 4096));
  }
  void start() {
    server = std::make_unique<Server>(config);
    server->mailboxes().add(bob);
    server->start();
  }
  void fault(const std::string& spec) { server->faults().add(faults::parse_fault_spec(spec, presets())); }

  ServerConfig config;
  std::shared_ptr<Maildrop> bob;
  std::unique_ptr<Server> server;
};

TEST_F(ServerTest, StartReturnsTheBoundPortAndServes) {
  start();
  ASSERT_NE(server->port(), 0);
  EXPECT_TRUE(server->listening());
  Client c(server->port());
  EXPECT_EQ(c.line(), reply::kBanner);
  c.send("USER bob\r\nPASS secret\r\nRETR 2\r\nDELE 2\r\nQUIT\r\n");
  EXPECT_EQ(c.line(), "+OK");
  EXPECT_EQ(c.line(), reply::kLogonOk);
  EXPECT_EQ(c.line(), "+OK");
  EXPECT_EQ(c.until("\r\n.\r\n"), to_wire(synthetic_message("bob", 2, 4096)));
  EXPECT_EQ(c.line(), "+OK message 2 deleted");
  EXPECT_EQ(c.line(), reply::kQuit);
  boost::system::error_code why;
  EXPECT_EQ(c.rest(why), "");
  EXPECT_EQ(why, asio::error::eof);
  server->stop();
  EXPECT_EQ(bob->snapshot().size(), 2u);
}

// Busy polling changes only how the I/O thread waits: the same dialog, also after the
// thread went to sleep between two sessions, and stop() ends the polling loop.
TEST_F(ServerTest, BusyPollingServesAndStops) {
  config.busy_poll = std::chrono::microseconds(200);
  start();
  for (int session = 0; session < 2; ++session) {
    Client c(server->port());
    EXPECT_EQ(c.line(), reply::kBanner);
    c.send("USER bob\r\nPASS secret\r\nSTAT\r\nQUIT\r\n");
    EXPECT_EQ(c.line(), "+OK");
    EXPECT_EQ(c.line(), reply::kLogonOk);
    EXPECT_EQ(c.line().substr(0, 6), "+OK 3 ");
    EXPECT_EQ(c.line(), reply::kQuit);
  }
  server->stop();
  EXPECT_FALSE(server->listening());
}

TEST_F(ServerTest, BindErrorIsRethrown) {
  start();
  ServerConfig clash = config;
  clash.listen.port = server->port();
  Server second(clash);
  try {
    second.start();
    ADD_FAILURE() << "a second server on the same port started";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::address_in_use);
    EXPECT_EQ(std::string(e.what()), "cannot listen on " + clash.listen.str() + ": Address already in use");
  }
}

TEST_F(ServerTest, ConnectRefusedWhileTheFaultIsInstalled) {
  start();
  auto port = server->port();
  auto before = server->faults().list().size();
  fault("connect-refused");
  // The listener changes on the server's strand; a refused connect is the proof we wait for.
  // A connect caught in flight while the listener closes is reset; the ones after are refused.
  for (bool refused = false; !refused;) {
    try {
      Client c(port);
    } catch (const boost::system::system_error& e) {
      ASSERT_TRUE(e.code() == asio::error::connection_refused || e.code() == asio::error::connection_reset)
          << e.code().message();
      refused = e.code() == asio::error::connection_refused;
    }
  }
  EXPECT_FALSE(server->listening());
  server->faults().clear();
  EXPECT_EQ(server->faults().list().size(), before);
  for (;;) {
    try {
      Client c(port);
      EXPECT_EQ(c.line(), reply::kBanner);
      break;
    } catch (const boost::system::system_error&) {
    }
  }
}

TEST_F(ServerTest, RefuseInstalledBeforeStartRefusesTheFirstConnection) {
  server = std::make_unique<Server>(config);
  server->faults().add(faults::parse_fault_spec("connect-refused", presets()));
  auto port = server->start();
  EXPECT_FALSE(server->listening());
  try {
    Client c(port);
    ADD_FAILURE() << "connected";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::connection_refused);
  }
}

TEST_F(ServerTest, DropMidRetrCutsTheReply) {
  start();
  fault("drop-mid-retr:500");
  Client c(server->port());
  c.line();
  c.send("USER bob\r\nPASS secret\r\nDELE 1\r\nRETR 2\r\n");
  c.line();
  c.line();
  c.line();
  boost::system::error_code why;
  EXPECT_EQ(c.rest(why).size(), 500u);
  EXPECT_EQ(why, asio::error::eof);
  server->stop();
  EXPECT_EQ(bob->snapshot().size(), 3u);
}

TEST_F(ServerTest, ResetGivesConnectionReset) {
  start();
  fault("reset,on=STAT");
  Client c(server->port());
  c.line();
  c.send("USER bob\r\nPASS secret\r\nSTAT\r\n");
  c.line();
  c.line();
  boost::system::error_code why;
  c.rest(why);
  EXPECT_EQ(why, asio::error::connection_reset);
}

TEST_F(ServerTest, IdleSessionsAreClosedSilently) {
  config.idle_timeout = std::chrono::milliseconds(50);
  start();
  Client c(server->port());
  c.line();
  c.send("USER bob\r\nPASS secret\r\nDELE 1\r\n");
  c.line();
  c.line();
  c.line();
  boost::system::error_code why;
  EXPECT_EQ(c.rest(why), "");
  EXPECT_EQ(why, asio::error::eof);
  server->stop();
  EXPECT_EQ(bob->snapshot().size(), 3u);
  EXPECT_FALSE(bob->locked());
}

TEST_F(ServerTest, MaxSessionsRefusesTheExtraOnes) {
  config.max_sessions = 1;
  start();
  Client first(server->port());
  EXPECT_EQ(first.line(), reply::kBanner);
  Client second(server->port());
  EXPECT_EQ(second.line(), reply::kTooManySessions);
  first.send("NOOP\r\n");
  EXPECT_EQ(first.line(), reply::kWrongState) << "the first session never noticed";
}

TEST_F(ServerTest, StopClosesSessionsWithoutUpdate) {
  start();
  Client c(server->port());
  c.line();
  c.send("USER bob\r\nPASS secret\r\nDELE 1\r\n");
  c.line();
  c.line();
  c.line();
  server->stop();
  boost::system::error_code why;
  c.rest(why);
  EXPECT_TRUE(why == asio::error::eof || why == asio::error::connection_reset) << why.message();
  EXPECT_EQ(bob->snapshot().size(), 3u);
  EXPECT_EQ(server->active_sessions(), 0u);
}

TEST_F(ServerTest, TranscriptsAreKept) {
  start();
  {
    Client c(server->port());
    c.line();
    c.send("USER bob\r\nPASS wrong\r\nQUIT\r\n");
    c.line();
    c.line();
    c.line();
  }
  server->stop();
  auto ts = server->transcripts();
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0]->str(), "S: " + std::string(reply::kBanner) + "\nC: USER bob\nS: +OK\nC: PASS ****\nS: " +
                              std::string(reply::kLogonFailure) + "\nC: QUIT\nS: " + std::string(reply::kQuit) + "\n");
}

TEST_F(ServerTest, BandwidthLimitStillDeliversEveryByte) {
  start();
  fault("bandwidth,on=RETR,bps=200000");
  Client c(server->port());
  c.line();
  c.send("USER bob\r\nPASS secret\r\nRETR 1\r\n");
  c.line();
  c.line();
  EXPECT_EQ(c.line(), "+OK");
  EXPECT_EQ(c.until("\r\n.\r\n"), to_wire(synthetic_message("bob", 1, 4096)));
}

// How a connect attempt to the port ends within `ms`.
enum class Attempt { Connected, Refused, NoAnswer };
Attempt attempt(std::uint16_t port, int ms) {
  asio::io_context io;
  tcp::socket s(io);
  std::optional<boost::system::error_code> result;
  s.async_connect({asio::ip::make_address("127.0.0.1"), port}, [&](boost::system::error_code ec) { result = ec; });
  io.run_for(std::chrono::milliseconds(ms));
  if (!result) return Attempt::NoAnswer;
  return *result ? Attempt::Refused : Attempt::Connected;
}

// A firewall dropping the packets: no RST, no SYN-ACK, until the fault goes; then served.
TEST_F(ServerTest, BlackholeLeavesConnectsUnansweredUntilCleared) {
  start();
  auto port = server->port();
  fault("blackhole");
  EXPECT_EQ(attempt(port, 200), Attempt::NoAnswer);
  EXPECT_EQ(attempt(port, 200), Attempt::NoAnswer);
  EXPECT_FALSE(server->listening());
  server->faults().clear();
  EXPECT_EQ(attempt(port, 2000), Attempt::Connected);
  Client c(port);
  EXPECT_EQ(c.line(), reply::kBanner);
}

TEST_F(ServerTest, BlackholeAfterRefuseDropsInsteadOfRefusing) {
  start();
  auto port = server->port();
  fault("connect-refused");
  EXPECT_EQ(attempt(port, 2000), Attempt::Refused);
  fault("blackhole");
  EXPECT_EQ(attempt(port, 200), Attempt::NoAnswer);
}

}  // namespace
