// libFuzzer target: arbitrary bytes into an SMTP session (commands, DATA, BDAT, AUTH),
// fed whole and split at a point the input chooses. Both must give the same replies and
// store the same messages, and nothing may crash or leak. STARTTLS is offered: what
// follows an accepted STARTTLS in the plain-text stream is never answered or stored
// (RFC 3207 4.2), so the replies end at "[starttls]".
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "maillab/faults/fault_table.hpp"
#include "maillab/smtp/session.hpp"

using namespace maillab;
using namespace maillab::smtp;
namespace fs = std::filesystem;

namespace {

std::string run(std::string_view input, std::size_t split, const fs::path& store, std::size_t* placed) {
  fs::remove_all(store);
  WorldConfig w;
  w.accepted_domains = {"contoso.local"};
  MailboxConfig bob;
  bob.address = "bob@contoso.local";
  w.mailboxes = {bob};
  w.size_limit = 4096;
  w.auth_users = {{"u", "p"}};
  faults::FaultTable faults;
  World world(w, store, faults);
  SessionConfig config;
  config.max_command_line = 128;
  config.tls = net::TlsMode::Offered;
  Session s(config, world, faults, 1, net::Peer{"127.0.0.1", 1});
  std::string out;
  bool upgraded = false;  // the rest of the plain-text stream is the attacker's: not fed
  bool answered_after_tls = false;  // an action after StartTls: a pipelined command ran
  auto take = [&](const std::vector<net::Action>& actions) {
    for (auto& a : actions) {
      if (a.kind == net::Action::Kind::Work) {
        for (auto& b : a.then(a.job())) out += b.text;
        continue;
      }
      answered_after_tls = answered_after_tls || upgraded;
      upgraded = upgraded || a.kind == net::Action::Kind::StartTls;
      out += a.text + (a.kind == net::Action::Kind::Close ? "[close]" : "") +
             (a.kind == net::Action::Kind::StartTls ? "[starttls]" : "");
    }
  };
  take(s.start());
  take(s.feed(input.substr(0, split)));
  if (!upgraded) take(s.feed(input.substr(split)));
  if (answered_after_tls) std::abort();
  *placed = world.placements().size();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const fs::path store = fs::temp_directory_path() / ("maillab-smtp-fuzz-" + std::to_string(::getpid()));
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t split = input.empty() ? 0 : data[0] % (input.size() + 1);
  std::size_t placed_whole = 0, placed_split = 0;
  auto whole = run(input, 0, store, &placed_whole);
  auto split_out = run(input, split, store, &placed_split);
  if (whole != split_out || placed_whole != placed_split) std::abort();
  return 0;
}
