#pragma once
// Drives a pop3::Session without sockets and renders its actions as the bytes a client
// would read, with markers for the transport actions: [pause N] [close] [reset] [stall]
// [bps N]. A Send with a limit renders only the octets that would go out.
#include <memory>
#include <string>
#include <vector>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/session.hpp"
#include "maillab/net/action.hpp"

namespace maillab::test {

inline std::string render(const std::vector<net::Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    switch (a.kind) {
      case net::Action::Kind::Send: {
        if (a.bytes_per_second) out += "[bps " + std::to_string(a.bytes_per_second) + "]";
        std::string all = a.text + (a.body ? *a.body : "");
        out += all.substr(0, std::min<std::uint64_t>(all.size(), a.limit));
        break;
      }
      case net::Action::Kind::Pause:
        out += "[pause " + std::to_string(a.pause.count()) + "]";
        break;
      case net::Action::Kind::Close:
        out += "[close]";
        break;
      case net::Action::Kind::Reset:
        out += "[reset]";
        break;
      case net::Action::Kind::Stall:
        out += "[stall]";
        break;
      case net::Action::Kind::StartTls:
        out += "[starttls]";
        break;
      case net::Action::Kind::Work:
        out += render(a.then(a.job()));  // inline: the shell does the same, in order
        break;
    }
  }
  return out;
}

struct Pop3Harness {
  pop3::SessionConfig config;
  pop3::Mailboxes mailboxes;
  faults::FaultTable faults;
  std::shared_ptr<pop3::Maildrop> bob = std::make_shared<pop3::Maildrop>("bob", "secret");
  std::uint64_t next_id = 1;
  std::unique_ptr<pop3::Session> session;

  Pop3Harness() { mailboxes.add(bob); }

  void fault(const std::string& spec) { faults.add(faults::parse_fault_spec(spec, pop3::presets())); }

  std::unique_ptr<pop3::Session> open(std::string* banner = nullptr) {
    auto s = std::make_unique<pop3::Session>(config, mailboxes, faults, next_id++);
    auto b = render(s->start());
    if (banner) *banner = b;
    return s;
  }
  std::string start() {
    std::string banner;
    session = open(&banner);
    return banner;
  }
  std::string send(const std::string& bytes) { return render(session->feed(bytes)); }
  std::string login() {
    start();
    send("USER bob\r\n");
    return send("PASS secret\r\n");
  }
};

}  // namespace maillab::test
