// maillab doctor's probes over a scripted channel and a resolver that knows only what it
// is told: what is typed, what is recorded, and that nothing is sent without --send-test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "maillab/doctor/doctor.hpp"
#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

using ::testing::ElementsAre;
namespace cn = maillab::connector;

// Answers each line written with the lines scripted for its first word.
class ScriptedChannel final : public cn::Channel {
 public:
  ScriptedChannel(std::deque<std::string> greeting, std::map<std::string, std::deque<std::string>> answers,
                  std::vector<std::string>& written)
      : pending_(std::move(greeting)), answers_(std::move(answers)), written_(written) {}
  void write(std::string_view bytes) override {
    written_.emplace_back(bytes);
    if (bytes.size() > 6 && bytes.starts_with("From:")) bytes = "DOT";  // the test message's text
    auto word = std::string(bytes.substr(0, bytes.find_first_of(" :\r")));
    for (auto& l : answers_[word]) pending_.push_back(l);
  }
  std::string_view read_line() override {
    if (pending_.empty()) throw cn::ChannelError(cn::ChannelError::Kind::Timeout, 10060, "timed out waiting for the server");
    current_ = pending_.front() + "\r\n";
    pending_.pop_front();
    return current_;
  }
  void close() override {}

 private:
  std::deque<std::string> pending_;
  std::map<std::string, std::deque<std::string>> answers_;
  std::vector<std::string>& written_;
  std::string current_;
};

class ScriptedFactory final : public cn::ChannelFactory {
 public:
  std::deque<std::string> greeting;
  std::map<std::string, std::deque<std::string>> answers;
  std::vector<std::string> written;
  std::vector<HostPort> connected;
  int refuse_with = 0;  // a Winsock number: 10061 refused, 10060 timed out
  std::unique_ptr<cn::Channel> connect(const HostPort& to, const cn::ChannelOptions&) override {
    connected.push_back(to);
    if (refuse_with) throw cn::ChannelError(cn::ChannelError::Kind::Connect, refuse_with, "connect failed");
    return std::make_unique<ScriptedChannel>(greeting, answers, written);
  }
};

class TableResolver final : public Resolver {
 public:
  std::map<std::string, std::vector<std::string>> table;
  std::vector<std::string> resolve(const std::string& host) override { return table[host]; }
};

TEST(DoctorProbe, Pop3TelnetCheckMasksThePassword) {
  ScriptedFactory f;
  f.greeting = {"+OK mail-host.fabrikam.com server type and version server ready"};
  f.answers = {{"USER", {"+OK"}}, {"PASS", {"+OK User successfully logged on."}}, {"STAT", {"+OK 0 0"}},
               {"QUIT", {"+OK Connection to host lost."}}};
  TableResolver r;
  r.table["pop.fabrikam.com"] = {"127.0.0.1"};
  auto t = probe_pop3({{"pop.fabrikam.com", 110}, "bob", "secret"}, r, f, {});
  EXPECT_EQ(f.connected.front().host, "127.0.0.1");
  EXPECT_THAT(f.written, ElementsAre("USER bob\r\n", "PASS secret\r\n", "STAT\r\n", "QUIT\r\n"));
  EXPECT_EQ(t.lines[3].text, "PASS ****");
  EXPECT_EQ(t.stat_reply, "+OK 0 0");
  EXPECT_EQ(t.quit_reply, "+OK Connection to host lost.");
}

TEST(DoctorProbe, UnknownHostNeverConnects) {
  ScriptedFactory f;
  TableResolver r;
  auto t = probe_pop3({{"pop.nowhere.invalid", 110}, "bob", "secret"}, r, f, {});
  EXPECT_EQ(t.outcome, ConnectOutcome::HostUnknown);
  EXPECT_TRUE(f.connected.empty());
  Observations seen;
  seen.pop3 = t;
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::ConnectFailed));
}

TEST(DoctorProbe, RefusedAndTimedOut) {
  TableResolver r;
  r.table["127.0.0.1"] = {"127.0.0.1"};
  for (auto [code, outcome] : {std::pair{10061, ConnectOutcome::Refused}, std::pair{10060, ConnectOutcome::TimedOut}}) {
    ScriptedFactory f;
    f.refuse_with = code;
    EXPECT_EQ(probe_pop3({{"127.0.0.1", 110}, "bob", "x"}, r, f, {}).outcome, outcome);
  }
}

ScriptedFactory exchange_server() {
  ScriptedFactory f;
  f.greeting = {"220 mail1.example.com Microsoft ESMTP MAIL Service ready"};
  f.answers = {{"EHLO", {"250-mail1.example.com Hello [127.0.0.1]", "250-SIZE 5242880", "250 OK"}},
               {"MAIL", {"250 2.1.0 Sender OK"}},
               {"RCPT", {"250 2.1.5 Recipient OK"}},
               {"DATA", {"354 Start mail input; end with ."}},
               {"DOT", {"554 5.1.0 Sender denied"}},
               {"RSET", {"250 2.0.0 Resetting"}},
               {"QUIT", {"221 2.0.0 Bye"}}};
  return f;
}

TEST(DoctorProbe, SmtpProbesSendNoMessageWithoutSendTest) {
  auto f = exchange_server();
  TableResolver r;
  r.table["127.0.0.1"] = {"127.0.0.1"};
  auto t = probe_smtp({{"127.0.0.1", 25}, "doc", "", {"bob@contoso.local"}, false}, r, f, {});
  EXPECT_THAT(f.written, ElementsAre("EHLO doc\r\n", "MAIL FROM:<>\r\n", "RCPT TO:<bob@contoso.local>\r\n", "RSET\r\n",
                                     "QUIT\r\n"));
  EXPECT_EQ(t.ehlo.size(), 3u);
  EXPECT_FALSE(t.test_sent);
}

TEST(DoctorProbe, SendTestShowsTheRefusalAfterTheDot) {
  auto f = exchange_server();
  TableResolver r;
  r.table["127.0.0.1"] = {"127.0.0.1"};
  auto t = probe_smtp({{"127.0.0.1", 25}, "doc", "", {"bob@contoso.local"}, true}, r, f, {});
  EXPECT_EQ(t.dot_reply, "554 5.1.0 Sender denied");
  EXPECT_EQ(f.written.back(), "QUIT\r\n");
  Observations seen;
  seen.smtp = t;
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::SenderDenied));
}

}  // namespace
}  // namespace maillab::doctor
