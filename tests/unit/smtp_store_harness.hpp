#pragma once
// Helpers for the tests of smtpd's store: a world with every kind of place (several
// mailboxes, a client rule, a forward with deliver-to-both), a message sent through a
// real Session (so the reply is what a client reads), and the files a store holds.
#include <filesystem>
#include <string>
#include <vector>

#include "maillab/base/files.hpp"
#include "maillab/smtp/session.hpp"
#include "maillab/smtp/world.hpp"
#include "session_harness.hpp"

namespace maillab::test {

// bob, alice (a client rule files "[SPAM]" under "Junk E-mail"), carol (forwards to
// dave@fabrikam.com and keeps a copy), the administrator.
inline smtp::WorldConfig many_places_world() {
  auto w = smtp::default_world();
  smtp::MailboxConfig alice;
  alice.address = "alice@contoso.local";
  alice.rules.push_back({"Junk E-mail", "[SPAM]", ""});
  smtp::MailboxConfig carol;
  carol.address = "carol@contoso.local";
  carol.forward_to = "dave@fabrikam.com";
  carol.deliver_to_both = true;
  w.mailboxes.push_back(alice);
  w.mailboxes.push_back(carol);
  return w;
}

// The places many_places_world() puts a message to bob, alice and carol (folders
// relative to the store).
inline const std::vector<std::string>& many_places() {
  static const std::vector<std::string> places{"bob@contoso.local/Inbox", "alice@contoso.local/Junk E-mail",
                                               "carol@contoso.local/Inbox", ".forwarded/dave@fabrikam.com"};
  return places;
}

// One SMTP session that sends `text` to `recipients`; the reply to the final dot.
inline std::string send_message(smtp::World& world, faults::FaultTable& faults, const std::vector<std::string>& recipients,
                                const std::string& text) {
  smtp::SessionConfig config;
  smtp::Session session(config, world, faults, 1, net::Peer{"172.16.0.1", 1025});
  render(session.start());
  std::string commands = "EHLO sbs.contoso.local\r\nMAIL FROM:<alice@fabrikam.com>\r\n";
  for (const auto& r : recipients) commands += "RCPT TO:<" + r + ">\r\n";
  render(session.feed(commands));
  render(session.feed("DATA\r\n"));
  return render(session.feed(text + ".\r\n"));
}

// Every regular file under `root`, relative to it, sorted.
inline std::vector<std::string> stored_files(const std::filesystem::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) out.push_back(it->path().lexically_relative(root).string());
  std::sort(out.begin(), out.end());
  return out;
}

// How many files in `dir` hold `mark`.
inline int copies_of(const std::filesystem::path& dir, const std::string& mark) {
  int n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (read_file(it->path()).value_or("").find(mark) != std::string::npos) ++n;
  return n;
}

}  // namespace maillab::test
