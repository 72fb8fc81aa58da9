// The scenario file that replays a model. A reply is replayed where it came: a POP3
// message's reply on that message (`message=K`), a reply every occurrence of a command got
// on the command, one occurrence's reply on that occurrence (`nth=N`, counted as the log
// counts the commands). With several mailboxes a POP3 fault names its mailbox's user
// (`user=U`), and each mailbox has its own account and messages.
#include "maillab/reproduce/scenario_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "maillab/smtp/replies.hpp"

namespace maillab::reproduce {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string reply_fault(const ObservedReply& r, const std::string& trigger) {
  return fmt::format("reply,on={}{},text={}", r.verb, trigger, r.text);
}

// The trigger that keeps a POP3 fault to the mailbox of `thread` when there are several.
std::string user_trigger(const Model& m, Protocol p, int thread) {
  if (p != Protocol::Pop3 || !m.several()) return "";
  for (const auto& b : m.mailboxes)
    if (b.thread == thread) return ",user=" + b.user;
  return "";
}

// The faults of one command's replies, in the order the log shows them; `user` is the
// mailbox's trigger (user_trigger).
void faults_of_verb(const std::vector<const ObservedReply*>& all, const std::string& user,
                    std::vector<ScenarioFault>& out) {
  std::vector<const ObservedReply*> odd;
  for (const auto* r : all)
    if (!simulator_default(r->protocol, r->verb, r->message, r->text)) odd.push_back(r);
  if (odd.empty()) return;
  const auto p = odd.front()->protocol;
  const bool numbered = p == Protocol::Pop3 && odd.front()->message > 0;
  const bool uniform =
      std::ranges::all_of(all, [&](const ObservedReply* r) { return r->text == odd.front()->text; });
  if (uniform && !numbered) {
    out.push_back({p, reply_fault(*odd.front(), user)});
    return;
  }
  std::set<std::string> seen;
  for (const auto* r : odd) {
    auto trigger = numbered ? fmt::format(",message={}", r->message)
                            : (r->occurrence > 0 ? fmt::format(",nth={}", r->occurrence) : "");
    auto spec = reply_fault(*r, user + trigger);
    if (seen.insert(spec).second) out.push_back({p, spec});
  }
}

std::string language_name(Language l) { return l == Language::De ? "de" : l == Language::Ja ? "ja" : "en"; }
std::string level_name(Level l) {
  return l == Level::Maximum ? "Maximum" : l == Level::Medium ? "Medium" : "Minimum";
}

// A message's details (corruption, 8-bit text, routing) are modelled for the first mailbox.
bool details_of(const Model& m, const Mailbox& b) { return b.thread == m.first().thread; }

int message_count(const Model& m, const Mailbox& b) {
  int most = b.message_count.value_or(0);
  for (const auto& r : m.replies)
    if (r.protocol == Protocol::Pop3 && r.thread == b.thread) most = std::max(most, r.message);
  if (details_of(m, b))
    for (const auto& [n, kind] : m.corrupt) most = std::max(most, n);
  return most;
}

constexpr const char* kAdmin = "administrator@contoso.local";

// A global mailbox routes each message by its To/Cc: messages to different recipients, or
// one without any (event 1054), come from one. Its routed mail goes to the first recipient
// that is not the administrator mailbox (where the unresolved mail goes).
bool global_mailbox(const Model& m) {
  if (m.several()) return false;
  std::set<std::string> distinct;
  for (const auto& [n, r] : m.recipient_of) distinct.insert(r);
  return m.no_recipient || distinct.size() > 1;
}

std::string routed_to(const Model& m) {
  for (const auto& [n, r] : m.recipient_of)
    if (r != kAdmin) return r;
  return m.first().user + "@contoso.local";
}

// One message of the scenario: a fixture where the log needs what a synthetic message
// lacks (MIME parts to break, 8-bit text), else generated at a size.
struct MessagePlan {
  std::string fixture;
  std::uint64_t size = 4096;
};

struct Plan {
  std::vector<MessagePlan> messages;
  bool sizes_exact = false;  // LIST's octets come out as the log shows them
};

// The fixture a global mailbox's message n needs: one to an address no routing knows when
// it went to the administrator mailbox, one without To/Cc when it was never sent (and not
// corrupt) and event 1054 says so; nullptr when a generated message will do.
const char* routing_fixture(const Model& m, int n) {
  if (!global_mailbox(m)) return nullptr;
  auto to = m.recipient_of.find(n);
  if (to != m.recipient_of.end()) return to->second == kAdmin ? "messages/005-unrouted.eml" : nullptr;
  return m.no_recipient && !m.corrupt.contains(n) ? "messages/006-no-recipient.eml" : nullptr;
}

const char* content_fixture(const Model& m, int n) {
  if (const char* routing = routing_fixture(m, n)) return routing;
  auto corrupt = m.corrupt.find(n);
  if (corrupt != m.corrupt.end() && (corrupt->second == "truncated" || corrupt->second == "broken-boundary"))
    return "messages/002-multipart.eml";  // MIME parts to break
  if (m.eightbit.contains(n)) return "messages/003-8bit.eml";
  return nullptr;
}

// A fixture is used once: the loader refuses a Message-ID twice.
Plan message_plan(const Model& m, const Mailbox& b) {
  Plan plan;
  std::set<std::string> used;
  const int count = message_count(m, b);
  for (int n = 1; n <= count; ++n) {
    MessagePlan p;
    const char* content = details_of(m, b) ? content_fixture(m, n) : nullptr;
    std::string fixture = content ? content : "";
    if (fixture == "messages/002-multipart.eml" && used.contains(fixture)) fixture = "messages/004-attachments.eml";
    if (!fixture.empty() && used.insert(fixture).second) p.fixture = fixture;
    plan.messages.push_back(p);
  }
  // A corrupt message is served at its corrupted size, so LIST's octets cannot be planned.
  const bool generated_only = (m.corrupt.empty() || !details_of(m, b)) &&
                              std::ranges::all_of(plan.messages, [](const MessagePlan& p) { return p.fixture.empty(); });
  if (b.total_octets && count > 0 && generated_only) {
    const auto each = *b.total_octets / static_cast<std::uint64_t>(count);
    const auto last = *b.total_octets - each * static_cast<std::uint64_t>(count - 1);
    if (each >= 512 && last >= 512 && last <= (64u << 20)) {
      for (auto& p : plan.messages) p.size = each;
      plan.messages.back().size = last;
      plan.sizes_exact = true;
    }
  }
  return plan;
}

void write_messages(std::string& out, const Plan& plan) {
  if (plan.messages.empty()) {
    out += " []\n";
    return;
  }
  out += "\n";
  for (std::size_t i = 0; i < plan.messages.size();) {
    const auto& p = plan.messages[i];
    if (!p.fixture.empty()) {
      out += "        - fixture: " + p.fixture + "\n";
      ++i;
      continue;
    }
    std::size_t run = 1;
    while (i + run < plan.messages.size() && plan.messages[i + run].fixture.empty() &&
           plan.messages[i + run].size == p.size)
      ++run;
    out += fmt::format("        - generate: {{count: {}, size: {}}}\n", run, p.size);
    i += run;
  }
}

void write_faults(std::string& out, const std::vector<ScenarioFault>& faults, Protocol p) {
  std::vector<std::string> specs;
  for (const auto& f : faults)
    if (f.protocol == p) specs.push_back("    - " + quoted(f.spec) + "\n");
  if (specs.empty()) return;
  out += "  faults:\n";
  for (const auto& s : specs) out += s;
}

// The Exchange side must take mail for every recipient the log names; the default world
// knows contoso.local's bob and administrator only.
void write_world(std::string& out, const Model& m) {
  std::set<std::string> domains{"contoso.local"};
  std::vector<std::string> boxes{"administrator@contoso.local"};
  for (const auto& r : m.recipients) {
    if (auto at = r.find('@'); at != std::string::npos) domains.insert(r.substr(at + 1));
    if (std::ranges::find(boxes, r) == boxes.end()) boxes.push_back(r);
  }
  const bool plain = domains.size() == 1 && std::ranges::all_of(m.recipients, [](const std::string& r) {
    return r == "bob@contoso.local" || r == "administrator@contoso.local";
  });
  if (plain) return;
  out += "  world:\n    accepted_domains: [";
  for (auto it = domains.begin(); it != domains.end(); ++it) out += (it == domains.begin() ? "" : ", ") + *it;
  out += "]\n    admin_mailbox: administrator@contoso.local\n    mailboxes:\n";
  for (const auto& b : boxes) out += "      - " + b + "\n";
}

// Where a mailbox's mail goes: its own recipient, else the log's first, else the first
// mailbox's user at contoso.local.
std::string deliver_to(const Model& m, const Mailbox& b) {
  if (!b.recipients.empty()) return b.recipients.front();
  return m.recipients.empty() ? m.first().user + "@contoso.local" : m.recipients.front();
}

void write_mailbox(std::string& out, const Model& m, const Mailbox& b) {
  out += fmt::format("    - user: {}\n      password: secret\n", quoted(b.user));
  if (global_mailbox(m)) {
    // The generated messages are to USER@fabrikam.com (pop3::synthetic_message).
    out += fmt::format("      global: true\n      routing: {{{}@fabrikam.com: {}}}\n", b.user, routed_to(m));
  } else {
    out += fmt::format("      deliver_to: {}\n", deliver_to(m, b));
  }
  if (m.connect_failure == ConnectFailure::HostUnknown && m.connect_failure_thread == b.thread)
    out += fmt::format("      host: {}\n", m.pop3_host);
}

void write_connector(std::string& out, const Model& m) {
  out += fmt::format("connector:\n  logging: {}\n", level_name(m.level));
  if (m.pickup) out += "  delivery: pickup\n";
  if (m.language != Language::En) out += fmt::format("  language: {}\n", language_name(m.language));
  if (m.connect_failure == ConnectFailure::TimedOut)
    out += fmt::format("  timeouts: {{connect: {}ms}}\n", m.connect_timeout_ms > 0 ? m.connect_timeout_ms : 250);
  out += "  mailboxes:\n";
  for (const auto& b : m.mailboxes) write_mailbox(out, m, b);
}

std::string summary(const std::vector<ScenarioFault>& faults) {
  if (faults.empty()) return "none: every reply in the log is what the simulators answer anyway";
  std::string out;
  for (const auto& f : faults) out += (out.empty() ? "" : "; ") + f.spec;
  return out;
}

// The EHLO keywords say which SMTP server it is (seed 002: Exchange's X- verbs, the
// Windows SMTP service's TURN) and its size limit; the simulator's defaults need no fault.
void ehlo_faults(const Model& m, std::vector<ScenarioFault>& out) {
  if (m.ehlo.empty()) return;
  auto has = [&](std::string_view prefix) {
    return std::ranges::any_of(m.ehlo, [&](const std::string& k) { return k.starts_with(prefix); });
  };
  if (!has("X-EXPS")) out.push_back({Protocol::Smtp, has("TURN") ? "world,set=profile,value=iis" : "world,set=profile,value=plain"});
  for (const auto& k : m.ehlo)
    if (k.starts_with("SIZE ") && k != "SIZE 5242880")
      out.push_back({Protocol::Smtp, "world,set=size-limit,value=" + k.substr(5)});
}

bool offers_starttls(const Model& m) { return std::ranges::find(m.ehlo, "STARTTLS") != m.ehlo.end(); }

// An SMTP server that offers STARTTLS and answers MAIL with RFC 3207's 530 requires TLS: the
// simulator started that way gives the 530 itself (to a connector without TLS, as sbs2003 is).
bool requires_starttls(const Model& m) {
  return offers_starttls(m) && std::ranges::any_of(m.replies, [](const ObservedReply& r) {
           return r.protocol == Protocol::Smtp && r.verb == "MAIL" && r.text == smtp::reply::kMustStartTls;
         });
}

void write_tls(std::string& out, const Model& m) {
  if (offers_starttls(m)) out += fmt::format("tls:\n  smtp: {}\n", requires_starttls(m) ? "required" : "starttls");
}

// The `reply` faults of one protocol's replies (POP3: of the mailbox of `thread`), each
// command in the order of its first reply.
void reply_faults(const Model& m, Protocol p, int thread, std::vector<ScenarioFault>& out) {
  auto mine = [&](const ObservedReply& r) { return r.protocol == p && (p == Protocol::Smtp || r.thread == thread); };
  std::vector<std::string> verbs;
  for (const auto& r : m.replies)
    if (mine(r) && std::ranges::find(verbs, r.verb) == verbs.end()) verbs.push_back(r.verb);
  const bool tls_required = requires_starttls(m);  // the simulator's own 530 (write_tls)
  for (const auto& verb : verbs) {
    std::vector<const ObservedReply*> all;
    for (const auto& r : m.replies)
      if (mine(r) && r.verb == verb && !(tls_required && verb == "MAIL" && r.text == smtp::reply::kMustStartTls))
        all.push_back(&r);
    // The greeting comes before any user is known: it is every mailbox's.
    faults_of_verb(all, verb == "connect" ? "" : user_trigger(m, p, thread), out);
  }
}

}  // namespace

std::vector<ScenarioFault> faults_for(const Model& m) {
  std::vector<ScenarioFault> out;
  if (m.connect_failure == ConnectFailure::Refused) out.push_back({Protocol::Pop3, "connect-refused"});
  if (m.connect_failure == ConnectFailure::TimedOut) out.push_back({Protocol::Pop3, "blackhole"});
  for (const auto& [n, kind] : m.corrupt)
    if (!kind.empty()) out.push_back({Protocol::Pop3, fmt::format("corrupt,kind={},message={}", kind, n)});
  for (const auto& b : m.mailboxes)
    for (const auto& r : m.replies)
      if (r.protocol == Protocol::Pop3 && r.thread == b.thread && r.verb == "LIST" && b.total_octets &&
          !message_plan(m, b).sizes_exact)
        out.push_back({Protocol::Pop3, reply_fault(r, user_trigger(m, Protocol::Pop3, b.thread))});
  ehlo_faults(m, out);
  if (const auto& drop = m.pop3_drop)
    out.push_back({Protocol::Pop3, fmt::format("disconnect,on={}{}{}{}", drop->verb,
                                               user_trigger(m, Protocol::Pop3, drop->thread),
                                               drop->message ? fmt::format(",message={}", drop->message) : "",
                                               drop->after_reply ? ",bytes=1024" : "")});
  for (const auto& b : m.mailboxes) reply_faults(m, Protocol::Pop3, b.thread, out);
  reply_faults(m, Protocol::Smtp, 0, out);
  std::set<std::string> seen;  // several mailboxes' greeting is one fault
  std::erase_if(out, [&](const ScenarioFault& f) { return !seen.insert(f.spec).second; });
  return out;
}

std::string write_scenario(const Model& m, const std::string& id, const std::string& from) {
  const auto faults = faults_for(m);
  std::string out = fmt::format("# Written by `maillab reproduce` from {}: its first retrieval cycle.\n", from);
  out += fmt::format("id: {}\ntitle: {}\nsource: {}\nfault: {}\nsymptoms: {}\n\n", id,
                     quoted("reproduced from " + from), quoted("the customer's log " + from),
                     quoted(summary(faults)),
                     quoted(fmt::format("{} log lines read at level {}, {} events", m.lines_read, level_name(m.level),
                                        m.event_ids.size())));
  write_tls(out, m);
  out += "pop3:\n";
  write_faults(out, faults, Protocol::Pop3);
  out += "  accounts:\n";
  for (const auto& b : m.mailboxes) {
    out += fmt::format("    - user: {}\n      password: secret\n      messages:", quoted(b.user));
    write_messages(out, message_plan(m, b));
  }
  std::string smtp;
  write_world(smtp, m);
  write_faults(smtp, faults, Protocol::Smtp);
  if (!smtp.empty()) out += "smtp:\n" + smtp;
  write_connector(out, m);
  out += "\nsteps:\n";
  if (m.delivery_blocked) out += "  - damage_component: Inetcomm.dll\n";
  out += "  - cycle\n";
  return out;
}

}  // namespace maillab::reproduce
