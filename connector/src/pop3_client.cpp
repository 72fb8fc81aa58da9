#include "maillab/connector/pop3_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "maillab/base/ascii.hpp"
#include "maillab/base/codec.hpp"
#include "maillab/connector/hr_result.hpp"

namespace maillab::connector {

Pop3Auth parse_pop3_auth(std::string_view text) {
  if (text == "user") return Pop3Auth::UserPass;
  if (text == "apop") return Pop3Auth::Apop;
  if (text == "plain") return Pop3Auth::Plain;
  throw std::invalid_argument("POP3 authentication must be user, apop or plain, not '" + std::string(text) + "'");
}

Pop3Client::Pop3Client(Channel& channel, DiagLog& log, int thread) : channel_(channel), log_(log), thread_(thread) {}

void Pop3Client::send(std::string_view line, std::string_view logged) {
  log_.traffic(thread_, "POP3", true, logged.empty() ? line : logged);
  channel_.write(std::string(line) + "\r\n");
}

Pop3Status Pop3Client::read_status() {
  auto line = chomp(channel_.read_line());
  log_.traffic(thread_, "POP3", false, line);
  auto status = parse_pop3_status(line);
  if (!status) throw Pop3Error(Pop3Error::Kind::Protocol, std::string(line), kHrPop3ParseFailure);
  return *status;
}

Pop3Status Pop3Client::command(std::string_view line, std::string_view logged) {
  send(line, logged);
  return read_status();
}

void Pop3Client::greet() {
  auto line = std::string(chomp(channel_.read_line()));
  log_.traffic(thread_, "POP3", false, line);
  auto status = parse_pop3_status(line);
  if (!status || !status->ok) throw Pop3Error(Pop3Error::Kind::Greeting, line, kHrPop3ResponseError);
  auto lt = line.find('<'), gt = line.find('>', lt == std::string::npos ? 0 : lt);
  if (lt != std::string::npos && gt != std::string::npos) timestamp_ = line.substr(lt, gt - lt + 1);
}

void Pop3Client::capabilities() {
  pipelining_ = sasl_plain_ = stls_ = false;
  auto status = command("CAPA");
  if (!status.ok) return;
  for (;;) {
    std::string_view body;
    auto raw = chomp(channel_.read_line());
    if (pop3_body_line(raw, body)) break;
    auto cap = ascii::upper(body);
    if (cap == "PIPELINING") pipelining_ = true;
    if (cap == "STLS") stls_ = true;
    if (cap.starts_with("SASL") && cap.find(" PLAIN") != std::string::npos) sasl_plain_ = true;
  }
}

// RFC 2595 section 4: STLS only when CAPA lists it (anything else is a downgrade, refused
// rather than gone on with in plain text), and CAPA again once TLS is on, forgetting what
// the plain-text CAPA said.
void Pop3Client::start_tls() {
  if (!stls_) throw TlsError(TlsFailure::NotOffered, "CAPA does not list STLS");
  auto status = command("STLS");
  if (!status.ok) throw TlsError(TlsFailure::Refused, status.line);
  channel_.start_tls();
  log_.line(LogLevel::Maximum, thread_, "(POP3) TLS is on.");
  capabilities();
}

void Pop3Client::login(const std::string& user, const std::string& password, Pop3Auth auth) {
  Pop3Status status;
  switch (auth) {
    case Pop3Auth::UserPass: {
      status = command("USER " + user);
      if (!status.ok) throw Pop3Error(Pop3Error::Kind::Logon, status.line, kHrPop3InvalidUser);
      status = command("PASS " + password, "PASS ****");
      if (!status.ok) throw Pop3Error(Pop3Error::Kind::Logon, status.line, kHrPop3InvalidPassword);
      return;
    }
    case Pop3Auth::Apop: {
      if (timestamp_.empty())
        throw Pop3Error(Pop3Error::Kind::Logon, "the greeting carries no APOP time stamp", kHrPop3ResponseError);
      status = command("APOP " + user + " " + md5_hex(timestamp_ + password), "APOP " + user + " ****");
      break;
    }
    case Pop3Auth::Plain: {
      std::string token = base64_encode(std::string(1, '\0') + user + std::string(1, '\0') + password);
      status = command("AUTH PLAIN " + token, "AUTH PLAIN ****");
      break;
    }
  }
  if (!status.ok) throw Pop3Error(Pop3Error::Kind::Logon, status.line, kHrPop3InvalidPassword);
}

namespace {

// The listing being assembled from UIDL and LIST. Both list the messages in order, so a
// line's entry is the one after the last (found in constant time, which matters for seed
// 004's pile of 2,000); a server that numbers otherwise is searched.
class ListingBuilder {
 public:
  Pop3Entry& at(int n) {
    if (next_ < entries_.size() && entries_[next_].number == n) return entries_[next_++];
    auto it = std::find_if(entries_.begin(), entries_.end(), [n](const Pop3Entry& e) { return e.number == n; });
    if (it == entries_.end()) it = entries_.insert(entries_.end(), Pop3Entry{n, 0, {}});
    next_ = static_cast<std::size_t>(it - entries_.begin()) + 1;
    return *it;
  }
  void rewind() { next_ = 0; }
  std::vector<Pop3Entry> take() {
    auto by_number = [](const Pop3Entry& a, const Pop3Entry& b) { return a.number < b.number; };
    if (!std::is_sorted(entries_.begin(), entries_.end(), by_number))
      std::sort(entries_.begin(), entries_.end(), by_number);
    return std::move(entries_);
  }

 private:
  std::vector<Pop3Entry> entries_;
  std::size_t next_ = 0;
};

}  // namespace

std::vector<Pop3Entry> Pop3Client::listing() {
  ListingBuilder listing;
  auto read_multi = [&](auto&& each) {
    for (;;) {
      std::string_view body;
      auto raw = chomp(channel_.read_line());
      if (pop3_body_line(raw, body)) break;
      auto sp = body.find(' ');
      int n = 0;
      if (sp == std::string_view::npos || std::from_chars(body.data(), body.data() + sp, n).ec != std::errc{})
        throw Pop3Error(Pop3Error::Kind::Protocol, std::string(body), kHrPop3ParseFailure);
      each(n, body.substr(sp + 1));
    }
  };
  auto status = command("UIDL");
  if (status.ok) read_multi([&](int n, std::string_view uid) { listing.at(n).uid = std::string(uid); });
  else uidl_ = false;
  status = command("LIST");
  if (!status.ok) throw Pop3Error(Pop3Error::Kind::Protocol, status.line, kHrPop3ResponseError);
  listing.rewind();
  read_multi([&](int n, std::string_view size) {
    std::uint64_t s = 0;
    std::from_chars(size.data(), size.data() + size.size(), s);
    listing.at(n).size = s;
  });
  return listing.take();
}

void Pop3Client::retrieve(const std::vector<Pop3Entry>& entries, std::size_t total, Pop3MessageSink& sink,
                          bool pipeline) {
  // Seed 004's "Downloading message 1 of 6." before each RETR; this is the hot path, so
  // nothing is formatted for a log that drops it.
  auto announce = [&](const Pop3Entry& e) {
    if (!log_.enabled(LogLevel::Maximum)) return;
    log_.line(LogLevel::Maximum, thread_, fmt::format("Downloading message {} of {}.", e.number, total));
    log_.traffic(thread_, "POP3", true, fmt::format("RETR {}", e.number));
  };
  if (pipeline && pipelining_) {
    // Everything is asked for in one write; the replies are then read in order.
    std::string batch;
    for (const auto& e : entries) {
      announce(e);
      batch += fmt::format("RETR {}\r\n", e.number);
    }
    if (!batch.empty()) channel_.write(batch);
    for (const auto& e : entries) receive_one(e, sink);
    return;
  }
  for (const auto& e : entries) {
    announce(e);
    channel_.write(fmt::format("RETR {}\r\n", e.number));
    receive_one(e, sink);
  }
}

// A runaway reply line is refused, naming the message it came with. A long line of the
// message's text arrives in pieces instead: only at a line's start does a "." stuff or
// end the text.
void Pop3Client::receive_one(const Pop3Entry& e, Pop3MessageSink& sink) {
  try {
    auto status = read_status();
    if (!status.ok) {
      sink.refused(e, status);
      return;
    }
    sink.begin(e);
    for (bool line_start = true;;) {
      auto raw = channel_.read_text();
      if (line_start && raw.ends_with('\n') && chomp(raw) == ".") break;
      if (line_start && raw.starts_with('.')) raw.remove_prefix(1);
      line_start = raw.ends_with('\n');
      sink.line(raw);
    }
    sink.end(e);
  } catch (const ChannelError& error) {
    if (error.kind() != ChannelError::Kind::LineTooLong) throw;
    throw ChannelError(error.kind(), error.socket_error(),
                       fmt::format("{} (message {}{})", error.what(), e.number, e.uid.empty() ? "" : ", UIDL " + e.uid));
  }
}

void Pop3Client::dele(const std::vector<int>& numbers, bool pipeline) {
  if (pipeline && pipelining_) {
    std::string batch;
    for (int n : numbers) {
      log_.traffic(thread_, "POP3", true, fmt::format("DELE {}", n));
      batch += fmt::format("DELE {}\r\n", n);
    }
    if (!batch.empty()) channel_.write(batch);
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      auto status = read_status();
      if (!status.ok) throw Pop3Error(Pop3Error::Kind::Protocol, status.line, kHrPop3ResponseError);
    }
    return;
  }
  for (int n : numbers) {
    auto status = command(fmt::format("DELE {}", n));
    if (!status.ok) throw Pop3Error(Pop3Error::Kind::Protocol, status.line, kHrPop3ResponseError);
  }
}

void Pop3Client::quit() {
  auto status = command("QUIT");
  if (!status.ok) throw Pop3Error(Pop3Error::Kind::Protocol, status.line, kHrPop3ResponseError);
}

}  // namespace maillab::connector
