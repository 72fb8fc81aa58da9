#pragma once
// Streams RETR replies into pending files in Incoming Mail, each prefixed by the envelope
// its header's recipients give.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "maillab/connector/config.hpp"
#include "maillab/connector/file_system.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/connector/pop3_client.hpp"

namespace maillab::connector {

// The envelope recipients of a downloaded message with this header.
std::vector<std::string> recipients_for(const Config& c, const MailboxConfig& m, std::string_view header);

class IncomingWriter final : public Pop3MessageSink {
 public:
  struct Done {
    Pop3Entry entry;
    std::string name;
    std::unique_ptr<PendingFile> file;
  };

  IncomingWriter(const Config& c, const MailboxConfig& m, FileSystem& fs, std::string key, Folders f);

  void begin(const Pop3Entry& e) override;
  void line(std::string_view bytes) override;
  void end(const Pop3Entry& e) override;
  void refused(const Pop3Entry&, const Pop3Status&) override {}

  // The messages received whole since the last call; the writer no longer holds them.
  std::vector<Done> take_done() { return std::exchange(done_, {}); }
  // Drops the message being received, if any (the session broke in the middle of it).
  void abandon_current();

 private:
  void flush_header();

  const Config& c_;
  const MailboxConfig& m_;
  FileSystem& fs_;
  std::string key_;
  Folders folders_;
  std::unique_ptr<PendingFile> current_;
  std::string name_, header_;
  bool in_header_ = true, line_start_ = true;
  std::vector<Done> done_;
};

}  // namespace maillab::connector
