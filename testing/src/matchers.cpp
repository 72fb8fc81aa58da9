#include "maillab/testing/matchers.hpp"

#include "maillab/base/message_text.hpp"

namespace maillab::testing {

std::string message_id_of(const std::string& text) { return header_value(text, "Message-ID"); }

std::string describe_placements(const SmtpServer& smtp) {
  std::string out;
  for (const auto& p : smtp.placements())
    out += "  " + p.id + " for " + p.recipient + ": " + std::string(smtp::destination_name(p.where)) + " " + p.target +
           (p.folder.empty() ? "" : "/" + p.folder) + " (" + message_id_of(smtp.text(p)) + ")\n";
  return out.empty() ? "  (nothing)\n" : out;
}

}  // namespace maillab::testing
