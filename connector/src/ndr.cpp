#include "maillab/connector/ndr.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "maillab/base/message_text.hpp"

namespace maillab::connector {

std::string make_ndr(const NdrInput& in, Clock::time_point now) {
  auto secs = std::chrono::floor<std::chrono::seconds>(now);
  auto date = fmt::format("{:%a, %d %b %Y %H:%M:%S} +0000", secs);
  auto boundary = fmt::format("maillab-ndr-{:x}", secs.time_since_epoch().count());
  auto status = in.status;
  if (status.empty()) status = in.reply.size() >= 1 && in.reply[0] == '4' ? "4.0.0" : "5.0.0";
  auto body_at = body_offset(in.original);
  auto header = in.original.substr(0, body_at == std::string::npos ? in.original.size() : body_at);
  auto subject = header_value(in.original, "Subject");
  std::string out;
  out += "From: POP3 Connector <postmaster@" + in.reporting_host + ">\r\n";
  out += "To: <" + in.admin + ">\r\n";
  out += "Subject: Undeliverable: " + subject + "\r\n";
  out += "Date: " + date + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-replied\r\n";
  out += "Content-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
  out += "The POP3 connector could not deliver a message to " + in.original_recipient + ".\r\n";
  out += "The SMTP server answered: " + in.reply + "\r\n";
  out += "The message was kept in Failed Mail as " + in.file_name + ".\r\n\r\n";
  out += "--" + boundary + "\r\nContent-Type: message/delivery-status\r\n\r\n";
  out += "Reporting-MTA: dns; " + in.reporting_host + "\r\n";
  out += "Arrival-Date: " + date + "\r\n\r\n";
  out += "Final-Recipient: rfc822; " + in.original_recipient + "\r\n";
  out += "Action: failed\r\n";
  out += "Status: " + status + "\r\n";
  out += "Diagnostic-Code: smtp; " + in.reply + "\r\n\r\n";
  out += "--" + boundary + "\r\nContent-Type: text/rfc822-headers\r\n\r\n";
  out += std::string(header);
  if (!header.ends_with("\r\n")) out += "\r\n";
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace maillab::connector
