#pragma once
// Exchange 2003's message tracking log as the robust connector reads it: which message
// (Message-ID) reached which mailbox (event 1028, delivered locally to the store). The
// log is the Exchange side's record, the one place that knows what an administrator
// copied into PickUp by hand (KB 885685, CDO step 2) while the connector was stopped.
// Files are tab-separated under a "# Date<TAB>Time<TAB>..." header naming the columns;
// the columns are found by name. Read once, on first use in a cycle.
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "maillab/connector/file_system.hpp"

namespace maillab::connector {

class TrackingLog {
 public:
  TrackingLog(FileSystem& fs, std::string folder) : fs_(fs), folder_(std::move(folder)) {}
  // `recipient` in lower case.
  bool delivered(const std::string& message_id, const std::string& recipient);

 private:
  void load();
  void read_file(const std::string& text);

  FileSystem& fs_;
  std::string folder_;
  bool loaded_ = false;
  std::set<std::pair<std::string, std::string>> delivered_;  // (Message-ID, recipient)
};

}  // namespace maillab::connector
