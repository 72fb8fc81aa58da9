// KB 885685's telnet check, typed by the doctor: the banner, user, pass, stat, quit.
// Nothing that changes the maildrop (no RETR, no DELE).
#include "dialog.hpp"
#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

bool ok(const std::optional<std::string>& reply) { return reply && reply->starts_with("+OK"); }

void logon_and_stat(Dialog& d, const Pop3Probe& p, Pop3Transcript& t) {
  if (d.send("USER " + p.user)) t.user_reply = d.line();
  if (!ok(t.user_reply)) return;
  if (d.send("PASS " + p.password, "PASS ****")) t.pass_reply = d.line();
  if (!ok(t.pass_reply)) return;
  if (d.send("STAT")) t.stat_reply = d.line();
}

}  // namespace

Pop3Transcript probe_pop3(const Pop3Probe& p, Resolver& resolver, connector::ChannelFactory& channels,
                          const ProbeOptions& options) {
  Pop3Transcript t;
  t.host = p.server.host;
  t.port = p.server.port;
  auto channel = open_channel(p.server, resolver, channels, options, t.outcome, t.connect_error);
  if (!channel) return t;
  Dialog d(*channel, t.lines, t.broke_off);
  t.banner = d.line();
  if (ok(t.banner)) logon_and_stat(d, p, t);
  if (ok(t.banner) && d.send("QUIT")) t.quit_reply = d.line();
  channel->close();
  return t;
}

}  // namespace maillab::doctor
