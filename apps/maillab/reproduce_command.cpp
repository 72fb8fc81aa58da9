// maillab reproduce: a customer's diagnostic log and events to a scenario that replays
// them, the replay's log compared with the customer's, the robust profile's run, and the
// doctor's diagnosis (docs/reproduce.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "maillab/doctor/doctor.hpp"
#include "maillab/doctor/probes.hpp"
#include "maillab/reproduce/infer.hpp"
#include "maillab/reproduce/log_compare.hpp"
#include "maillab/reproduce/replay.hpp"
#include "maillab/reproduce/scenario_text.hpp"
#include "maillab/runner/catalog.hpp"

namespace maillab::app {
namespace {
namespace rp = maillab::reproduce;

struct ReproduceOptions {
  std::string log, events, out, id, work;
  bool keep = false;
};

std::string id_for(const ReproduceOptions& o) {
  if (!o.id.empty()) return o.id;
  if (!o.out.empty()) return std::filesystem::path(o.out).stem().string();
  return "REPRO-" + std::filesystem::path(o.log).stem().string();
}

void print_model(const rp::Model& m, const std::string& log, std::ostream& out) {
  const char* levels[] = {"Minimum", "Medium", "Maximum"};
  out << "maillab reproduce: " << log << " (" << m.lines_read << " lines of its first retrieval cycle, level "
      << levels[static_cast<int>(m.level)] << "), " << m.event_ids.size() << " events\n";
  for (const auto& b : m.mailboxes) {
    const auto& to = m.several() ? b.recipients : m.recipients;
    out << "  POP3 user " << b.user << (m.several() ? " ([t " + std::to_string(b.thread) + "])" : "") << ", "
        << (b.message_count ? std::to_string(*b.message_count) + " messages on the server" : "no message count");
    out << ", recipients:";
    for (const auto& r : to) out << " " << r;
    out << (to.empty() ? " none in the log\n" : "\n");
  }
  for (const auto& r : m.replies)
    if (!rp::simulator_default(r.protocol, r.verb, r.message, r.text))
      out << "  " << (r.protocol == rp::Protocol::Pop3 ? "POP3 " : "SMTP ")
          << (r.protocol == rp::Protocol::Pop3 && m.several() ? "[t " + std::to_string(r.thread) + "] " : "") << r.verb
          << (r.message ? " " + std::to_string(r.message) : "") << " -> " << r.text
          << (r.line ? " (line " + std::to_string(r.line) + ")" : " (from the events)") << "\n";
  for (const auto& n : m.notes) out << "  " << n << "\n";
}

// The cycle's summary line and the events, per id, of a run.
void print_outcome(const char* profile, const rp::Replay& run, std::ostream& out) {
  out << "  " << profile << ":";
  for (const auto& e : run.log)
    if (e.text.starts_with("Retrieval cycle completed")) out << " " << e.text;
  std::map<int, int> ids;
  for (const auto& e : run.events) ids[e.id]++;
  out << "\n    events:";
  for (auto [id, n] : ids) out << " " << id << (n > 1 ? " x" + std::to_string(n) : "");
  out << (ids.empty() ? " none\n" : "\n");
  for (const auto& f : run.result.failures()) out << "    run: " << f << "\n";
}

int run(const ReproduceOptions& o) {
  const auto customer = doctor::read_log(o.log);
  const auto events = o.events.empty() ? std::vector<doctor::EventRecord>{} : doctor::read_events(o.events);
  const auto model = rp::infer(customer, events, o.log);
  const auto id = id_for(o);
  const auto text = rp::write_scenario(model, id, std::filesystem::path(o.log).filename().string());
  std::ostream& report = o.out.empty() ? std::cerr : std::cout;
  if (o.out.empty()) {
    std::cout << text;
  } else {
    std::ofstream(o.out) << text;
  }
  print_model(model, o.log, report);
  report << "scenario " << id << (o.out.empty() ? " written to stdout" : " written to " + o.out) << "\n\n";
  const auto fixtures = runner::fixtures_dir_for(runner::default_scenarios_dir());
  const auto old = rp::replay(text, id, connector::Profile::Sbs2003, fixtures, o.work, o.keep);
  const auto comparison = rp::compare_logs(rp::first_cycle(customer), old.log);
  report << "sbs2003: the customer's log (left) against maillab's, times, hosts and message text masked\n"
         << rp::render_comparison(comparison) << "\n";
  const auto fixed = rp::replay(text, id, connector::Profile::Robust, fixtures, o.work, o.keep);
  report << "the same cycle under each profile (robust is the fix):\n";
  print_outcome("sbs2003", old, report);
  print_outcome("robust", fixed, report);
  doctor::Observations seen;
  seen.log = old.log;
  seen.events = old.events;
  report << "\n" << doctor::render_text(doctor::diagnose(seen), doctor::Lang::En);
  return comparison.all_match() && old.result.error.empty() && fixed.result.error.empty() ? 0 : 1;
}

}  // namespace

Run add_reproduce(CLI::App& app) {
  auto o = std::make_shared<ReproduceOptions>();
  app.add_option("--log", o->log, "the customer's diagnostic log (seed 004's format, any level)")->required();
  app.add_option("--events", o->events, "events.jsonl, or Event Viewer's text blocks (en, de, ja)");
  app.add_option("--out", o->out, "write the scenario here (its stem is the scenario's id); default: stdout, the report on stderr");
  app.add_option("--id", o->id, "the scenario's id (default: --out's stem, or REPRO-<log's stem>)");
  app.add_option("--work", o->work, "where the runs' sandboxes go (default: the system's temporary directory)");
  app.add_flag("--keep", o->keep, "keep the runs' sandboxes");
  app.footer(
      "Exit codes: 0 maillab's log matches the customer's line for line, 1 the scenario was written but lines differ "
      "(or a run failed), 2 the log or events cannot be read (the error names the line) or bad input.");
  return [o]() -> int { return run(*o); };
}

}  // namespace maillab::app
