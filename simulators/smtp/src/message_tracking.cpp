#include "message_tracking.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "maillab/base/message_text.hpp"

namespace maillab::smtp {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFields =
    "# Date\tTime\tclient-ip\tClient-hostname\tPartner-Name\tServer-hostname\tserver-IP\tRecipient-Address\t"
    "Event-ID\tMSGID\tPriority\tRecipient-Report-Status\ttotal-bytes\tNumber-Recipients\tOrigination-Time\t"
    "Encryption\tservice-Version\tLinked-MSGID\tMessage-Subject\tSender-Address";

// A field holds no tab or line end.
std::string field(std::string s) {
  for (auto& c : s)
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  return s.empty() ? "-" : s;
}

}  // namespace

fs::path tracking_folder(const fs::path& store, const std::string& hostname) { return store / (hostname + ".log"); }

void track_deliveries(const fs::path& folder, const std::string& hostname, const Envelope& env,
                      const std::string& message, const std::vector<Placement>& placements) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto file = folder / fmt::format("{:%Y%m%d}.log", now);
  std::error_code ec;
  fs::create_directories(folder, ec);
  bool fresh = !fs::exists(file, ec);
  std::string rows;
  if (fresh) rows = "# Message Tracking Log File\r\n# Exchange System Attendant Version 6.5.7638.1\r\n" +
                    std::string(kFields) + "\r\n";
  auto id = field(header_value(message, "Message-ID"));
  auto subject = field(header_value(message, "Subject"));
  auto time = fmt::format("{:%H:%M:%S} GMT", now);
  for (const auto& p : placements) {
    if (p.where != Destination::Mailbox) continue;
    rows += fmt::format("{:%Y-%m-%d}\t{}\t-\t-\t-\t{}\t-\t{}\t{}\t{}\t0\t0\t{}\t{}\t{:%Y-%m-%d} {}\t0\t-\t-\t{}\t{}\r\n",
                        now, time, field(hostname), field(p.target), kTrackingDeliveredLocally, id, message.size(),
                        env.recipients.size(), now, time, subject, field(env.from));
  }
  std::ofstream(file, std::ios::binary | std::ios::app) << rows;
}

}  // namespace maillab::smtp
