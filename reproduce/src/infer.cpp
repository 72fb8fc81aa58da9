// Reads the customer's log as the connector writes it: each "[TX]" is a command, each
// "[RX]" the reply to the oldest command still unanswered (robust pipelines RETR and
// DELE, so several may be), a reply with no command before it the greeting. Each
// mailbox's POP3 session is on its own thread ("[t N]"), read apart from the others.
#include "maillab/reproduce/infer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <regex>

#include "event_clues.hpp"
#include "log_lines.hpp"
#include "mailboxes.hpp"
#include "maillab/smtp/replies.hpp"

namespace maillab::reproduce {

ReadError::ReadError(const std::string& file, int line, const std::string& why)
    : std::runtime_error(fmt::format("{}:{}: {}", file, line, why)), line_(line) {}

namespace {

struct Pending {
  std::string verb;
  int message = 0;
  int occurrence = 0;
};

struct Session {
  std::deque<Pending> pending;
  bool greeted = false;
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The connector's words for a corrupt file (connector/src/message_file.cpp) to the POP3
// fault that makes one (docs/faults.md, `corrupt`); "" for words it does not know.
std::string corruption_kind(const std::string& why) {
  if (why.starts_with("NUL bytes")) return "nul";
  if (why.starts_with("bare LF")) return "bare-lf";
  if (why.starts_with("header line that is not a field")) return "no-separator";
  if (why.starts_with("8-bit bytes in the header")) return "8bit-header";
  if (why.find("never closed") != std::string::npos) return "truncated";
  if (why.starts_with("broken MIME boundary")) return "broken-boundary";
  return "";
}

class Inference {
 public:
  explicit Inference(std::string file) : file_(std::move(file)) {}
  void entry(const doctor::LogEntry& e);
  Model take() { return std::move(m_); }

 private:
  void traffic(const doctor::LogEntry& e);
  void sent(Protocol p, const std::string& command);
  void received(Protocol p, const std::string& reply, int line);
  void counts(LineKind kind, const std::string& text);
  void recipients(const std::string& list);
  void connect_failed(const std::string& text, int line);
  void download_problem(const std::string& text, int line);
  void delivery(const std::string& text);
  void keyword(const std::string& reply);
  void add_reply(Protocol p, const Pending& to, const std::string& text, int line);
  bool has_reply(Protocol p, std::initializer_list<const char*> verbs) const {
    return reproduce::has_reply(m_, p, verbs, p == Protocol::Pop3 ? thread_ : -1);
  }
  Session& session(Protocol p) { return p == Protocol::Pop3 ? pop3_[thread_] : smtp_; }
  Mailbox& box() { return mailbox(m_, thread_); }

  std::string file_;
  Model m_;
  int thread_ = 0;               // the entry's "[t N]"
  std::map<int, Session> pop3_;  // by thread
  Session smtp_;
  std::map<std::tuple<Protocol, int, std::string>, int> occurrences_;  // by thread for POP3
  std::map<int, Pending> last_pop3_;  // the POP3 command answered last, by thread
  int handed_on_ = 0;  // the delivery stage's files so far (Moved, corrupt, Sending)
  bool ehlo_read_ = false;
};

void Inference::entry(const doctor::LogEntry& e) {
  const auto kind = line_kind(e.text);
  thread_ = std::max(e.thread, 0);
  box();  // every thread is a mailbox: the cycle's own lines are on the first one's
  m_.level = std::max(m_.level, level_of(kind));
  ++m_.lines_read;
  switch (kind) {
    case LineKind::Traffic: traffic(e); break;
    case LineKind::Connecting:
    case LineKind::OnServer:
    case LineKind::Downloading:
    case LineKind::Sending:
    case LineKind::CycleCompleted: counts(kind, e.text); break;
    case LineKind::Delivery: delivery(e.text); break;
    case LineKind::ConnectFailed: connect_failed(e.text, e.line); break;
    case LineKind::DownloadProblem: download_problem(e.text, e.line); break;
    case LineKind::Other: m_.notes.push_back(fmt::format("line {}: not modelled: {}", e.line, e.text)); break;
    default: break;
  }
}

void Inference::traffic(const doctor::LogEntry& e) {
  static const std::regex shape(R"(^\((POP3|SMTP)\) \[(TX|RX)\]( ([^\n]*))?(\n[\s\S]*)?$)");
  std::smatch m;
  if (!std::regex_match(e.text, m, shape))
    throw ReadError(file_, e.line, fmt::format("expected '(POP3) [TX] ...' or '(SMTP) [RX] ...', not '{}'", e.text));
  const auto p = m[1] == "POP3" ? Protocol::Pop3 : Protocol::Smtp;
  std::string text = m[4];
  // The end of the message text: seed 004's "(SMTP) [TX]" with the dot on the next line
  // (and whatever message text a hand-written log puts between).
  if (m[5].matched) {
    const std::string rest = m[5];
    text = rest.substr(rest.find_last_of('\n') + 1);
  }
  if (m[2] == "TX") sent(p, text);
  else received(p, text, e.line);
}

void Inference::sent(Protocol p, const std::string& command) {
  Pending c;
  auto space = command.find(' ');
  c.verb = upper(command.substr(0, space));
  if (space != std::string::npos && (c.verb == "RETR" || c.verb == "DELE")) c.message = std::atoi(command.c_str() + space + 1);
  c.occurrence = ++occurrences_[{p, p == Protocol::Pop3 ? thread_ : 0, c.verb}];
  if (p == Protocol::Smtp && c.verb == "MAIL" && upper(command).find("BODY=8BITMIME") != std::string::npos)
    m_.eightbit.insert(handed_on_);
  session(p).pending.push_back(c);
  if (p == Protocol::Pop3 && c.verb == "USER" && space != std::string::npos) box().user = command.substr(space + 1);
}

void Inference::received(Protocol p, const std::string& reply, int line) {
  static const std::regex smtp_reply(R"(^[2-5]\d\d([ -].*)?$)");
  if (p == Protocol::Pop3 && !reply.starts_with("+OK") && !reply.starts_with("-ERR") && !reply.starts_with("+ "))
    throw ReadError(file_, line, fmt::format("a POP3 reply must start with +OK or -ERR, not '{}'", reply));
  if (p == Protocol::Smtp && !std::regex_match(reply, smtp_reply))
    throw ReadError(file_, line, fmt::format("an SMTP reply must start with a three-digit code, not '{}'", reply));
  auto& s = session(p);
  if (p == Protocol::Smtp && reply.size() > 3 && reply[3] == '-') {  // a line of a multi-line reply
    if (!s.pending.empty() && s.pending.front().verb == "EHLO") keyword(reply);
    return;
  }
  Pending to;
  if (!s.pending.empty()) {
    to = s.pending.front();
    s.pending.pop_front();
  } else if (!s.greeted) {
    to = {"connect", 0, ++occurrences_[{p, p == Protocol::Pop3 ? thread_ : 0, "connect"}]};
  } else {
    m_.notes.push_back(fmt::format("line {}: a reply to no command: {}", line, reply));
    return;
  }
  s.greeted = to.verb != "QUIT";
  if (p == Protocol::Pop3) last_pop3_[thread_] = to;
  add_reply(p, to, reply, line);
}

void Inference::add_reply(Protocol p, const Pending& to, const std::string& text, int line) {
  static const std::regex listing(R"(^\+OK (\d+) messages \((\d+) octets\)$)");
  std::smatch m;
  if (p == Protocol::Pop3 && to.verb == "LIST" && std::regex_match(text, m, listing)) {
    box().message_count = std::stoi(m[1]);
    box().total_octets = std::stoull(m[2]);
  }
  if (p == Protocol::Smtp && to.verb == "EHLO") ehlo_read_ = true;
  m_.replies.push_back({p, to.verb, to.message, to.occurrence, text, line, p == Protocol::Pop3 ? thread_ : 0});
}

// The first EHLO's keywords; the first line of the reply is the server's hello.
void Inference::keyword(const std::string& reply) {
  if (ehlo_read_ || reply.find(" Hello ") != std::string::npos) return;
  m_.ehlo.push_back(reply.substr(4));
}

void Inference::delivery(const std::string& text) {
  static const std::regex corrupt(R"(^Message file \S+ is corrupt: (.*)\.$)");
  std::smatch m;
  if (text.starts_with("Moved message ") && text.ends_with(" to the pickup folder.")) {
    m_.pickup = true;
    ++handed_on_;
  } else if (std::regex_match(text, m, corrupt)) {
    m_.corrupt[++handed_on_] = corruption_kind(m[1]);
  }
}

void Inference::counts(LineKind kind, const std::string& text) {
  static const std::regex downloading(R"(^Downloading message \d+ of (\d+)\.)");
  static const std::regex on_server(R"(^(\d+) messages on the server, )");
  static const std::regex connecting(R"(^Connecting to (.+):\d+ for user (.+)\.$)");
  // The ellipsis as its UTF-8 bytes: std::regex reads bytes.
  static const std::regex sending("^Sending message (\\d+) to the SMTP recipient (.+)\u2026$");
  std::smatch m;
  if (kind == LineKind::Downloading && std::regex_search(text, m, downloading)) box().message_count = std::stoi(m[1]);
  if (kind == LineKind::OnServer && std::regex_search(text, m, on_server)) box().message_count = std::stoi(m[1]);
  if (kind == LineKind::Connecting && std::regex_match(text, m, connecting)) {
    box().user = m[2];
    pop3_[thread_] = {};
  }
  static const std::regex completed(R"(^Retrieval cycle completed: (\d+) downloaded, (.*) (\d+) left)");
  static const std::regex handed(R"((\d+) delivered, (\d+) failed)");
  if (kind == LineKind::CycleCompleted && std::regex_search(text, m, completed)) {
    m_.downloaded = std::stoi(m[1]);
    m_.left = std::stoi(m[3]);
    if (std::smatch h; std::regex_search(m[2].first, m[2].second, h, handed)) {
      m_.delivered = std::stoi(h[1]);
      m_.failed = std::stoi(h[2]);
    }
    m_.delivery_blocked = m_.left > 0 && handed_on_ == 0;
  }
  if (kind == LineKind::Sending) ++handed_on_;
  if (kind == LineKind::Sending && std::regex_match(text, m, sending)) {
    std::string list = m[2];
    // The message numbers are the first mailbox's (a message's details are modelled for it).
    if (thread_ == m_.mailboxes.front().thread) m_.recipient_of[std::stoi(m[1])] = lower(list.substr(0, list.find(", ")));
    recipients(list);
  }
}

// "a@x, b@y": each address once, in the model's list and the mailbox's.
void Inference::recipients(const std::string& list) {
  for (std::size_t at = 0; at <= list.size();) {
    auto comma = std::min(list.find(", ", at), list.size());
    auto address = lower(list.substr(at, comma - at));
    for (auto* to : {&m_.recipients, &box().recipients})
      if (!address.empty() && std::ranges::find(*to, address) == to->end()) to->push_back(address);
    at = comma + 2;
  }
}

void Inference::connect_failed(const std::string& text, int line) {
  static const std::regex shape(R"(^Could not open a connection to the POP3 server (.+):\d+ for user ([^:]+): (.*)$)");
  std::smatch m;
  if (!std::regex_match(text, m, shape))
    throw ReadError(file_, line, "expected 'Could not open a connection to the POP3 server HOST:PORT for user U: why'");
  box().user = m[2];
  m_.connect_failure_line = line;
  m_.connect_failure_thread = thread_;
  if (!read_connect_failure(m[3], m_))
    m_.notes.push_back(fmt::format("line {}: a connect failure not modelled: {}", line, m[3].str()));
}

// Below Maximum the replies are not logged, but a refused logon or greeting is, in words.
void Inference::download_problem(const std::string& text, int line) {
  static const std::regex ended(R"(^The POP3 session on \S+ for user (.+?) was ended)");
  if (std::smatch m; box().user.empty() && std::regex_search(text, m, ended)) box().user = m[1];
  if (text.starts_with("logon: ") && !has_reply(Protocol::Pop3, {"PASS", "USER", "APOP", "AUTH"}))
    add_reply(Protocol::Pop3, {"PASS", 0, 1}, text.substr(7), line);
  if (text.starts_with("greeting: ") && !has_reply(Protocol::Pop3, {"connect"}))
    add_reply(Protocol::Pop3, {"connect", 0, 1}, text.substr(10), line);
  if (text.starts_with("connection closed by the server") || text.starts_with("connection lost: ")) {
    const auto& pending = pop3_[thread_].pending;
    const auto& last = last_pop3_[thread_];
    if (!pending.empty()) m_.pop3_drop = Model::Drop{pending.front().verb, pending.front().message, false, thread_};
    else if (!last.verb.empty()) m_.pop3_drop = Model::Drop{last.verb, last.message, true, thread_};
  }
}

// Below Maximum, mail downloaded and then neither delivered, failed nor left says only that
// the SMTP server refused it (sbs2003 drops the file and leaves the mail on the POP3
// server); without a word of which command, the first the KB checks (error 86: anonymous
// access off) replays it, and the report says it is a guess.
void guess_smtp_refusal(Model& m) {
  const bool unaccounted = m.downloaded.value_or(0) > 0 && m.delivered == 0 && m.failed == 0 && m.left == 0;
  const bool explained = m.pickup || !m.corrupt.empty() || m.delivery_blocked ||
                         std::ranges::any_of(m.replies, [](const ObservedReply& r) { return r.protocol == Protocol::Smtp; });
  if (!unaccounted || explained || m.level == Level::Maximum) return;
  m.replies.push_back({Protocol::Smtp, "MAIL", 0, 0, std::string(smtp::reply::kNotAuthenticated), 0});
  m.notes.push_back(fmt::format(
      "{} downloaded, none delivered, failed or left, and nothing says why: replayed as the SMTP server refusing "
      "MAIL (530, anonymous access off); RCPT's 550 or the dot's 554 give the same log. Maximum shows which.",
      *m.downloaded));
}

}  // namespace

std::vector<doctor::LogEntry> first_cycle(const std::vector<doctor::LogEntry>& log) {
  std::vector<doctor::LogEntry> out;
  int starts = 0;
  for (const auto& e : log) {
    if (line_kind(e.text) == LineKind::CycleStarted && ++starts == 2) break;
    out.push_back(e);
  }
  return out;
}

Model infer(const std::vector<doctor::LogEntry>& log, const std::vector<doctor::EventRecord>& events,
            const std::string& log_file) {
  if (log.empty()) throw ReadError(log_file, 1, "no line of the connector's log ('[t N] MM/DD/YY, HH:MM:SS: text')");
  Inference inference(log_file);
  for (const auto& e : first_cycle(log)) inference.entry(e);
  auto model = inference.take();
  apply_events(events, model);
  guess_smtp_refusal(model);
  settle_mailboxes(model);
  model.cycles_seen = static_cast<int>(std::ranges::count_if(
      log, [](const doctor::LogEntry& e) { return line_kind(e.text) == LineKind::CycleStarted; }));
  return model;
}

}  // namespace maillab::reproduce
