// libFuzzer target: arbitrary bytes into a POP3 session, fed whole and split at a point
// the input chooses. Both must give the same replies, and neither may crash, leak, or
// leave the maildrop changed unless a QUIT was answered with +OK. STLS is offered: what
// follows an accepted STLS in the plain-text stream is never answered (RFC 2595, the
// injection of RFC 3207 4.2), so the replies end at "[starttls]".
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>

#include "maillab/faults/fault_table.hpp"
#include "maillab/pop3/replies.hpp"
#include "maillab/pop3/session.hpp"

using namespace maillab;
using namespace maillab::pop3;

namespace {

std::string run(std::string_view input, std::size_t split, std::size_t* left) {
  SessionConfig config;
  config.max_line = 64;
  config.apop = true;
  config.tls = net::TlsMode::Offered;
  Mailboxes mailboxes;
  auto bob = std::make_shared<Maildrop>("bob", "secret");
  bob->add("a", "Subject: a\r\n\r\n.dot\r\nbody\r\n");
  bob->add("b", "Subject: b\r\n\r\nbody\r\n");
  mailboxes.add(bob);
  faults::FaultTable faults;
  Session s(config, mailboxes, faults, 1);
  std::string out;
  bool upgraded = false;  // the rest of the plain-text stream is the attacker's: not fed
  bool answered_after_tls = false;  // an action after StartTls: a pipelined command ran
  std::function<void(const std::vector<Action>&)> take = [&](const std::vector<Action>& actions) {
    for (auto& a : actions) {
      if (a.kind == Action::Kind::Work) {
        take(a.then(a.job()));  // the maildrop scan, a read, UPDATE: inline, as the shell does
        continue;
      }
      answered_after_tls = answered_after_tls || upgraded;
      upgraded = upgraded || a.kind == Action::Kind::StartTls;
      out += a.text + (a.body ? *a.body : "") + (a.kind == Action::Kind::Close ? "[close]" : "") +
             (a.kind == Action::Kind::StartTls ? "[starttls]" : "");
    }
  };
  take(s.start());
  take(s.feed(input.substr(0, split)));
  if (!upgraded) take(s.feed(input.substr(split)));
  s.abort();
  if (answered_after_tls) std::abort();
  *left = bob->snapshot().size();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t split = input.empty() ? 0 : data[0] % (input.size() + 1);
  std::size_t left_whole = 0, left_split = 0;
  auto whole = run(input, 0, &left_whole);
  auto split_out = run(input, split, &left_split);
  if (whole != split_out || left_whole != left_split) std::abort();
  if (left_whole != 2 && whole.find(std::string(reply::kQuit) + "\r\n[close]") == std::string::npos) std::abort();
  return 0;
}
