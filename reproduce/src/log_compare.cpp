#include "maillab/reproduce/log_compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "log_lines.hpp"

namespace maillab::reproduce {
namespace {

// A host name is a dotted name with a letter in its last label, not part of an address.
std::string mask_host_names(const std::string& text) {
  static const std::regex name(R"([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*)");
  std::string out;
  std::size_t done = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator(); ++it) {
    auto at = static_cast<std::size_t>(it->position());
    auto length = static_cast<std::size_t>(it->length());
    // "250-mail1.example.com": the reply code is not part of the name.
    static const std::regex code(R"(^\d{3}-)");
    if (std::regex_search(it->str(), code)) {
      at += 4;
      length -= 4;
    }
    const bool in_address = at > 0 && text[at - 1] == '@';
    const bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
    out += text.substr(done, at - done);
    out += in_address || !word_start ? text.substr(at, length) : "HOST";
    done = at + length;
  }
  return out + text.substr(done);
}

struct Side {
  std::vector<const doctor::LogEntry*> entries;
  std::vector<std::string> masked;
};

// The offset into `theirs` at which most of `ours` lines up (the customer's log may be an
// excerpt that starts mid-cycle, as seed 004's does).
std::size_t best_offset(const Side& ours, const Side& theirs) {
  std::size_t best = 0;
  int best_count = -1;
  for (std::size_t off = 0; off < std::max<std::size_t>(1, theirs.masked.size()); ++off) {
    int count = 0;
    for (std::size_t i = 0; i < ours.masked.size() && off + i < theirs.masked.size(); ++i)
      count += ours.masked[i] == theirs.masked[off + i];
    if (count > best_count) {
      best_count = count;
      best = off;
    }
  }
  return best;
}

// The delivery thread sends every mailbox's files through one SMTP session in the order
// they were downloaded, which the download threads do not fix: a file's lines go with its
// mailbox ("Sending message", the failure block and the delivery lines carry its [t N];
// the SMTP lines, always on [t 0], follow the file they send), while the cycle's own lines
// and the session's opening and closing (greeting, EHLO, QUIT) keep the cycle's order (-1).
class DeliveryOwner {
 public:
  int of(const doctor::LogEntry& e) {
    const auto kind = line_kind(e.text);
    if (kind == LineKind::CycleStarted || kind == LineKind::CycleCompleted) return -1;
    if (!e.text.starts_with("(SMTP) ")) return file_ = std::max(e.thread, 0);
    if (e.text.starts_with("(SMTP) [TX] MAIL ")) opening_ = false;
    if (e.text.starts_with("(SMTP) [TX] QUIT")) opening_ = true;
    return opening_ ? -1 : file_;
  }

 private:
  bool opening_ = true;
  int file_ = 0;  // the mailbox of the file being sent
};

// Each mailbox's download thread ("[t N]") writes in its own order, and the delivery
// thread in the order of each mailbox's files.
struct Sides {
  std::map<int, Side> download;  // by thread
  std::map<int, Side> delivery;  // by the file's mailbox; -1 the cycle's lines
};

Sides split(const std::vector<doctor::LogEntry>& log) {
  Sides out;
  DeliveryOwner owner;
  for (const auto& e : log) {
    auto& side = download_side(e.text) ? out.download[std::max(e.thread, 0)] : out.delivery[owner.of(e)];
    side.entries.push_back(&e);
    side.masked.push_back(mask_line(e.text));
  }
  return out;
}

void compare_side(const Side& customer, const Side& maillab, std::vector<LineComparison>& out) {
  const auto off = best_offset(customer, maillab);
  for (std::size_t i = 0; i < customer.entries.size(); ++i) {
    LineComparison c{customer.entries[i]->line, customer.masked[i], "", 0, false};
    if (off + i < maillab.entries.size()) {
      c.maillab = maillab.masked[off + i];
      c.maillab_line = maillab.entries[off + i]->line;
      c.same = c.maillab == c.customer;
    }
    out.push_back(std::move(c));
  }
}

void compare_sides(const std::map<int, Side>& customer, const std::map<int, Side>& maillab,
                   std::vector<LineComparison>& out) {
  for (const auto& [key, side] : customer) {
    const auto same = maillab.find(key);
    compare_side(side, same != maillab.end() ? same->second : Side{}, out);
  }
}

std::string shown(const std::string& text) {
  std::string out = text;
  for (std::size_t at = 0; (at = out.find('\n', at)) != std::string::npos;) out.replace(at, 1, " \u23ce ");
  return out;
}

}  // namespace

std::string mask_line(std::string_view view) {
  std::string text(view);
  // The message text between "(SMTP) [TX]" and its final dot, where a log shows it.
  if (text.starts_with("(SMTP) [TX]") && text.find('\n') != std::string::npos) text = "(SMTP) [TX]\n.";
  static const std::regex file(R"(\d{10,}-\d+-[0-9a-f]+-[^ ]*?\.eml)");
  static const std::regex address(R"(\b\d{1,3}(\.\d{1,3}){3}\b|\[[0-9a-fA-F:]*:[0-9a-fA-F:]*\])");
  static const std::regex port(R"(\bHOST:\d+\b)");
  static const std::regex on_port(R"(\bon port \d+)");
  // A queue id counts the server's mail, in an order two mailboxes do not fix.
  static const std::regex queue_id(R"(^(\(SMTP\) \[RX\] 250 [0-9.]* ?<)[^@>\s]+(@[^>\s]+> Queued mail for delivery))");
  text = std::regex_replace(text, queue_id, "$1ID$2");
  text = std::regex_replace(text, file, "FILE");
  text = std::regex_replace(text, on_port, "on port PORT");
  text = std::regex_replace(text, address, "HOST");
  text = mask_host_names(text);
  return std::regex_replace(text, port, "HOST:PORT");
}

int LogComparison::matched() const {
  return static_cast<int>(std::ranges::count_if(lines, [](const LineComparison& c) { return c.same; }));
}

LogComparison compare_logs(const std::vector<doctor::LogEntry>& customer, const std::vector<doctor::LogEntry>& maillab) {
  const auto theirs = split(customer);
  const auto ours = split(maillab);
  LogComparison out;
  compare_sides(theirs.download, ours.download, out.lines);
  compare_sides(theirs.delivery, ours.delivery, out.lines);
  std::ranges::sort(out.lines, {}, &LineComparison::customer_line);
  return out;
}

std::string render_comparison(const LogComparison& comparison) {
  std::string out;
  for (const auto& c : comparison.lines) {
    if (c.same) {
      out += fmt::format("  {:>4} = {}\n", c.customer_line, shown(c.customer));
      continue;
    }
    out += fmt::format("  {:>4} ! {}\n", c.customer_line, shown(c.customer));
    out += c.maillab_line ? fmt::format("       maillab's line {}: {}\n", c.maillab_line, shown(c.maillab))
                          : "       maillab's log has no line here\n";
  }
  out += fmt::format("{} of {} lines match\n", comparison.matched(), comparison.lines.size());
  return out;
}

}  // namespace maillab::reproduce
