// Seed 002's telnet test and the SMTP stage's probes: EHLO, MAIL FROM without AUTH (the
// anonymous-access check of step 7), RCPT for each address (step 5), then RSET and QUIT.
// Only with send_test does a message go out (DATA and the final dot, seed 004's refusal).
#include <fmt/format.h>

#include "dialog.hpp"
#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

std::optional<std::string> first_line(const std::optional<connector::SmtpReply>& reply) {
  if (!reply) return std::nullopt;
  return reply->first_line();
}

std::string test_message(const SmtpProbe& p) {
  return fmt::format(
      "From: <{}>\r\nTo: <{}>\r\nSubject: maillab doctor test message\r\nMessage-ID: <doctor-test@maillab.invalid>\r\n"
      "\r\nA test message from maillab doctor --send-test (KB 885685, SMTP delivery process).\r\n.\r\n",
      p.sender.empty() ? "postmaster@maillab.invalid" : p.sender, p.rcpts.front());
}

void send_test(Dialog& d, const SmtpProbe& p, SmtpTranscript& t) {
  t.test_sent = true;
  if (d.send("DATA")) t.data_reply = first_line(d.smtp_reply());
  if (!t.data_reply || !t.data_reply->starts_with("354")) return;
  if (d.send_raw(test_message(p), "(the test message)")) t.lines.push_back({true, "."});
  t.dot_reply = first_line(d.smtp_reply());
}

void transaction(Dialog& d, const SmtpProbe& p, SmtpTranscript& t) {
  if (d.send(fmt::format("MAIL FROM:<{}>", p.sender))) t.mail_reply = first_line(d.smtp_reply());
  if (!t.mail_reply || !t.mail_reply->starts_with("2")) return;
  bool accepted = false;
  for (const auto& r : p.rcpts) {
    if (!d.send(fmt::format("RCPT TO:<{}>", r))) return;
    auto reply = first_line(d.smtp_reply());
    if (!reply) return;
    t.rcpts.push_back({r, *reply});
    accepted = accepted || reply->starts_with("2");
  }
  if (p.send_test && accepted) send_test(d, p, t);
}

}  // namespace

SmtpTranscript probe_smtp(const SmtpProbe& p, Resolver& resolver, connector::ChannelFactory& channels,
                          const ProbeOptions& options) {
  SmtpTranscript t;
  t.host = p.server.host;
  t.port = p.server.port;
  auto channel = open_channel(p.server, resolver, channels, options, t.outcome, t.connect_error);
  if (!channel) return t;
  Dialog d(*channel, t.lines, t.broke_off);
  auto banner = d.smtp_reply();
  t.banner = first_line(banner);
  if (!banner || banner->code != 220) return t;
  if (d.send("EHLO " + p.helo)) d.smtp_reply(&t.ehlo);
  if (!t.ehlo.empty() && t.ehlo.front().starts_with("250")) transaction(d, p, t);
  if (d.send(t.test_sent ? "QUIT" : "RSET")) d.smtp_reply();
  if (!t.test_sent && d.send("QUIT")) d.smtp_reply();
  channel->close();
  return t;
}

}  // namespace maillab::doctor
