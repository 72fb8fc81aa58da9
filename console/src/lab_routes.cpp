// What only some processes have: the servers' transcripts, the connector (lab), its
// events and log; and the counts the status and the stream show.
#include <fstream>

#include "maillab/connector/config.hpp"
#include "maillab/connector/folders.hpp"
#include "routes.hpp"

namespace maillab::console {
namespace {

constexpr std::size_t kDefaultLimit = 200;

std::size_t limit_of(const Call& call) {
  auto text = call.query_or("limit");
  if (text.empty()) return kDefaultLimit;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError(400, "query: 'limit': '" + text + "' must be a whole number", "limit");
  return std::stoul(text);
}

json transcripts_of(const std::string& server, const std::vector<std::shared_ptr<net::Transcript>>& kept) {
  json out = json::array();
  for (const auto& t : kept) {
    json lines = json::array();
    for (const auto& l : t->lines()) lines.push_back(json{{"from", std::string(1, l.from)}, {"text", l.text}});
    out.push_back(json{{"server", server}, {"session", t->session()}, {"lines", lines}});
  }
  return out;
}

Response transcripts(const Targets& t, const Call& call) {
  auto server = call.query_or("server");
  json out = json::array();
  if (t.pop3 && (server.empty() || server == "pop3")) out = transcripts_of("pop3", t.pop3->transcripts());
  if (t.smtp && (server.empty() || server == "smtp"))
    for (auto& x : transcripts_of("smtp", t.smtp->transcripts())) out.push_back(std::move(x));
  auto limit = limit_of(call);
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  return json_response(200, json{{"transcripts", out}});
}

// The last `limit` lines of a file the connector writes ("" lines skipped).
std::vector<std::string> tail(const std::filesystem::path& file, std::size_t limit) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(std::move(line));
  if (lines.size() > limit) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(limit));
  return lines;
}

Response events(const Targets& t, const Call& call) {
  json out = json::array();
  for (const auto& line : tail(t.connector_events, limit_of(call))) {
    auto event = json::parse(line, nullptr, false);
    out.push_back(event.is_discarded() ? json{{"text", line}} : event);
  }
  return json_response(200, json{{"events", out}});
}

json report_json(const connector::CycleReport& r) {
  return json{{"downloaded", r.downloaded}, {"delivered", r.delivered}, {"failed", r.failed}, {"refused", r.refused},
              {"left", r.left},             {"errors", r.errors},       {"problems", r.problems}};
}

Response run_connector(Context c) {
  auto report = report_json(c.targets.run_connector());
  c.feed.publish("connector", report.dump());
  return json_response(200, report);
}

}  // namespace

namespace {

std::size_t messages_in(const std::string& folder) {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".eml") ++n;
  return n;
}

}  // namespace

json status_of(const Targets& t) {
  json out = json::object();
  if (!t.connector_root.empty()) {
    connector::Folders folders{t.connector_root.string()};
    out["connector"] = json{{"incoming", messages_in(folders.incoming())}, {"failed", messages_in(folders.failed())}};
  }
  if (t.pop3) {
    json boxes = json::object();
    for (const auto& md : t.pop3->mailboxes().all()) boxes[md->user()] = md->snapshot().size();
    out["pop3"] = json{{"sessions", t.pop3->active_sessions()}, {"mailboxes", boxes}, {"faults", t.pop3->faults().list().size()}};
  }
  if (t.smtp) {
    json where = json::object();
    for (const auto& p : t.smtp->placements()) {
      std::string name(smtp::destination_name(p.where));
      where[name] = where.value(name, 0) + 1;
    }
    out["smtp"] = json{{"sessions", t.smtp->active_sessions()}, {"placements", where}, {"faults", t.smtp->faults().list().size()}};
  }
  return out;
}

void add_lab_routes(Router& router, Context c) {
  if (c.targets.pop3 || c.targets.smtp)
    router.add("GET", "/api/transcripts", [c](const Call& call) { return transcripts(c.targets, call); });
  if (c.targets.run_connector) {
    router.add("POST", "/api/connector/run", [c](const Call&) { return run_connector(c); });
    router.add("GET", "/api/events", [c](const Call& call) { return events(c.targets, call); });
    router.add("GET", "/api/log", [c](const Call& call) {
      return json_response(200, json{{"lines", tail(c.targets.connector_log, limit_of(call))}});
    });
  }
}

}  // namespace maillab::console
