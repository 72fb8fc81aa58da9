#pragma once
// The non-delivery report the robust profile sends to the administrator mailbox when the
// SMTP server refuses a message for good (RFC 3464 multipart/report).
#include <string>
#include <string_view>

#include "maillab/connector/clock.hpp"

namespace maillab::connector {

struct NdrInput {
  std::string reporting_host;  // the connector's HELO name
  std::string admin;
  std::string original_recipient;
  std::string reply;      // "554 5.1.0 Sender denied"
  std::string status;     // "5.1.0", derived from the reply when empty
  std::string file_name;  // where the message now lies in Failed Mail
  std::string_view original;  // the message (CRLF), its header is quoted
};

std::string make_ndr(const NdrInput& in, Clock::time_point now);

}  // namespace maillab::connector
