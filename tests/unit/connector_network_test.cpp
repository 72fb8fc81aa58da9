// The connector's way to its servers: names through the resolver seam (a hosts table of
// its own, so no query leaves the machine), a connect that times out on a port that never
// answers, told apart from a refused one; and the events the logging level lets through.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>

#include "maillab/connector/channel.hpp"
#include "maillab/connector/config.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/connector/resolver.hpp"

namespace cn = maillab::connector;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

namespace {

using Table = std::map<std::string, std::string>;

cn::ChannelOptions quick(std::chrono::milliseconds connect = std::chrono::milliseconds(250)) {
  cn::ChannelOptions o;
  o.connect_timeout = connect;
  o.io_timeout = std::chrono::milliseconds(2000);
  return o;
}

// A listener on loopback; with `full`, its accept queue (backlog 0) is taken by one
// connection never accepted, so Linux drops every further SYN without an answer.
struct Listener {
  explicit Listener(bool full) {
    acceptor.open(tcp::v4());
    acceptor.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor.listen(full ? 0 : 16);
    if (full) filler.connect(acceptor.local_endpoint());
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  asio::io_context io;
  tcp::acceptor acceptor{io};
  tcp::socket filler{io};
};

// Fails the test when a name reaches the system: the hosts table must answer alone.
class NoLookups final : public cn::Resolver {
 public:
  std::vector<std::string> resolve(const std::string& host) override {
    ADD_FAILURE() << "a lookup of " << host << " left the hosts table";
    throw cn::HostNotFound(host);
  }
};

cn::ChannelError connect_error(cn::ChannelFactory& f, const maillab::HostPort& to, const cn::ChannelOptions& o) {
  try {
    f.connect(to, o);
  } catch (const cn::ChannelError& e) {
    return e;
  }
  ADD_FAILURE() << "connected to " << to.str();
  return cn::ChannelError(cn::ChannelError::Kind::Closed, 0, "connected");
}

TEST(Resolver, TheHostsTableAnswersForItsNamesInAnyCaseAndLiteralsForThemselves) {
  NoLookups none;
  cn::HostsResolver hosts(Table{{"Mail-Host.Fabrikam.com", "127.0.0.1"}}, &none);
  EXPECT_EQ(hosts.resolve("mail-host.fabrikam.COM"), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(hosts.resolve("::1"), std::vector<std::string>{"::1"});
  EXPECT_EQ(hosts.resolve("10.1.2.3"), std::vector<std::string>{"10.1.2.3"});
  EXPECT_THROW(cn::HostsResolver(Table{{"a", "not-an-address"}}), std::invalid_argument);
}

TEST(Resolver, ANameNotInATableWithoutFallbackIsNotFoundAsWinsock11001) {
  Listener server(false);
  cn::HostsResolver hosts(Table{{"mail-host.fabrikam.com", "127.0.0.1"}});
  cn::TcpChannelFactory channels(hosts);
  auto ch = channels.connect({"mail-host.fabrikam.com", server.port()}, quick());
  ch->close();
  auto e = connect_error(channels, {"mail-host.fabrikam.con", server.port()}, quick());
  EXPECT_EQ(e.kind(), cn::ChannelError::Kind::Connect);
  EXPECT_EQ(e.socket_error(), 11001);
  EXPECT_STREQ(e.what(), "the host name mail-host.fabrikam.con could not be resolved: No such host is known (11001)");
}

TEST(ConnectTimeout, APortThatDropsTheSynTimesOutAtTheConnectTimeoutNotRefused) {
  Listener blackhole(true);
  cn::TcpChannelFactory channels;
  auto started = std::chrono::steady_clock::now();
  auto e = connect_error(channels, {"127.0.0.1", blackhole.port()}, quick(std::chrono::milliseconds(200)));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(e.kind(), cn::ChannelError::Kind::Connect);
  EXPECT_EQ(e.socket_error(), 10060);
  EXPECT_THAT(e.what(), HasSubstr(": Connect failed (Connection timed out: no answer within 200 ms)"));
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST(ConnectTimeout, AClosedPortIsRefusedAtOnceWith10061) {
  std::uint16_t port;
  {
    Listener gone(false);
    port = gone.port();
  }
  cn::TcpChannelFactory channels;
  auto e = connect_error(channels, {"127.0.0.1", port}, quick(std::chrono::milliseconds(5000)));
  EXPECT_EQ(e.socket_error(), 10061);
  EXPECT_THAT(e.what(), HasSubstr(": Connect failed (Connection refused)"));
}

TEST(ConnectorConfig, HostsAndTimeoutsAreReadAndBadValuesNamed) {
  auto c = cn::parse_config_text(
      "root: /r\ntimeouts: {connect: 300ms}\nhosts: {Mail-Host.Fabrikam.com: 127.0.0.1}\n"
      "delivery: {smtp: 127.0.0.1:25}\nmailboxes:\n  - {pop3: 'mail-host.fabrikam.com:110', user: bob, deliver_to: b@c.d}\n",
      "c.yaml");
  EXPECT_EQ(c.connect_timeout, std::chrono::milliseconds(300));
  EXPECT_EQ(c.hosts.at("mail-host.fabrikam.com"), "127.0.0.1");
  auto error = [](const std::string& text) {
    try {
      cn::parse_config_text(text, "c.yaml");
    } catch (const cn::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_THAT(error("root: /r\nhosts:\n  pop.fabrikam.com: pop.isp\n"),
              HasSubstr("c.yaml:3: field 'hosts.pop.fabrikam.com': must be an IP address (e.g. 127.0.0.1), not 'pop.isp'"));
  EXPECT_THAT(error("root: /r\ntimeouts: {connect: 0s}\n"), HasSubstr("c.yaml:2: field 'timeouts.connect': must be longer than 0"));
}

// KB 885685 shows 1046, 1048 and 12052 at Maximum; errors from Minimum, the rest from Medium.
TEST(EventLevels, EachLevelWritesItsEventsAndNoneWritesNothing) {
  cn::SystemClock clock;
  auto written = [&](cn::LogLevel level) {
    cn::EventLog log("", cn::Lang::En, clock, level);
    for (auto id : {cn::EventId::RetrieveFromQueueFailed, cn::EventId::DeliveryCompletedWithErrors,
                    cn::EventId::Pop3TransactionError, cn::EventId::ConnectFailed, cn::EventId::LogonFailure,
                    cn::EventId::FolderRecreated, cn::EventId::CycleCompleted})
      log.report(id, {"a", "b", "c", "d"});
    std::vector<int> ids;
    for (auto& e : log.events()) ids.push_back(e.id);
    return ids;
  };
  EXPECT_EQ(written(cn::LogLevel::Maximum), (std::vector<int>{1046, 1048, 12052, 12050, 12053, 1050, 1000}));
  EXPECT_EQ(written(cn::LogLevel::Medium), (std::vector<int>{12050, 12053, 1050, 1000}));
  EXPECT_EQ(written(cn::LogLevel::Minimum), (std::vector<int>{12050, 12053}));
  EXPECT_EQ(written(cn::LogLevel::None), (std::vector<int>{}));
}

}  // namespace
