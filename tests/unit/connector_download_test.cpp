// The connector's download side against an in-memory POP3 drop served through fake
// channels (what a real server does rarely or never: two messages with one UIDL, a break
// in the middle of one RETR, a deadline at a chosen point), and the pieces a long line
// arrives in. Delivery goes to a pickup directory, so every message's fate is a file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "maillab/connector/connector.hpp"
#include "maillab/connector/deadline.hpp"
#include "maillab/connector/pop3_client.hpp"
#include "temp_dir.hpp"

namespace cn = maillab::connector;
namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;

namespace {

// A drop in memory. Message numbers are positions among the messages not yet deleted,
// fixed when a session starts, as RFC 1939 has them.
struct FakeDrop {
  struct Message {
    std::string uid, text;
    bool deleted = false;
  };
  std::vector<Message> messages;
  int sessions = 0;
  // In session `break_session`, the RETR of message `break_at` sends its first line and
  // then the channel fails with `break_kind`.
  int break_session = 0, break_at = 0;
  cn::ChannelError::Kind break_kind = cn::ChannelError::Kind::Closed;
  std::string break_text = "connection closed by the server";
  std::vector<std::string> commands;

  std::size_t left() const {
    return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(), [](auto& m) { return !m.deleted; }));
  }
};

class FakePop3Channel final : public cn::Channel {
 public:
  explicit FakePop3Channel(FakeDrop& d) : d_(d), session_(++d.sessions) {
    for (std::size_t i = 0; i < d.messages.size(); ++i)
      if (!d.messages[i].deleted) live_.push_back(i);
    out_.push_back("+OK fake POP3 ready\r\n");
  }
  void write(std::string_view bytes) override {
    while (!bytes.empty() && !broken_) {
      auto nl = bytes.find("\r\n");
      answer(std::string(bytes.substr(0, nl)));
      bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 2);
    }
  }
  std::string_view read_line() override {
    if (out_.empty()) throw cn::ChannelError(broken_ ? d_.break_kind : cn::ChannelError::Kind::Closed, 0,
                                             broken_ ? d_.break_text : "connection closed by the server");
    current_ = out_.front();
    out_.pop_front();
    return current_;
  }
  void close() override {}

 private:
  void answer(const std::string& command) {
    d_.commands.push_back(command);
    auto verb = command.substr(0, command.find(' '));
    int n = verb == "RETR" || verb == "DELE" ? std::stoi(command.substr(5)) : 0;
    if (verb == "CAPA") return out_.push_back("-ERR no CAPA\r\n");
    if (verb == "UIDL" || verb == "LIST") {
      out_.push_back("+OK\r\n");
      for (std::size_t i = 0; i < live_.size(); ++i) {
        auto& m = d_.messages[live_[i]];
        out_.push_back(std::to_string(i + 1) + " " + (verb == "UIDL" ? m.uid : std::to_string(m.text.size())) + "\r\n");
      }
      return out_.push_back(".\r\n");
    }
    if (verb == "RETR") return retr(n);
    if (verb == "DELE") marked_.insert(live_.at(static_cast<std::size_t>(n - 1)));
    if (verb == "QUIT")
      for (auto i : marked_) d_.messages[i].deleted = true;
    out_.push_back("+OK\r\n");
  }
  void retr(int n) {
    const auto& text = d_.messages.at(live_.at(static_cast<std::size_t>(n - 1))).text;
    out_.push_back("+OK\r\n");
    for (std::size_t pos = 0; pos < text.size();) {
      auto end = text.find('\n', pos) + 1;
      auto line = text.substr(pos, end - pos);
      out_.push_back(line.starts_with('.') ? "." + line : line);
      pos = end;
      if (session_ == d_.break_session && n == d_.break_at) {
        broken_ = true;
        return;
      }
    }
    out_.push_back(".\r\n");
  }

  FakeDrop& d_;
  int session_;
  std::vector<std::size_t> live_;
  std::set<std::size_t> marked_;
  std::deque<std::string> out_;
  std::string current_;
  bool broken_ = false;
};

class FakePop3 final : public cn::ChannelFactory {
 public:
  explicit FakePop3(FakeDrop& d) : d_(d) {}
  std::unique_ptr<cn::Channel> connect(const maillab::HostPort&, const cn::ChannelOptions& options) override {
    last_options = options;
    return std::make_unique<FakePop3Channel>(d_);
  }
  cn::ChannelOptions last_options;

 private:
  FakeDrop& d_;
};

std::string text(const std::string& id, const std::string& body) {
  return "From: a@fabrikam.com\r\nTo: bob@fabrikam.com\r\nMessage-ID: <" + id + "@fabrikam.com>\r\n\r\n" + body + "\r\n";
}

class Download : public ::testing::Test {
 protected:
  cn::Config config(cn::Profile profile) {
    cn::Config c;
    c.profile = profile;
    c.root = (dir.path() / "root").string();
    c.delivery.pickup = (dir.path() / "PickUp").string();
    fs::create_directories(c.delivery.pickup);
    cn::MailboxConfig m;
    m.pop3 = {"pop3.fabrikam.com", 110};
    m.user = "bob";
    m.deliver_to = "bob@contoso.local";
    m.name = "bob";
    c.mailboxes.push_back(m);
    return c;
  }
  cn::CycleReport cycle(const cn::Config& c) {
    cn::Connector connector(c, cn::Services{channels, files, clock, events, cn::DiagLog::null()});
    return connector.run_cycle();
  }
  // How many delivered files carry each Message-ID.
  std::map<std::string, int> delivered() const {
    std::map<std::string, int> out;
    for (auto& e : fs::directory_iterator(dir.path() / "PickUp")) {
      std::ifstream in(e.path(), std::ios::binary);
      std::string t{std::istreambuf_iterator<char>(in), {}};
      auto at = t.find("Message-ID: <");
      if (at != std::string::npos) out[t.substr(at + 13, t.find('@', at) - at - 13)]++;
    }
    return out;
  }
  std::vector<int> event_ids() const {
    std::vector<int> ids;
    for (auto& e : events.events()) ids.push_back(e.id);
    return ids;
  }
  std::string event_text(int id) const {
    for (auto& e : events.events())
      if (e.id == id) return e.description;
    return "";
  }

  maillab::test::TempDir dir;
  FakeDrop drop;
  FakePop3 channels{drop};
  cn::PosixFileSystem files;
  cn::SystemClock clock;
  cn::EventLog events{"", cn::Lang::En, clock};
};

// Issue 12, defect 6: the journal held "X" after the session broke in the RETR of the
// second message, and the next cycle DELEd both as held: the second was lost.
TEST_F(Download, ADuplicateUidlNeverDelesMailThatWasNotDownloaded) {
  drop.messages = {{"X", text("first", "one")}, {"X", text("second", "two")}, {"Y", text("third", "three")}};
  drop.break_session = 1;
  drop.break_at = 2;
  auto c = config(cn::Profile::Robust);
  cycle(c);
  EXPECT_EQ(drop.left(), 3u);
  cycle(c);
  EXPECT_EQ(drop.left(), 0u);
  auto got = delivered();
  EXPECT_GE(got["second"], 1) << "the second message with UIDL X was deleted unread";
  EXPECT_GE(got["first"], 1);
  EXPECT_EQ(got["third"], 1) << "a unique UIDL still keeps its message from coming twice";
  EXPECT_THAT(event_ids(), Contains(12057));
  EXPECT_THAT(event_text(12057), HasSubstr("UIDL X for more than one message (1, 2)"));
}

TEST_F(Download, WithLeaveOnServerADuplicateUidlIsKeyedByUidlAndSize) {
  drop.messages = {{"X", text("first", "one")}};
  auto c = config(cn::Profile::Robust);
  c.leave_on_server = true;
  cycle(c);
  drop.messages.push_back({"X", text("second", "two")});  // the server gives X again
  cycle(c);
  EXPECT_EQ(delivered()["second"], 1);
  EXPECT_EQ(delivered()["first"], 2) << "known as X, not yet by UIDL and size";
  cycle(c);
  EXPECT_EQ(delivered(), (std::map<std::string, int>{{"first", 2}, {"second", 1}}))
      << "UIDL and size tell them apart: not fetched every cycle";
  EXPECT_EQ(drop.left(), 2u);
}

// A listing of nothing (`+OK 0 0`: the empty-drop fault, a server hiding the drop for a
// while) says nothing about what the server still has: the journal must not forget the
// messages left on the server, or they are delivered again when the drop comes back.
TEST_F(Download, WithLeaveOnServerAnEmptyListingForgetsNothing) {
  drop.messages = {{"A", text("kept", "one")}};
  auto c = config(cn::Profile::Robust);
  c.leave_on_server = true;
  cycle(c);
  auto kept = std::move(drop.messages);
  drop.messages.clear();
  cycle(c);
  drop.messages = std::move(kept);
  cycle(c);
  EXPECT_EQ(delivered(), (std::map<std::string, int>{{"kept", 1}}));
  EXPECT_EQ(drop.left(), 1u);
}

TEST_F(Download, MessagesSharingUidlAndSizeAreFetchedAndNeverDeledUnread) {
  drop.messages = {{"X", text("first", "one")}, {"X", text("fir2t", "two")}};
  drop.break_session = 1;
  drop.break_at = 2;
  auto c = config(cn::Profile::Robust);
  cycle(c);
  cycle(c);
  EXPECT_EQ(drop.left(), 0u);
  EXPECT_EQ(delivered(), (std::map<std::string, int>{{"first", 2}, {"fir2t", 1}}));
}

// Issue 12, defect 9: a passed deadline ends the session with its own event; what arrived
// whole is kept, nothing is DELEd unread, and the next cycle finishes without a double.
TEST_F(Download, APassedDeadlineEndsTheSessionAndLosesNothing) {
  drop.messages = {{"A", text("a", "one")}, {"B", text("b", "two")}, {"C", text("c", "three")}};
  drop.break_session = 1;
  drop.break_at = 2;
  drop.break_kind = cn::ChannelError::Kind::Deadline;
  drop.break_text = cn::deadline_passed({{}, cn::DeadlineKind::Session, std::chrono::seconds(75)});
  auto c = config(cn::Profile::Robust);
  auto r = cycle(c);
  EXPECT_EQ(r.downloaded, 1u);
  EXPECT_EQ(drop.left(), 3u);
  EXPECT_THAT(event_text(12056), HasSubstr("was ended: the session deadline (75 s) passed."));
  cycle(c);
  EXPECT_EQ(drop.left(), 0u);
  EXPECT_EQ(delivered(), (std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}}));
}

TEST_F(Download, TheSessionChannelCarriesTheSessionDeadlineWithinTheCycles) {
  auto c = config(cn::Profile::Robust);
  c.io_timeout = std::chrono::seconds(5);
  auto before = std::chrono::steady_clock::now();
  cycle(c);
  auto& d = channels.last_options.deadline;
  EXPECT_EQ(d.kind, cn::DeadlineKind::Session);
  EXPECT_EQ(d.length, std::chrono::seconds(75)) << "15 io timeouts by default";
  EXPECT_GE(d.at, before + std::chrono::seconds(75));
  c.cycle_timeout = std::chrono::seconds(30);
  cycle(c);
  EXPECT_EQ(channels.last_options.deadline.kind, cn::DeadlineKind::Cycle) << "the earlier deadline bounds the channel";
  EXPECT_EQ(channels.last_options.deadline.length, std::chrono::seconds(30));
}

TEST(WaitBudget, TheIoTimeoutOrWhatIsLeftToTheDeadline) {
  using namespace std::chrono_literals;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_EQ(cn::wait_budget(5s, {}, t0).wait, 5s);
  EXPECT_FALSE(cn::wait_budget(5s, {}, t0).deadline_bound);
  auto session = cn::Deadline::after(cn::DeadlineKind::Session, 60s, t0);
  EXPECT_EQ(cn::wait_budget(5s, session, t0 + 10s).wait, 5s);
  EXPECT_FALSE(cn::wait_budget(5s, session, t0 + 10s).deadline_bound);
  EXPECT_EQ(cn::wait_budget(5s, session, t0 + 58s).wait, 2s);
  EXPECT_TRUE(cn::wait_budget(5s, session, t0 + 58s).deadline_bound);
  EXPECT_EQ(cn::wait_budget(5s, session, t0 + 61s).wait, 0s) << "passed: no wait at all";
  EXPECT_TRUE(cn::wait_budget(5s, session, t0 + 61s).deadline_bound);
  auto cycle = cn::Deadline::after(cn::DeadlineKind::Cycle, 30s, t0);
  EXPECT_EQ(cn::earlier(session, cycle).kind, cn::DeadlineKind::Cycle);
  EXPECT_EQ(cn::deadline_passed(cycle), "the cycle deadline (30 s) passed");
  EXPECT_EQ(cn::Deadline::after(cn::DeadlineKind::Cycle, std::chrono::milliseconds::max(), t0).at,
            cn::Deadline::time_point::max());
  EXPECT_EQ(cn::deadline_passed(cn::Deadline::after(cn::DeadlineKind::Session, 1500ms, t0)),
            "the session deadline (1500 ms) passed");
}

// A channel that serves a message's text in pieces, as TcpChannel does with a line
// longer than its limit.
class PieceChannel final : public cn::Channel {
 public:
  explicit PieceChannel(std::vector<std::string> pieces) : pieces_(pieces.begin(), pieces.end()) {}
  void write(std::string_view) override {}
  std::string_view read_line() override {
    current_ = pieces_.front();
    pieces_.pop_front();
    if (!current_.ends_with('\n')) throw cn::ChannelError(cn::ChannelError::Kind::LineTooLong, 0, "the server sent a line longer than the limit");
    return current_;
  }
  std::string_view read_text() override {
    current_ = pieces_.front();
    pieces_.pop_front();
    return current_;
  }
  void close() override {}

 private:
  std::deque<std::string> pieces_;
  std::string current_;
};

struct TextSink final : cn::Pop3MessageSink {
  void begin(const cn::Pop3Entry&) override { text.clear(); }
  void line(std::string_view bytes) override { text += bytes; }
  void end(const cn::Pop3Entry&) override { ended = true; }
  void refused(const cn::Pop3Entry&, const cn::Pop3Status&) override {}
  std::string text;
  bool ended = false;
};

// A "." that begins a piece but not a line is text; a piece "\r\n" ends a line, not the
// header or the message.
TEST(LongLines, PiecesOfALineAreJoinedAndOnlyALinesStartIsUnstuffed) {
  PieceChannel ch({"+OK\r\n", "Subject: ", "..x", "\r\n", "\r\n", "..body ", ".", "\r\n", ".\r\n"});
  cn::Pop3Client c(ch, cn::DiagLog::null(), 0);
  TextSink sink;
  c.retrieve({{1, 10, "u1"}}, 1, sink, false);
  EXPECT_TRUE(sink.ended);
  EXPECT_EQ(sink.text, "Subject: ..x\r\n\r\n.body .\r\n");
}

TEST(LongLines, ARunawayStatusLineIsRefusedNamingTheMessage) {
  PieceChannel ch({"+OK this status line never ends"});
  cn::Pop3Client c(ch, cn::DiagLog::null(), 0);
  TextSink sink;
  try {
    c.retrieve({{7, 10, "uid-7"}}, 9, sink, false);
    FAIL() << "no error";
  } catch (const cn::ChannelError& e) {
    EXPECT_EQ(e.kind(), cn::ChannelError::Kind::LineTooLong);
    EXPECT_THAT(e.what(), HasSubstr("(message 7, UIDL uid-7)"));
  }
}

}  // namespace
