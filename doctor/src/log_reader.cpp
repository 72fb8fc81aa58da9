// The connector's diagnostic log in seed 004's format:
//   [t 0] 07/29/20, 15:49:30: (POP3) [TX] RETR 1
// A line without the stamp continues the entry before it (seed 004's "(SMTP) [TX]" of the
// message text ends with a line holding only "."). Text before the first stamp is refused.
#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {

std::vector<LogEntry> parse_log(const std::string& text, const std::string& file_name) {
  static const std::regex stamp(R"(^\[t (\d{1,9})\] \d\d/\d\d/\d\d, \d\d:\d\d:\d\d: ?)");
  std::vector<LogEntry> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.ends_with('\r')) line.pop_back();
    std::smatch m;
    if (std::regex_search(line, m, stamp)) {
      out.push_back({n, line.substr(m.length(0)), std::stoi(m[1])});
    } else if (!out.empty()) {
      out.back().text += "\n" + line;
    } else if (!line.empty()) {
      throw std::runtime_error(fmt::format(
          "{}:{}: not a line of the connector's log (expected '[t N] MM/DD/YY, HH:MM:SS: text'): '{}'", file_name, n,
          line.substr(0, 80)));
    }
  }
  return out;
}

std::vector<LogEntry> read_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_log(text.str(), path);
}

}  // namespace maillab::doctor
