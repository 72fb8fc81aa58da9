#pragma once
// Reply parsing for the connector's two clients. Sans-I/O: lines in, replies out. Written
// here and not shared with simulators/ on purpose (ARCHITECTURE.md): a protocol bug must
// not hide on both sides of the same test.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::connector {

// "+OK text" / "-ERR [CODE] text" (RFC 1939, RFC 2449 response codes).
struct Pop3Status {
  bool ok = false;
  std::string code;  // "IN-USE", "AUTH", "SYS/TEMP" ... or ""
  std::string text;  // after the status indicator (and the code), as sent
  std::string line;  // the whole line, for the diagnostic log
};
// nullopt when the line is neither "+OK" nor "-ERR" (a POP3 parse failure).
std::optional<Pop3Status> parse_pop3_status(std::string_view line);

// One line of a multi-line POP3 body: true at the terminating ".", otherwise the line
// with its byte-stuffing removed in `out`.
bool pop3_body_line(std::string_view line, std::string_view& out);

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  // text after "NNN-" / "NNN "
  std::string enhanced;            // "5.1.0" when the first line carries one
  std::string first_line() const;  // "554 5.1.0 Sender denied"
  bool positive() const { return code >= 200 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
};

// Collects the lines of one (possibly multi-line) SMTP reply.
class SmtpReplyReader {
 public:
  // nullopt while the reply continues; throws std::runtime_error on a malformed line.
  std::optional<SmtpReply> feed(std::string_view line);

 private:
  SmtpReply partial_;
};

// The EHLO keywords a client cares about, from a 250 reply.
struct SmtpExtensions {
  bool pipelining = false, size = false, dsn = false, eightbit = false, enhanced = false, starttls = false;
  std::uint64_t size_limit = 0;
  std::vector<std::string> auth;  // mechanisms, upper case
  static SmtpExtensions from_ehlo(const SmtpReply& reply);
};

}  // namespace maillab::connector
