#pragma once
// The inference: the customer's diagnostic log (seed 004's format, any level) and events
// (events.jsonl or Event Viewer's text blocks), as the doctor's readers parse them, to the
// model of what the servers did. Pure: no I/O.
#include <stdexcept>
#include <string>
#include <vector>

#include "maillab/doctor/observations.hpp"
#include "maillab/reproduce/model.hpp"

namespace maillab::reproduce {

// A log line the inference cannot read; what() names the file and line.
class ReadError : public std::runtime_error {
 public:
  ReadError(const std::string& file, int line, const std::string& why);
  int line() const { return line_; }

 private:
  int line_;
};

Model infer(const std::vector<doctor::LogEntry>& log, const std::vector<doctor::EventRecord>& events,
            const std::string& log_file);

// The entries of the log's first retrieval cycle (all of them when the log shows no cycle
// start, like seed 004's excerpt): what the model covers and the comparison compares.
std::vector<doctor::LogEntry> first_cycle(const std::vector<doctor::LogEntry>& log);

}  // namespace maillab::reproduce
