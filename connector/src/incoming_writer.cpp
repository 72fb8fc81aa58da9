#include "incoming_writer.hpp"

#include <algorithm>

#include "maillab/connector/message_file.hpp"

namespace maillab::connector {
namespace {

// The header is held until its end to build the envelope; a header larger than this is
// cut there (the rest goes into the file as body), so a hostile server cannot grow it.
constexpr std::size_t kMaxHeldHeader = 256 * 1024;

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

// The 2003 CDO stage addressed user@mspop3connector.domain for its event sink to resolve.
void to_event_sink_addresses(std::vector<std::string>& recipients) {
  for (auto& a : recipients) {
    auto at = a.rfind('@');
    if (at != std::string::npos) a = a.substr(0, at) + "@mspop3connector." + domain_of(a);
  }
}

}  // namespace

std::vector<std::string> recipients_for(const Config& c, const MailboxConfig& m, std::string_view header) {
  std::vector<std::string> out;
  if (!m.global) {
    out.push_back(m.deliver_to);
  } else {
    for (const auto& a : header_recipients(header)) {
      auto it = m.routing.find(a);
      auto target = it != m.routing.end() ? it->second : c.admin_mailbox;
      if (std::find(out.begin(), out.end(), target) == out.end()) out.push_back(target);
    }
  }
  if (c.delivery.event_sink_addresses) to_event_sink_addresses(out);
  return out;
}

IncomingWriter::IncomingWriter(const Config& c, const MailboxConfig& m, FileSystem& fs, std::string key, Folders f)
    : c_(c), m_(m), fs_(fs), key_(std::move(key)), folders_(std::move(f)) {}

void IncomingWriter::begin(const Pop3Entry& e) {
  name_ = message_file_name(key_, e.uid, e.number);
  current_ = fs_.create(folders_.incoming() + "/" + name_);
  header_.clear();
  in_header_ = line_start_ = true;
}

// A long line comes in pieces; only a whole empty line ends the header.
void IncomingWriter::line(std::string_view bytes) {
  const bool empty_line = line_start_ && (bytes == "\r\n" || bytes == "\n");
  line_start_ = bytes.ends_with('\n');
  if (!in_header_) {
    current_->write(bytes);
    return;
  }
  header_ += bytes;
  if (empty_line || header_.size() > kMaxHeldHeader) flush_header();
}

void IncomingWriter::end(const Pop3Entry& e) {
  if (in_header_) flush_header();
  done_.push_back({e, name_, std::move(current_)});
}

void IncomingWriter::abandon_current() {
  if (current_) fs_.abandon(std::move(current_));
}

void IncomingWriter::flush_header() {
  in_header_ = false;
  current_->write(envelope_header(Envelope{"", recipients_for(c_, m_, header_)}));
  current_->write(header_);
  header_.clear();
}

}  // namespace maillab::connector
