#include "maillab/runner/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

namespace maillab::runner {
namespace {

// The length of the UTF-8 sequence at text[i], or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

// HTML-escaped, and valid UTF-8 whatever a session sent: an 8-bit byte that is not part
// of a UTF-8 sequence shows as \xNN, as transcripts show control characters.
std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
      ++i;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string profile_name(const RunResult& r) { return std::string(connector::profile_name(r.profile)); }

// One style sheet, inlined in every page so a page read alone (a CI artefact) looks right.
constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}a{color:#0645ad}
.pass{color:#17692e}.fail{color:#b00020}.badge{font-weight:600}
table{border-collapse:collapse;width:100%;margin:.3rem 0}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}pre{background:#f0f0f0;padding:.5rem;overflow-x:auto;font-size:13px;margin:.2rem 0}
.flow,.aside{display:flex;flex-wrap:wrap;gap:.4rem;align-items:stretch;margin:.4rem 0}
.node{border:2px solid #6b7b8c;border-radius:6px;padding:.3rem .5rem;min-width:7.5rem;background:#fff}
.node b{display:block;font-size:.85rem}.node .n{font-size:1.4rem;font-weight:700}
.node ul{margin:0;padding-left:1rem;font-size:.8rem}.node.empty{opacity:.55}
.node.failing{border-color:#b00020;background:#fff0f0}.arrow{align-self:center;color:#6b7b8c}
.aside .node{border-style:dashed}section.step{border-top:1px solid #ddd}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem}dt{font-weight:600}
@media (max-width:640px){.arrow{display:none}.node{min-width:40%}}
)";

std::string page(const std::string& title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title><style>{}</style></head>\n<body>\n{}</body></html>\n",
      esc(title), kStyle, body);
}

// The stage an event reports a failure of (KB 885685's three stages), for marking the picture.
enum class Stage { None, Download, Cdo, Smtp };

Stage stage_of(const connector::Event& e) {
  using connector::EventId;
  if (e.type != "Error" && e.type != "Fehler" && e.type != "Warning" && e.type != "Warnung") return Stage::None;
  switch (static_cast<EventId>(e.id)) {
    case EventId::ConnectFailed: case EventId::BadGreeting: case EventId::LogonFailure:
    case EventId::Pop3ProtocolError: case EventId::MessageTooLarge: case EventId::DeadlinePassed:
    case EventId::DuplicateUidl:
      return Stage::Download;
    case EventId::RetrieveFromQueueFailed:
    case EventId::FolderRecreated: case EventId::CorruptMessage: case EventId::UnreadableFile:
      return Stage::Cdo;
    // 1048 alone: the hand-over failed (beside 1046 it belongs to the CDO stage: see picture_html).
    case EventId::DeliveryCompletedWithErrors:
    case EventId::RecipientPolicy: case EventId::Pop3TransactionError: case EventId::PermanentRejection:
    case EventId::TransientRejection: case EventId::NoValidRecipient: case EventId::SmtpUnreachable:
      return Stage::Smtp;
    default:
      return Stage::None;
  }
}

struct NodeView {
  const char* title;
  std::vector<FlowNode> nodes;
  Stage failing_when = Stage::None;
};

std::string node_html(const NodeView& v, const Picture& picture, const std::vector<Stage>& failing) {
  std::size_t total = 0;
  std::string items;
  for (const auto& p : picture)
    if (std::find(v.nodes.begin(), v.nodes.end(), p.node) != v.nodes.end()) {
      total += p.count;
      items += fmt::format("<li>{}: {}</li>", esc(p.place), p.count);
    }
  bool fails = v.failing_when != Stage::None &&
               std::find(failing.begin(), failing.end(), v.failing_when) != failing.end();
  std::string cls = v.nodes.empty() ? "" : (total == 0 ? " empty" : "");
  if (fails) cls += " failing";
  std::string count = v.nodes.empty() ? "" : fmt::format("<span class=\"n\">{}</span>", total);
  std::string data = v.nodes.empty() ? "" : fmt::format(" data-node=\"{}\"", flow_node_name(v.nodes.front()));
  return fmt::format("<div class=\"node{}\"{}><b>{}</b>{}{}</div>", cls, data, esc(v.title), count,
                     items.empty() ? "" : "<ul>" + items + "</ul>");
}

std::string picture_html(const Picture& picture, const std::vector<connector::Event>& events) {
  bool cdo = std::any_of(events.begin(), events.end(), [](auto& e) { return e.id == 1046; });
  std::vector<Stage> failing;
  for (const auto& e : events)
    if (!(cdo && e.id == 1048)) failing.push_back(stage_of(e));
  static const std::array<NodeView, 5> kMain{{
      {"ISP POP3 server", {FlowNode::Pop3Server}},
      {"POP3 Connector", {}, Stage::Download},
      {"Incoming Mail", {FlowNode::IncomingMail}, Stage::Cdo},
      {"PickUp / SMTP", {FlowNode::PickUp}, Stage::Smtp},
      {"Exchange mailboxes", {FlowNode::Mailbox}},
  }};
  static const std::array<NodeView, 6> kAside{{
      {"Failed Mail", {FlowNode::FailedMail}},
      {"NDRs", {FlowNode::Ndr}},
      {"Forwarded", {FlowNode::Forwarded}},
      {"Badmail", {FlowNode::Badmail}},
      {"Set aside by hand", {FlowNode::SetAside}},
      {"Gone or removed", {FlowNode::Gone, FlowNode::Removed}},
  }};
  std::string out = "<div class=\"flow\">";
  for (std::size_t i = 0; i < kMain.size(); ++i)
    out += (i ? "<span class=\"arrow\" aria-hidden=\"true\">&rarr;</span>" : "") + node_html(kMain[i], picture, failing);
  out += "</div>\n<div class=\"aside\">";
  for (const auto& v : kAside) out += node_html(v, picture, failing);
  return out + "</div>\n";
}

std::string checks_html(const std::vector<CheckResult>& checks, std::size_t begin, std::size_t end) {
  if (begin >= end) return "";
  std::string out = "<table class=\"checks\"><tr><th>check</th><th>line</th><th>verdict</th><th>found</th></tr>\n";
  for (std::size_t i = begin; i < end && i < checks.size(); ++i) {
    const auto& c = checks[i];
    out += fmt::format("<tr class=\"{0}\"><td>{1}</td><td>{2}</td><td class=\"badge {0}\">{3}</td><td>{4}</td></tr>\n",
                       c.passed ? "pass" : "fail", esc(c.what), c.line, c.passed ? "passed" : "FAILED", esc(c.detail));
  }
  return out + "</table>\n";
}

std::string events_html(const std::vector<connector::Event>& events) {
  if (events.empty()) return "";
  std::string out = "<table class=\"events\"><tr><th>type</th><th>source</th><th>category</th><th>event ID</th>"
                    "<th>description</th></tr>\n";
  for (const auto& e : events)
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(e.type), esc(e.source),
                       esc(e.category), e.id, esc(e.description));
  return out + "</table>\n";
}

std::string texts_html(const StepRecord& s) {
  std::string out;
  if (!s.notes.empty()) {
    std::string notes;
    for (const auto& n : s.notes) notes += n + "\n";
    out += "<pre class=\"notes\">" + esc(notes) + "</pre>\n";
  }
  for (const auto& t : s.transcripts) {
    auto first = t.substr(0, t.find('\n'));
    auto text = t.substr(std::min(t.size(), first.size() + 1));
    auto lines = std::count(text.begin(), text.end(), '\n');
    out += fmt::format("<details class=\"session\"><summary>{} {} lines</summary><pre>{}</pre></details>\n", esc(first),
                       lines, esc(text));
  }
  return out;
}

bool step_passed(const RunResult& r, const StepRecord& s) {
  for (std::size_t i = s.checks_begin; i < s.checks_end && i < r.checks.size(); ++i)
    if (!r.checks[i].passed) return false;
  return s.error.empty();
}

std::string step_html(const RunResult& r, std::size_t index) {
  const auto& s = r.steps[index];
  bool ok = step_passed(r, s);
  std::string out = fmt::format(
      "<section class=\"step\" id=\"step-{0}\"><h2>{0}. {1} <small>({2}, line {3})</small> "
      "<span class=\"badge {4}\">{5}</span></h2>\n",
      index + 1, esc(s.action), esc(s.step), s.line, ok ? "pass" : "fail", ok ? "" : "FAILED");
  if (!s.error.empty()) out += "<p class=\"fail\">" + esc(s.error) + "</p>\n";
  out += picture_html(s.picture, s.events);
  out += checks_html(r.checks, s.checks_begin, s.checks_end);
  out += events_html(s.events);
  out += texts_html(s);
  return out + "</section>\n";
}

std::string scenario_facts(const Scenario* sc) {
  if (!sc) return "";
  std::string out = "<dl>";
  for (const auto& [label, text] : {std::pair{"Source", &sc->source}, {"Fault", &sc->fault},
                                    {"Symptoms", &sc->symptoms}, {"Remedy", &sc->remedy}})
    if (!text->empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>", label, esc(*text));
  return out + "</dl>\n";
}

const Scenario* find(const std::vector<Scenario>& catalog, const std::string& id) {
  auto it = std::find_if(catalog.begin(), catalog.end(), [&](const Scenario& s) { return s.id == id; });
  return it == catalog.end() ? nullptr : &*it;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::string html_page_name(const RunResult& r) { return "runs/" + r.id + "-" + profile_name(r) + ".html"; }

std::string html_run_page(const RunResult& r, const Scenario* sc) {
  std::string title = r.id + " (" + profile_name(r) + ")";
  std::string body = fmt::format(
      "<p><a href=\"../index.html\">All runs</a></p>\n<h1>{} <span class=\"badge {}\">{}</span></h1>\n"
      "<p>{} &middot; profile {} &middot; {} &middot; {:.2f} s &middot; {} steps</p>\n",
      esc(title), r.passed ? "pass" : "fail", r.passed ? "passed" : "FAILED", esc(sc ? sc->title : r.file),
      profile_name(r), esc(r.file), r.seconds, r.steps.size());
  body += scenario_facts(sc);
  if (!r.error.empty()) body += "<p class=\"fail\">" + esc(r.error) + "</p>\n";
  for (std::size_t i = 0; i < r.steps.size(); ++i) body += step_html(r, i);
  std::size_t after = r.steps.empty() ? 0 : r.steps.back().checks_end;
  body += "<section class=\"step\" id=\"end\"><h2>At the end</h2>\n" + checks_html(r.checks, after, r.checks.size()) +
          "</section>\n";
  return page(title, body);
}

std::string html_index_page(const std::vector<RunResult>& results, const std::vector<Scenario>& catalog) {
  std::size_t passed = std::count_if(results.begin(), results.end(), [](auto& r) { return r.passed; });
  std::string body = fmt::format("<h1>maillab scenarios</h1>\n<p><span class=\"badge {}\">{} runs, {} passed, {} failed</span></p>\n",
                                 passed == results.size() ? "pass" : "fail", results.size(), passed,
                                 results.size() - passed);
  body += "<table class=\"runs\"><tr><th>scenario</th><th>profile</th><th>verdict</th><th>steps</th><th>seconds</th>"
          "<th>title</th><th>why</th></tr>\n";
  for (const auto& r : results) {
    const auto* sc = find(catalog, r.id);
    body += fmt::format(
        "<tr class=\"{0}\"><td><a href=\"{1}\">{2}</a></td><td>{3}</td><td class=\"badge {0}\">{4}</td><td>{5}</td>"
        "<td>{6:.2f}</td><td>{7}</td><td>{8}</td></tr>\n",
        r.passed ? "pass" : "fail", esc(html_page_name(r)), esc(r.id), profile_name(r), r.passed ? "passed" : "FAILED",
        r.steps.size(), r.seconds, esc(sc ? sc->title : ""), esc(r.why()));
  }
  return page("maillab scenarios", body + "</table>\n");
}

void write_html_report(const std::filesystem::path& dir, std::vector<RunResult>& results,
                       const std::vector<Scenario>& catalog) {
  std::filesystem::create_directories(dir / "runs");
  for (auto& r : results) {
    write_text(dir / html_page_name(r), html_run_page(r, find(catalog, r.id)));
    r.html = (dir / html_page_name(r)).string();
  }
  write_text(dir / "index.html", html_index_page(results, catalog));
}

}  // namespace maillab::runner
