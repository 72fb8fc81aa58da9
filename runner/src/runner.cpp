#include <utility>

#include "maillab/base/files.hpp"
#include "maillab/runner/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "maillab/base/message_text.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/faults/fault_yaml.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/runner/conservation.hpp"
#include "maillab/runner/file_system_faults.hpp"
#include "maillab/runner/telnet.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/server.hpp"

namespace fs = std::filesystem;
namespace cn = maillab::connector;

namespace maillab::runner {

std::vector<std::string> RunResult::failures() const {
  std::vector<std::string> out;
  if (!error.empty()) out.push_back(error);
  for (const auto& c : checks)
    if (!c.passed)
      out.push_back(file + ":" + std::to_string(c.line) + ": " + c.step + ": " + c.what + ": " + c.detail);
  return out;
}

std::string RunResult::why() const {
  auto f = failures();
  return f.empty() ? "" : f.front();
}

namespace {

// Gone or unreadable reads as empty: the checks then report what they miss.
std::string contents(const fs::path& p) { return read_file(p).value_or(""); }

// The files a person would see in a folder (the connector's temporaries start with '.').
std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

class Run {
 public:
  Run(const Scenario& sc, cn::Profile profile, const RunOptions& options)
      : sc_(sc), profile_(profile), options_(options), fsf_(posix_) {
    result_.id = sc.id;
    result_.file = sc.file;
    result_.profile = profile;
  }

  RunResult go() {
    auto started = std::chrono::steady_clock::now();
    try {
      setup();
      steps(sc_.steps);
      steps(sc_.remedy_steps);
    } catch (const std::exception& e) {
      result_.error = (current_ ? sc_.file + ":" + std::to_string(current_->line) + ": " + current_->field + ": "
                                : sc_.file + ": set-up: ") +
                      e.what();
    }
    try {
      if (pop3_ && smtp_) conservation();
    } catch (const std::exception& e) {
      if (result_.error.empty()) result_.error = sc_.file + ": conservation check: " + e.what();
    }
    teardown();
    result_.passed = result_.error.empty() &&
                     std::all_of(result_.checks.begin(), result_.checks.end(), [](auto& c) { return c.passed; });
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(result_);
  }

 private:
  // ---- set-up and teardown ----------------------------------------------------------

  void setup() {
    fs::path base = options_.work_dir.empty() ? fs::temp_directory_path() : fs::path(options_.work_dir);
    fs::create_directories(base);
    std::string tmpl = (base / ("maillab-" + sc_.id + "-" + std::string(cn::profile_name(profile_)) + "-XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a sandbox in " + base.string());
    sandbox_ = tmpl;
    root_ = sandbox_ / "POP3";  // ...\Networking\POP3 on the SBS server
    pickup_ = sandbox_ / "Mailroot" / "PickUp";
    store_ = sandbox_ / "Exchange";
    aside_ = sandbox_ / "Set Aside";
    fs::create_directories(root_);
    fs::create_directories(pickup_);
    fs::create_directories(aside_);

    pop3::ServerConfig pc;
    pc.listen = HostPort{"127.0.0.1", 0};
    pc.idle_timeout = std::chrono::seconds(10);
    pop3_ = std::make_unique<pop3::Server>(pc);
    for (const auto& a : sc_.accounts) {
      auto md = std::make_shared<pop3::Maildrop>(a.user, a.password);
      pop3_->mailboxes().add(md);
      for (const auto& m : a.messages) add_message(a.user, *md, m);
    }
    if (!sc_.pop3_faults.empty())
      pop3_->faults().add(faults::parse_fault_node(sc_.pop3_faults.node, sc_.file, pop3::presets()));

    smtp::ServerConfig scfg;
    scfg.listen = HostPort{"127.0.0.1", 0};
    scfg.idle_timeout = std::chrono::seconds(10);
    scfg.pickup = pickup_;
    smtp_ = std::make_unique<smtp::Server>(scfg, sc_.world, store_);
    if (!sc_.smtp_faults.empty())
      smtp_->faults().add(faults::parse_fault_node(sc_.smtp_faults.node, sc_.file, smtp::presets()));
    pop3_->start();
    smtp_->start();

    config_ = sc_.connector.base;
    config_.source = sc_.file;
    config_.profile = profile_;
    config_.root = root_.string();
    for (auto& mb : config_.mailboxes) {
      mb.pop3 = pop3_->endpoint();
      mb.name = mb.user + "@" + sc_.pop3_hostname;
    }
    if (sc_.connector.pickup) config_.delivery.pickup = pickup_.string();
    else config_.delivery.smtp = smtp_->endpoint();
    events_ = std::make_unique<cn::EventLog>(cn::Folders{config_.root}.events_file(), config_.lang, clock_);
    make_connector();
  }

  void make_connector() {
    cn::validate(config_);
    connector_.reset();
    log_ = std::make_unique<cn::DiagLog>(config_.logging, clock_,
                                         cn::sink_for(config_.logging, cn::Folders{config_.root}.log_file()));
    connector_ = std::make_unique<cn::Connector>(config_, cn::Services{channels_, fsf_, clock_, *events_, *log_});
  }

  void teardown() {
    connector_.reset();
    fsf_.clear();
    if (pop3_) pop3_->stop();
    if (smtp_) smtp_->stop();
    if (sandbox_.empty()) return;
    if (options_.keep_sandbox) {
      result_.sandbox = sandbox_.string();
    } else {
      std::error_code ec;
      fs::remove_all(sandbox_, ec);
    }
  }

  void add_message(const std::string& user, pop3::Maildrop& md, const MessageSource& m) {
    md.add(m.name, m.text);
    std::size_t number = ++added_[user];
    tracked_.push_back({header_value(m.text, "Message-ID"), user + " #" + std::to_string(number) + " (" + m.name + ")"});
    for (auto& stored : md.snapshot())
      if (stored.name == m.name) by_uid_[user + "\n" + stored.uid] = tracked_.size() - 1;
  }

  // ---- steps ------------------------------------------------------------------------

  void steps(const std::vector<Step>& list) {
    for (const auto& s : list) {
      if (s.profile && *s.profile != profile_) continue;
      current_ = &s;
      step(s);
    }
    current_ = nullptr;
  }

  void note(std::string text) { result_.transcript.push_back(std::move(text)); }

  // Whether a file holds message `number` (1-based, in the order the scenario added them).
  bool holds(const fs::path& file, int number) const {
    auto ids = messages_in(contents(file), tracked_);
    return std::find(ids.begin(), ids.end(), static_cast<std::size_t>(number - 1)) != ids.end();
  }

  void check(const Step& s, std::string what, bool ok, std::string detail) {
    result_.checks.push_back({s.field, s.line, std::move(what), ok, std::move(detail)});
  }

  fs::path folder_path(const std::string& name) const {
    if (name == "PickUp") return pickup_;
    if (name == "Set Aside") return aside_;
    if (name == "Badmail") return store_ / "Badmail";
    return root_ / name;
  }

  void step(const Step& s) {
    switch (s.kind) {
      case StepKind::Cycle:
        for (int i = 0; i < s.count; ++i) cycle();
        break;
      case StepKind::Pickup:
        note("SMTP pickup service: " + std::to_string(smtp_->pickup()->poll()) + " files taken");
        break;
      case StepKind::AddFaults:
        if (s.target == "pop3") pop3_->faults().add(faults::parse_fault_node(s.faults.node, sc_.file, pop3::presets()));
        else smtp_->faults().add(faults::parse_fault_node(s.faults.node, sc_.file, smtp::presets()));
        note("fault on " + s.target + " added");
        break;
      case StepKind::ClearFaults:
        if (s.target != "smtp") pop3_->faults().clear();
        if (s.target != "pop3") smtp_->faults().clear();
        note("faults on " + s.target + " cleared");
        break;
      case StepKind::StopService:
        connector_running_ = false;
        note("the POP3 connector service is stopped");
        break;
      case StepKind::StartService:
        connector_running_ = true;
        note("the POP3 connector service is started");
        break;
      case StepKind::RemoveFolder:
        fs::remove_all(folder_path(s.target));
        note("removed the folder " + s.target);
        break;
      case StepKind::CreateFolder:
        fs::create_directories(folder_path(s.target));
        note("created the folder " + s.target);
        break;
      case StepKind::IncomingToPickup: {
        // KB 885685 says copy; a move keeps every message in one place when the
        // connector starts again (a copy left behind would be delivered a second time).
        int n = 0;
        for (auto& f : files_in(root_ / cn::kIncomingMail)) {
          fs::rename(f, pickup_ / f.filename());
          ++n;
        }
        note("moved " + std::to_string(n) + " files from Incoming Mail to PickUp by hand");
        break;
      }
      case StepKind::MoveOut: {
        int n = 0;
        for (auto& f : files_in(folder_path(s.folder))) {
          if (s.message && !holds(f, *s.message)) continue;
          fs::rename(f, aside_ / f.filename());
          ++n;
        }
        note("set " + std::to_string(n) + " files from " + s.folder + " aside by hand");
        break;
      }
      case StepKind::PutBack: {
        int n = 0;
        for (auto& f : files_in(aside_)) {
          if (s.message && holds(f, *s.message)) continue;
          fs::rename(f, root_ / cn::kIncomingMail / f.filename());
          ++n;
        }
        note("put " + std::to_string(n) + " files back into Incoming Mail by hand");
        break;
      }
      case StepKind::RenameBack: {
        for (auto& f : files_in(folder_path(s.folder)))
          if (f.extension() != ".eml") fs::rename(f, fs::path(f).replace_extension(".eml"));
        note("gave the files in " + s.folder + " their .eml extension back");
        break;
      }
      case StepKind::Telnet: {
        bool to_pop3 = s.target == "pop3";
        auto to = to_pop3 ? pop3_->endpoint() : smtp_->endpoint();
        auto label = to_pop3 ? sc_.pop3_hostname : smtp_->world().hostname();
        note("telnet " + label + " " + std::to_string(to.port));
        auto r = run_telnet(to, label, s.session);
        for (auto& l : r.record) note("  " + l);
        check(s, "telnet " + s.target, r.ok, r.ok ? "the session went as the seeds show" : r.why);
        break;
      }
      case StepKind::Pop3Client: {
        const auto& a = sc_.accounts.front();
        auto got = retrieve_leaving_copies(pop3_->endpoint(), a.user, a.password);
        auto want = pop3_->mailboxes().find(a.user)->snapshot();
        bool same = got.size() == want.size();
        for (std::size_t i = 0; same && i < got.size(); ++i) same = got[i].text == want[i].text();
        check(s, "pop3 client", same,
              std::to_string(got.size()) + " messages retrieved (leaving copies), " + std::to_string(want.size()) +
                  " on the server" + (same ? ", each identical" : ", not identical"));
        break;
      }
      case StepKind::Pop3Add: {
        auto md = pop3_->mailboxes().find(s.user);
        if (!md) throw std::runtime_error("no POP3 account " + s.user);
        for (const auto& m : s.messages) add_message(s.user, *md, m);
        note(std::to_string(s.messages.size()) + " new messages for " + s.user + " at the ISP");
        break;
      }
      case StepKind::Pop3Remove: {
        int n = 0;
        for (auto& md : pop3_->mailboxes().all())
          for (auto& m : md->snapshot()) n += md->remove(m.uid) ? 1 : 0;
        note("deleted " + std::to_string(n) + " messages at the provider");
        break;
      }
      case StepKind::Configure:
        configure(s);
        break;
      case StepKind::Exchange:
        exchange(s);
        break;
      case StepKind::FsFault: {
        auto folder = s.settings.count("folder") ? s.settings.at("folder") : std::string(cn::kIncomingMail);
        if (s.settings.count("antivirus")) {
          int nth = s.settings.count("nth") ? std::stoi(s.settings.at("nth")) : 1;
          fsf_.antivirus(folder_path(folder).string(), s.settings.at("antivirus"), nth);
          note("an antivirus scanner watches " + folder);
        }
        if (s.settings.count("fail_reads")) {
          fsf_.fail_reads(folder_path(folder).string());
          note("the MIME components are damaged: files in " + folder + " cannot be read");
        }
        break;
      }
      case StepKind::ClearFsFaults:
        fsf_.clear();
        note("the file-system faults are gone (scanner excluded, components replaced)");
        break;
      case StepKind::Expect:
        expect(s, s.expect);
        break;
    }
  }

  void cycle() {
    if (!connector_running_) {
      note("cycle: the POP3 connector service is not running; nothing happens");
      return;
    }
    last_ = connector_->run_cycle();
    note("cycle: " + std::to_string(last_.downloaded) + " downloaded, " + std::to_string(last_.delivered) +
         " delivered, " + std::to_string(last_.failed) + " failed, " + std::to_string(last_.refused) + " refused, " +
         std::to_string(last_.left) + " left, " + std::to_string(last_.errors) + " errors");
    // The SMTP stage: the pickup service takes what the cycle put into PickUp.
    smtp_->pickup()->poll();
  }

  void configure(const Step& s) {
    for (auto& [k, v] : s.settings) {
      for (auto& mb : config_.mailboxes) {
        if (k == "password") mb.password = v;
        if (k == "deliver_to") mb.deliver_to = v;
      }
      if (k == "leave_on_server") config_.leave_on_server = v == "true" || v == "yes";
      if (k == "logging") config_.logging = cn::parse_log_level(v);
    }
    make_connector();
    note("the connector's settings changed; the service restarted");
  }

  void exchange(const Step& s) {
    auto w = smtp_->world().config();
    const auto& set = s.settings;
    auto flag = [](const std::string& v) { return v == "true" || v == "yes" || v == "on"; };
    if (set.count("accept_domain")) w.accepted_domains.push_back(smtp::lower(set.at("accept_domain")));
    if (set.count("anonymous_access")) w.anonymous_access = flag(set.at("anonymous_access"));
    if (set.count("mailbox")) {
      auto address = smtp::lower(set.at("mailbox"));
      auto it = std::find_if(w.mailboxes.begin(), w.mailboxes.end(), [&](auto& m) { return m.address == address; });
      if (it == w.mailboxes.end()) {
        w.mailboxes.push_back(smtp::MailboxConfig{});
        it = std::prev(w.mailboxes.end());
        it->address = address;
      }
      if (set.count("deliver_to_both")) it->deliver_to_both = flag(set.at("deliver_to_both"));
      if (set.count("forward_to")) it->forward_to = smtp::lower(set.at("forward_to"));
      if (set.count("quota_kb")) it->quota_kb = std::stoull(set.at("quota_kb"));
      if (set.count("used_kb")) it->used_kb = std::stoull(set.at("used_kb"));
      if (set.count("clear_rules") && flag(set.at("clear_rules"))) it->rules.clear();
    }
    smtp_->world().set_config(std::move(w));
    note("the Exchange side changed");
  }

  // ---- checks -----------------------------------------------------------------------

  void expect(const Step& s, const Expect& e) {
    auto events = events_->events();
    auto ids = [&] {
      std::vector<std::string> v;
      for (auto& ev : events) v.push_back(std::to_string(ev.id));
      return "events so far: " + (v.empty() ? std::string("none") : join(v));
    };
    for (const auto& c : e.events) {
      int n = 0;
      std::string near;
      for (auto& ev : events) {
        if (ev.id != c.id) continue;
        bool match = c.text.empty() || (c.exact ? ev.description == c.text : ev.description.find(c.text) != std::string::npos);
        if (match) ++n;
        else near = ev.description;
      }
      bool ok = c.count ? n == *c.count : n > 0;
      std::string what = "event " + std::to_string(c.id) + (c.text.empty() ? "" : " \"" + c.text + "\"");
      std::string detail = std::to_string(n) + " logged" + (c.count ? " (expected " + std::to_string(*c.count) + ")" : "");
      if (!ok) detail += near.empty() ? "; " + ids() : "; its text was \"" + near + "\"";
      check(s, what, ok, detail);
    }
    for (int id : e.no_events) {
      bool ok = std::none_of(events.begin(), events.end(), [&](auto& ev) { return ev.id == id; });
      check(s, "no event " + std::to_string(id), ok, ok ? "none logged" : ids());
    }
    for (const auto& [name, want] : e.folders) {
      auto files = files_in(folder_path(name));
      int n = static_cast<int>(files.size());
      check(s, "files in " + name, n == want, std::to_string(n) + " (expected " + std::to_string(want) + ")");
    }
    for (const auto& [box, want] : e.mailboxes) {
      int n = static_cast<int>(files_in(store_ / box).size());
      check(s, "messages in " + box, n == want, std::to_string(n) + " (expected " + std::to_string(want) + ")");
    }
    if (!e.placements.empty()) {
      std::map<std::string, int> n;
      for (auto& p : smtp_->placements()) ++n[p.where];
      for (const auto& [where, want] : e.placements)
        check(s, "placements " + where, n[where] == want,
              std::to_string(n[where]) + " (expected " + std::to_string(want) + ")");
    }
    if (e.pop3_left) {
      int n = 0;
      for (auto& md : pop3_->mailboxes().all()) n += static_cast<int>(md->snapshot().size());
      check(s, "messages on the POP3 server", n == *e.pop3_left,
            std::to_string(n) + " (expected " + std::to_string(*e.pop3_left) + ")");
    }
    if (e.taken_by_competing_client) {
      int n = 0;
      for (auto& md : pop3_->mailboxes().all())
        for (auto& d : md->departures()) n += d.reason == pop3::DepartureReason::CompetingClient ? 1 : 0;
      check(s, "taken by a competing client", n == *e.taken_by_competing_client,
            std::to_string(n) + " (expected " + std::to_string(*e.taken_by_competing_client) + ")");
    }
    if (!e.log.empty() || !e.no_log.empty()) {
      auto log = contents(root_ / cn::kLogFile);
      for (auto& l : e.log)
        check(s, "log line \"" + l + "\"", log.find(l) != std::string::npos,
              log.find(l) != std::string::npos ? "present" : "absent from " + std::string(cn::kLogFile));
      for (auto& l : e.no_log)
        check(s, "no log line \"" + l + "\"", log.find(l) == std::string::npos,
              log.find(l) == std::string::npos ? "absent" : "present");
    }
    for (const auto& [server, lines] : e.transcript) {
      std::string all;
      for (auto& t : server == "pop3" ? pop3_->transcripts() : smtp_->transcripts()) all += t->str();
      for (auto& l : lines)
        check(s, server + " transcript \"" + l + "\"", all.find(l) != std::string::npos,
              all.find(l) != std::string::npos ? "present" : "in no session");
    }
    for (const auto& [field, want] : e.cycle) {
      std::size_t got = field == "downloaded" ? last_.downloaded
                        : field == "delivered" ? last_.delivered
                        : field == "failed"    ? last_.failed
                        : field == "refused"   ? last_.refused
                        : field == "left"      ? last_.left
                                               : last_.errors;
      check(s, "last cycle " + field, static_cast<std::int64_t>(got) == want,
            std::to_string(got) + " (expected " + std::to_string(want) + ")");
    }
    if (!e.messages.empty()) {
      auto seen = sightings();
      for (const auto& [number, want] : e.messages) {
        std::vector<std::string> places;
        for (auto& x : seen)
          if (x.message + 1 == static_cast<std::size_t>(number)) places.push_back(x.place);
        bool ok = std::find(places.begin(), places.end(), want) != places.end();
        std::string label = static_cast<std::size_t>(number) <= tracked_.size() ? tracked_[number - 1].label
                                                                                 : "message " + std::to_string(number);
        check(s, "where " + label + " is", ok,
              (places.empty() ? std::string("nowhere") : join(places)) + (ok ? "" : " (expected " + want + ")"));
      }
    }
    if (!e.smtpreg.empty() || !e.no_smtpreg.empty()) {
      auto listing = smtp_->world().event_sink_listing();
      for (auto& l : e.smtpreg)
        check(s, "smtpreg.vbs /enum shows \"" + l + "\"", listing.find(l) != std::string::npos,
              listing.find(l) != std::string::npos ? "listed" : "not listed");
      for (auto& l : e.no_smtpreg)
        check(s, "smtpreg.vbs /enum lacks \"" + l + "\"", listing.find(l) == std::string::npos,
              listing.find(l) == std::string::npos ? "not listed" : "listed");
    }
  }

  // Where every tracked message is now.
  std::vector<Sighting> sightings() {
    std::vector<Sighting> seen;
    auto look = [&](const fs::path& dir, const std::string& place) {
      for (auto& f : files_in(dir))
        for (auto i : messages_in(contents(f), tracked_)) seen.push_back({i, PlaceKind::Holding, place, ""});
    };
    for (auto& md : pop3_->mailboxes().all()) {
      for (auto& m : md->snapshot())
        for (auto i : messages_in(m.text(), tracked_))
          seen.push_back({i, PlaceKind::Source, "the POP3 server (" + md->user() + ")", ""});
      for (auto& d : md->departures()) {
        auto it = by_uid_.find(md->user() + "\n" + d.uid);
        if (it == by_uid_.end()) continue;
        if (d.reason == pop3::DepartureReason::CompetingClient)
          seen.push_back({it->second, PlaceKind::Gone, "taken by a competing client", ""});
        else if (d.reason == pop3::DepartureReason::Removed)
          seen.push_back({it->second, PlaceKind::Gone, "deleted at the provider", ""});
      }
    }
    look(root_ / cn::kIncomingMail, "Incoming Mail");
    look(root_ / cn::kFailedMail, "Failed Mail");
    look(pickup_, "PickUp");
    look(aside_, "Set Aside");
    for (auto& p : smtp_->placements()) {
      std::string place = p.where == "mailbox"   ? "mailbox " + p.target + "/" + p.folder
                          : p.where == "forward" ? "forwarded to " + p.target
                          : p.where == "ndr"     ? "an NDR to " + p.target
                                                 : "Badmail";
      for (auto i : messages_in(contents(p.file), tracked_)) seen.push_back({i, PlaceKind::Final, place, p.target});
    }
    return seen;
  }

  void conservation() {
    auto seen = sightings();
    ConservationRules rules{config_.leave_on_server, smtp::lower(config_.admin_mailbox)};
    auto problems = check_conservation(tracked_, seen, rules);
    Step s;
    s.field = "conservation";
    check(s, "every message in exactly one known place", problems.empty(),
          problems.empty() ? std::to_string(tracked_.size()) + " messages accounted for" : join(problems, "; "));
  }

  const Scenario& sc_;
  cn::Profile profile_;
  RunOptions options_;
  RunResult result_;
  const Step* current_ = nullptr;

  fs::path sandbox_, root_, pickup_, store_, aside_;
  std::vector<TrackedMessage> tracked_;
  std::map<std::string, std::size_t> by_uid_;  // "user\nuid" -> tracked index
  std::map<std::string, std::size_t> added_;   // per account, messages added so far

  cn::SystemClock clock_;
  cn::TcpChannelFactory channels_;
  cn::PosixFileSystem posix_;
  FileSystemFaults fsf_;
  std::unique_ptr<cn::EventLog> events_;
  std::unique_ptr<cn::DiagLog> log_;
  cn::Config config_;
  // Declared after what it uses, so it goes first.
  std::unique_ptr<cn::Connector> connector_;
  bool connector_running_ = true;
  cn::CycleReport last_;
  std::unique_ptr<pop3::Server> pop3_;
  std::unique_ptr<smtp::Server> smtp_;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, cn::Profile profile, const RunOptions& options) {
  return Run(scenario, profile, options).go();
}

}  // namespace maillab::runner
