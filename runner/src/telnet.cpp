#include "maillab/runner/telnet.hpp"

#include <memory>
#include <sstream>
#include <stdexcept>

#include "maillab/connector/channel.hpp"

namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

cn::ChannelOptions options() {
  cn::ChannelOptions o;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.io_timeout = std::chrono::milliseconds(5000);
  o.max_line = 64 * 1024;
  return o;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

}  // namespace

bool reply_matches(const std::string& got, const std::string& expected) {
  if (!expected.empty() && expected.back() == '*')
    return got.compare(0, expected.size() - 1, expected, 0, expected.size() - 1) == 0;
  return got == expected;
}

namespace {

// The first difference is the one reported.
void mismatch(TelnetResult& r, const std::string& why) {
  if (r.ok) {
    r.ok = false;
    r.why = why;
  }
}

// One line of the session after the connection: typed, skipped over, or expected.
void play(cn::Channel& ch, const std::string& line, TelnetResult& r) {
  if (line.starts_with("> ")) {
    auto cmd = line.substr(2);
    r.record.push_back(cmd);
    ch.write(cmd + "\r\n");
  } else if (line == "(skip to .)") {
    while (std::string(cn::chomp(ch.read_line())) != ".") {
    }
    r.record.push_back("(... .)");
  } else if (line == "(closed)") {
    try {
      auto l = std::string(cn::chomp(ch.read_line()));
      r.record.push_back(l);
      mismatch(r, "expected the server to close the connection, got '" + l + "'");
    } catch (const cn::ChannelError& e) {
      if (e.kind() != cn::ChannelError::Kind::Closed) throw;
      r.record.push_back("Connection to host lost.");
    }
  } else {
    auto got = std::string(cn::chomp(ch.read_line()));
    r.record.push_back(got);
    if (!reply_matches(got, line)) mismatch(r, "expected '" + line + "', got '" + got + "'");
  }
}

// Connects as the session's first line is read; nullptr when it is refused (recorded).
std::unique_ptr<cn::Channel> open(const HostPort& to, const std::string& host_label, const std::string& first,
                                  TelnetResult& r) {
  cn::TcpChannelFactory factory;
  try {
    auto ch = factory.connect(to, options());
    if (first == "(connect failed)") mismatch(r, "the connection was accepted; expected it to fail");
    return ch;
  } catch (const cn::ChannelError&) {
    // What the Windows telnet client prints (KB 885685, step 2).
    r.record.push_back("Connecting to " + host_label + "... Could not open connection to the host on port " +
                       std::to_string(to.port) + ": Connect failed.");
    if (first != "(connect failed)") mismatch(r, "the connection was refused; expected " + first);
    return nullptr;
  }
}

}  // namespace

TelnetResult run_telnet(const HostPort& to, const std::string& host_label, const std::string& session) {
  TelnetResult r;
  std::unique_ptr<cn::Channel> ch;
  std::istringstream in(session);
  std::string raw;
  bool first = true;
  while (r.ok && std::getline(in, raw)) {
    auto line = trim(raw);
    if (line.empty()) continue;
    if (first) {
      first = false;
      ch = open(to, host_label, line, r);
      if (!ch || !r.ok) break;
    }
    try {
      play(*ch, line, r);
    } catch (const cn::ChannelError& e) {
      mismatch(r, "expected '" + line + "': " + e.what());
    }
  }
  if (ch) ch->close();
  return r;
}

std::vector<RetrievedMessage> retrieve_leaving_copies(const HostPort& to, const std::string& user,
                                                      const std::string& password) {
  cn::TcpChannelFactory factory;
  auto ch = factory.connect(to, options());
  auto reply = [&](const std::string& what) {
    auto l = std::string(cn::chomp(ch->read_line()));
    if (!l.starts_with("+OK")) throw std::runtime_error(what + ": " + l);
    return l;
  };
  auto multiline = [&] {
    std::vector<std::string> lines;
    for (;;) {
      auto l = std::string(cn::chomp(ch->read_line()));
      if (l == ".") return lines;
      if (l.starts_with(".")) l.erase(0, 1);
      lines.push_back(std::move(l));
    }
  };
  reply("greeting");
  ch->write("USER " + user + "\r\n");
  reply("USER");
  ch->write("PASS " + password + "\r\n");
  reply("PASS");
  ch->write("UIDL\r\n");
  reply("UIDL");
  std::vector<RetrievedMessage> out;
  for (auto& l : multiline()) out.push_back({l.substr(l.find(' ') + 1), {}});
  for (std::size_t i = 0; i < out.size(); ++i) {
    ch->write("RETR " + std::to_string(i + 1) + "\r\n");
    reply("RETR " + std::to_string(i + 1));
    for (auto& l : multiline()) out[i].text += l + "\r\n";
  }
  ch->write("QUIT\r\n");
  reply("QUIT");
  ch->close();
  return out;
}

}  // namespace maillab::runner
