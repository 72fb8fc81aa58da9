#pragma once
// The customer's log against maillab's, line for line, with what differs by nature masked:
// the time stamps (compared without "[t N] DATE, TIME: "), the hosts and ports, the
// message files' names, the SMTP server's queue ids and the message text. The download thread's lines and the delivery
// thread's interleave in an order no run can fix (seed 004 shows RETR 2 among the SMTP
// lines of message 1), and each mailbox downloads on its own thread ("[t N]"), so each
// download thread's lines and the rest are compared each in their own order and shown in
// the customer's.
#include <string>
#include <string_view>
#include <vector>

#include "maillab/doctor/observations.hpp"

namespace maillab::reproduce {

// A log entry's text (without its stamp) with hosts, ports, file names and message text masked.
std::string mask_line(std::string_view text);

struct LineComparison {
  int customer_line = 0;    // in the customer's file
  std::string customer;     // masked
  std::string maillab;      // masked; "" when maillab's log had no line there
  int maillab_line = 0;     // 0: none
  bool same = false;
};

struct LogComparison {
  std::vector<LineComparison> lines;  // one per entry of the customer's log, in its order
  int matched() const;
  bool all_match() const { return matched() == static_cast<int>(lines.size()); }
};

LogComparison compare_logs(const std::vector<doctor::LogEntry>& customer, const std::vector<doctor::LogEntry>& maillab);

// "  12 = (SMTP) [RX] 554 5.1.0 Sender denied" for a match; a difference shows both lines.
std::string render_comparison(const LogComparison& comparison);

}  // namespace maillab::reproduce
