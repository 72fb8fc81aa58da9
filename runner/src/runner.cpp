#include <utility>

#include "maillab/base/files.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/runner/scenario_run.hpp"
#include "step_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>

#include "maillab/base/message_text.hpp"
#include "maillab/connector/components.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/connector/resolver.hpp"
#include "maillab/connector/service.hpp"
#include "maillab/faults/fault_yaml.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/runner/bisection.hpp"
#include "maillab/runner/checks.hpp"
#include "maillab/runner/conservation.hpp"
#include "maillab/runner/diagnosis.hpp"
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

}  // namespace

namespace detail {

class Run {
 public:
  Run(const Scenario& sc, cn::Profile profile, const RunOptions& options)
      : sc_(sc), profile_(profile), options_(options), fsf_(posix_), started_(std::chrono::steady_clock::now()) {
    result_.id = sc.id;
    result_.file = sc.file;
    result_.profile = profile;
    for (const auto* list : {&sc.steps, &sc.remedy_steps}) {
      for (const auto& s : *list)
        if (!s.profile || *s.profile == profile) plan_.push_back(&s);
      if (list == &sc.steps) symptom_steps_ = plan_.size();
    }
    try {
      setup();
    } catch (const std::exception& e) {
      result_.error = sc_.file + ": set-up: " + e.what();
    }
  }

  std::size_t total() const { return plan_.size(); }
  const RunResult& result() const { return result_; }
  std::size_t taken() const { return taken_; }
  bool done() const { return !result_.error.empty() || taken_ >= plan_.size(); }
  const Step& upcoming() const { return *plan_.at(taken_); }

  const StepRecord& next() {
    if (done()) throw std::logic_error("the run has no step left");
    const Step& s = *plan_[taken_++];
    StepRecord record;
    record.step = s.field;
    record.line = s.line;
    record.action = describe_action(s.action);
    record.checks_begin = result_.checks.size();
    auto notes = result_.transcript.size();
    try {
      current_ = &s;
      std::visit([&](const auto& action) { act(s, action); }, s.action);
      diagnose_at_boundary();
    } catch (const std::exception& e) {
      record.error = result_.error = sc_.file + ":" + std::to_string(s.line) + ": " + s.field + ": " + e.what();
    }
    current_ = nullptr;
    record.checks_end = result_.checks.size();
    record.notes.assign(result_.transcript.begin() + static_cast<std::ptrdiff_t>(notes), result_.transcript.end());
    record_after(record);
    result_.steps.push_back(std::move(record));
    return result_.steps.back();
  }

  // The doctor reads the site where the symptom shows (after the scenario's own steps) and
  // again after the remedy; its check belongs to the step it follows.
  void diagnose_at_boundary() {
    if (taken_ == symptom_steps_) doctor_.at_symptom(site(), result_);
    if (taken_ == plan_.size()) doctor_.after_remedy(site(), result_);
  }

  // Stops the simulators and removes the sandbox (unless kept) without running the rest.
  void abandon() { teardown(); }

  RunResult finish() {
    while (!done()) next();
    try {
      if (pop3_ && smtp_) conservation();
    } catch (const std::exception& e) {
      if (result_.error.empty()) result_.error = sc_.file + ": conservation check: " + e.what();
    }
    teardown();
    result_.passed = result_.error.empty() &&
                     std::all_of(result_.checks.begin(), result_.checks.end(), [](auto& c) { return c.passed; });
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
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
    pc.transcripts_kept = net::kTranscriptsWhenAsked;  // the `transcript:` checks read them
    const ServerTls server_tls(sc_.tls, {sc_.pop3_hostname, sc_.world.hostname});
    server_tls.apply(pc);
    pop3_ = std::make_unique<pop3::Server>(pc);
    for (const auto& a : sc_.accounts) {
      auto md = std::make_shared<pop3::Maildrop>(a.user, a.password);
      pop3_->mailboxes().add(md);
      for (const auto& m : a.messages) add_message(a.user, *md, m);
    }
    add_faults(Server::Pop3, sc_.pop3_faults);

    smtp::ServerConfig scfg;
    scfg.listen = HostPort{"127.0.0.1", 0};
    scfg.idle_timeout = std::chrono::seconds(10);
    scfg.transcripts_kept = net::kTranscriptsWhenAsked;
    scfg.pickup = pickup_;
    server_tls.apply(scfg);
    smtp_ = std::make_unique<smtp::Server>(scfg, sc_.world, store_);
    add_faults(Server::Smtp, sc_.smtp_faults);
    pop3_->start();
    smtp_->start();

    config_ = sc_.connector.base;
    config_.source = sc_.file;
    config_.profile = profile_;
    config_.root = root_.string();
    // The connector resolves names from the runner's own hosts data only: no query leaves
    // the machine. A mailbox without a host name connects to the address itself.
    hosts_.add(sc_.pop3_hostname, pop3_->endpoint().host);
    for (auto& mb : config_.mailboxes) {
      auto host = mb.pop3.host;
      mb.pop3 = pop3_->endpoint();
      if (!host.empty()) mb.pop3.host = host;
      mb.name = mb.user + "@" + sc_.pop3_hostname;
    }
    if (sc_.connector.pickup) config_.delivery.pickup = pickup_.string();
    else config_.delivery.smtp = smtp_->endpoint();
    // Where the Exchange side keeps its message tracking log, when the world tracks.
    if (sc_.world.message_tracking)
      config_.delivery.message_tracking = (store_ / (smtp_->world().hostname() + ".log")).string();
    configure_connector_tls(sc_.tls, *pop3_, *smtp_, sandbox_, config_);
    make_connector();
  }

  // The service (re)starts: it reads its settings, the logging level among them, now.
  void make_connector() {
    cn::validate(config_);
    connector_.reset();
    events_ = std::make_unique<cn::EventLog>(cn::Folders{config_.root}.events_file(), config_.lang, clock_,
                                             config_.logging);
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

  // ---- one function per step kind -----------------------------------------------------

  faults::FaultTable& faults_of(Server server) { return server == Server::Pop3 ? pop3_->faults() : smtp_->faults(); }

  static const char* name_of(Server server) { return server == Server::Pop3 ? "pop3" : "smtp"; }

  void act(const Step&, const steps::Cycle& a) {
    for (int i = 0; i < a.count; ++i) cycle();
  }
  void act(const Step&, const steps::Pickup&) {
    note("SMTP pickup service: " + std::to_string(smtp_->pickup()->poll()) + " files taken");
  }
  void act(const Step&, const steps::AddFaults& a) {
    add_faults(a.server, a.faults);
    note(std::string("fault on ") + name_of(a.server) + " added");
  }
  void act(const Step&, const steps::ClearFaults& a) {
    if (a.server != Server::Smtp) pop3_->faults().clear();
    if (a.server != Server::Pop3) smtp_->faults().clear();
    note(std::string("faults on ") + (a.server ? name_of(*a.server) : "all") + " cleared");
  }
  // net stop / net start: the state every "Retrieve now" and schedule consults.
  void act(const Step&, const steps::ConnectorService& a) {
    // A start reads the saved settings.
    if (a.running && service().state() == cn::ServiceState::Stopped) make_connector();
    service().set(a.running ? cn::ServiceState::Running : cn::ServiceState::Stopped);
    note(std::string("the POP3 connector service is ") + (a.running ? "started" : "stopped"));
  }
  void act(const Step&, const steps::RemoveFolder& a) {
    fs::remove_all(folder_path(a.folder));
    note("removed the folder " + a.folder);
  }
  void act(const Step&, const steps::CreateFolder& a) {
    fs::create_directories(folder_path(a.folder));
    note("created the folder " + a.folder);
  }
  void act(const Step&, const steps::IncomingToPickup& a) {
    // KB 885685 says copy; a copy left behind is delivered a second time when the
    // connector starts again (CDO-copy-to-pickup), a move keeps one place per message.
    int n = 0;
    for (auto& f : files_in(root_ / cn::kIncomingMail)) {
      if (a.copy) fs::copy_file(f, pickup_ / f.filename());
      else fs::rename(f, pickup_ / f.filename());
      ++n;
    }
    note((a.copy ? "copied " : "moved ") + std::to_string(n) + " files from Incoming Mail to PickUp by hand");
  }
  void act(const Step&, const steps::MoveOut& a) {
    int n = 0;
    for (auto& f : files_in(folder_path(a.folder))) {
      if (a.message && !holds(f, *a.message)) continue;
      fs::rename(f, aside_ / f.filename());
      ++n;
    }
    note("set " + std::to_string(n) + " files from " + a.folder + " aside by hand");
  }
  void act(const Step&, const steps::PutBack& a) {
    int n = 0;
    for (auto& f : files_in(aside_)) {
      if (a.except && holds(f, *a.except)) continue;
      fs::rename(f, root_ / cn::kIncomingMail / f.filename());
      ++n;
    }
    note("put " + std::to_string(n) + " files back into Incoming Mail by hand");
  }
  void act(const Step& s, const steps::Bisect& a) {
    auto names = [](const std::vector<fs::path>& files) {
      std::vector<std::string> out;
      for (auto& f : files) out.push_back(f.filename().string());
      return out;
    };
    auto move = [](const fs::path& from, const fs::path& to, const std::vector<std::string>& files) {
      for (auto& f : files) fs::rename(from / f, to / f);
    };
    auto incoming = root_ / cn::kIncomingMail;
    BisectionHands hands{[&] { return names(files_in(incoming)); },
                         [&](const std::vector<std::string>& f) { move(incoming, aside_, f); },
                         [&](const std::vector<std::string>& f) { move(aside_, incoming, f); }, [&] { cycle(); }};
    auto r = bisect_incoming_mail(hands);
    for (auto& l : r.record) note("bisection: " + l);
    std::vector<int> found;
    for (auto& f : r.bad)
      for (int i = 1; i <= static_cast<int>(tracked_.size()); ++i)
        if (holds(aside_ / f, i)) found.push_back(i);
    std::sort(found.begin(), found.end());
    auto want = a.finds;
    std::sort(want.begin(), want.end());
    auto list = [](const std::vector<int>& v) {
      std::string out;
      for (int i : v) out += (out.empty() ? "" : ", ") + std::to_string(i);
      return out.empty() ? std::string("none") : out;
    };
    check(s, "bisection finds the bad files", found == want,
          "message " + list(found) + " in " + std::to_string(r.rounds) + " rounds" +
              (found == want ? "" : " (expected " + list(want) + ")"));
    if (a.max_rounds)
      check(s, "bisection rounds", r.rounds <= *a.max_rounds,
            std::to_string(r.rounds) + " (at most " + std::to_string(*a.max_rounds) + ")");
  }
  void act(const Step&, const steps::RenameBack& a) {
    for (auto& f : files_in(folder_path(a.folder)))
      if (f.extension() != ".eml") fs::rename(f, fs::path(f).replace_extension(".eml"));
    note("gave the files in " + a.folder + " their .eml extension back");
  }
  void act(const Step& s, const steps::Telnet& a) {
    bool to_pop3 = a.to == Server::Pop3;
    auto to = to_pop3 ? pop3_->endpoint() : smtp_->endpoint();
    auto label = to_pop3 ? sc_.pop3_hostname : smtp_->world().hostname();
    note("telnet " + label + " " + std::to_string(to.port));
    auto r = run_telnet(to, label, a.session);
    for (auto& l : r.record) note("  " + l);
    check(s, std::string("telnet ") + name_of(a.to), r.ok, r.ok ? "the session went as the seeds show" : r.why);
  }
  void act(const Step& s, const steps::Pop3Client& c) {
    const auto& a = sc_.accounts.front();
    if (c.fails_with) return client_fails(s, *c.fails_with);
    auto got = retrieve_leaving_copies(pop3_->endpoint(), a.user, a.password);
    auto want = pop3_->mailboxes().find(a.user)->snapshot();
    bool same = got.size() == want.size();
    for (std::size_t i = 0; same && i < got.size(); ++i) same = got[i].text == want[i].text();
    check(s, "pop3 client", same,
          std::to_string(got.size()) + " messages retrieved (leaving copies), " + std::to_string(want.size()) +
              " on the server" + (same ? ", each identical" : ", not identical"));
  }
  // KB 885685: "if Outlook Express cannot retrieve the mail, neither can the connector".
  void client_fails(const Step& s, const std::string& reply) {
    const auto& a = sc_.accounts.front();
    std::string why;
    try {
      retrieve_leaving_copies(pop3_->endpoint(), a.user, a.password);
    } catch (const std::exception& e) {
      why = e.what();
    }
    note("the POP3 client: " + (why.empty() ? std::string("retrieved the mail") : why));
    bool ok = !why.empty() && why.find(reply) != std::string::npos;
    check(s, "pop3 client fails", ok,
          why.empty() ? "it retrieved the mail" : why + (ok ? "" : " (expected \"" + reply + "\")"));
  }
  void act(const Step&, const steps::Pop3Add& a) {
    auto md = pop3_->mailboxes().find(a.user);
    if (!md) throw std::runtime_error("no POP3 account " + a.user);
    for (const auto& m : a.messages) add_message(a.user, *md, m);
    note(std::to_string(a.messages.size()) + " new messages for " + a.user + " at the ISP");
  }
  void act(const Step&, const steps::Pop3Remove&) {
    int n = 0;
    for (auto& md : pop3_->mailboxes().all())
      for (auto& m : md->snapshot()) n += md->remove(m.uid) ? 1 : 0;
    note("deleted " + std::to_string(n) + " messages at the provider");
  }
  void act(const Step&, const steps::Configure& a) {
    for (auto& mb : config_.mailboxes) {
      if (a.password) mb.password = *a.password;
      if (a.deliver_to) mb.deliver_to = *a.deliver_to;
      if (a.user) mb.name = (mb.user = *a.user) + "@" + sc_.pop3_hostname;
      if (a.host) mb.pop3.host = *a.host;
    }
    if (a.leave_on_server) config_.leave_on_server = *a.leave_on_server;
    if (a.logging) config_.logging = *a.logging;
    if (!a.restart) return note("the connector's settings changed; the service was not restarted");
    make_connector();
    note("the connector's settings changed; the service restarted");
  }
  void act(const Step&, const steps::Exchange& a) {
    auto w = smtp_->world().config();
    if (a.accept_domain) w.accepted_domains.push_back(*a.accept_domain);
    if (a.anonymous_access) w.anonymous_access = *a.anonymous_access;
    if (a.mailbox) change_mailbox(w, *a.mailbox, a);
    smtp_->world().set_config(std::move(w));
    note("the Exchange side changed");
  }
  void act(const Step&, const steps::FsFault& a) {
    fsf_.antivirus(folder_path(a.folder).string(), a.antivirus, a.nth);
    note("an antivirus scanner watches " + a.folder);
  }
  void act(const Step&, const steps::ClearFsFaults&) {
    fsf_.clear();
    note("the scanner is excluded; its locks are released");
  }
  // A few bytes in the middle of the image change on disk, as a bad sector or a broken
  // update leaves them; on a root not set up yet, the installation comes first.
  void act(const Step&, const steps::DamageComponent& a) {
    cn::Folders folders{config_.root};
    auto path = fs::path(folders.components()) / a.name;
    if (!fs::exists(path)) cn::register_components(posix_, folders);
    auto image = contents(path);
    image[image.size() / 2] ^= 0x5a;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << image;
    note(a.name + " is damaged");
  }
  void act(const Step&, const steps::RegisterComponents&) {
    cn::register_components(posix_, cn::Folders{config_.root});
    note("the MIME components are replaced from the CD and registered (regsvr32)");
  }
  void act(const Step& s, const Expect& e) {
    check_events(s, e);
    check_files(s, e);
    check_servers(s, e);
    check_texts(s, e);
    check_cycle(s, e);
    check_messages(s, e);
  }

  void add_faults(Server server, const FaultNodes& nodes) {
    if (nodes.empty()) return;
    faults_of(server).add(faults::parse_fault_node(*nodes.field, server == Server::Pop3 ? pop3::presets() : smtp::presets()));
  }

  cn::ServiceControl service() { return cn::ServiceControl(posix_, cn::Folders{config_.root}); }

  void cycle() {
    doctor_.cycle_starts(root_.string());
    auto r = cn::retrieve_now(*connector_, service());
    last_refusal_ = r.refusal;
    if (!r.report) {
      last_ = {};
      note("Retrieve now: " + r.refusal);
      return;
    }
    last_ = *r.report;
    doctor_.cycle_ran(last_.downloaded);
    note("cycle: " + std::to_string(last_.downloaded) + " downloaded, " + std::to_string(last_.delivered) +
         " delivered, " + std::to_string(last_.failed) + " failed, " + std::to_string(last_.refused) + " refused, " +
         std::to_string(last_.left) + " left, " + std::to_string(last_.errors) + " errors");
    // The SMTP stage: the pickup service takes what the cycle put into PickUp.
    smtp_->pickup()->poll();
  }

  // What the doctor is given (runner/diagnosis.hpp): the site, never the scenario's faults.
  DoctorSite site() {
    const auto& mb = config_.mailboxes.front();
    DoctorSite s{mb.pop3, mb.user, mb.password, smtp_->endpoint(), {}, root_.string(), pickup_.string(), &hosts_, &channels_};
    for (const auto& m : config_.mailboxes) s.rcpts.push_back(m.deliver_to);
    return s;
  }

  static void change_mailbox(smtp::WorldConfig& w, const std::string& address, const steps::Exchange& a) {
    auto it = std::find_if(w.mailboxes.begin(), w.mailboxes.end(), [&](auto& m) { return m.address == address; });
    if (it == w.mailboxes.end()) {
      w.mailboxes.push_back(smtp::MailboxConfig{});
      it = std::prev(w.mailboxes.end());
      it->address = address;
    }
    if (a.deliver_to_both) it->deliver_to_both = *a.deliver_to_both;
    if (a.forward_to) it->forward_to = *a.forward_to;
    if (a.quota_kb) it->quota_kb = *a.quota_kb;
    if (a.used_kb) it->used_kb = *a.used_kb;
    if (a.clear_rules) it->rules.clear();
  }

  // ---- checks -----------------------------------------------------------------------

  void count_check(const Step& s, const std::string& what, std::int64_t got, std::int64_t want) {
    check(s, what, got == want, std::to_string(got) + " (expected " + std::to_string(want) + ")");
  }

  // The events as events.jsonl holds them: the checks see the bytes a person reads.
  std::vector<cn::Event> logged_events() const {
    std::vector<cn::Event> out;
    std::istringstream in(contents(cn::Folders{config_.root}.events_file()));
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      out.push_back({j.at("time"), j.at("source"), j.at("category"), j.at("id"), j.at("type"), j.at("description")});
    }
    return out;
  }

  void check_events(const Step& s, const Expect& e) {
    if (e.events.empty() && e.no_events.empty()) return;
    auto events = logged_events();
    auto ids = [&] {
      std::vector<std::string> v;
      for (auto& ev : events) v.push_back(std::to_string(ev.id));
      return "events so far: " + (v.empty() ? std::string("none") : join(v));
    };
    for (const auto& c : e.events) {
      int n = 0;
      std::string near;
      for (auto& ev : events) {
        if (event_matches(c, ev)) ++n;
        else if (ev.id == c.id) near = event_mismatch(c, ev);
      }
      bool ok = c.count ? n == *c.count : n > 0;
      std::string detail = std::to_string(n) + " logged" + (c.count ? " (expected " + std::to_string(*c.count) + ")" : "");
      if (!ok) detail += near.empty() ? "; " + ids() : "; " + near;
      check(s, event_check_label(c), ok, detail);
    }
    for (int id : e.no_events) {
      bool ok = std::none_of(events.begin(), events.end(), [&](auto& ev) { return ev.id == id; });
      check(s, "no event " + std::to_string(id), ok, ok ? "none logged" : ids());
    }
  }

  void check_files(const Step& s, const Expect& e) {
    for (const auto& [name, want] : e.folders)
      count_check(s, "files in " + name, static_cast<std::int64_t>(files_in(folder_path(name)).size()), want);
    for (const auto& [box, want] : e.mailboxes)
      count_check(s, "messages in " + box, static_cast<std::int64_t>(files_in(store_ / box).size()), want);
    if (!e.placements.empty()) {
      std::map<smtp::Destination, int> n;
      for (auto& p : smtp_->placements()) ++n[p.where];
      for (const auto& [where, want] : e.placements)
        count_check(s, "placements " + std::string(smtp::destination_name(where)), n[where], want);
    }
  }

  void check_servers(const Step& s, const Expect& e) {
    if (e.pop3_left) {
      int n = 0;
      for (auto& md : pop3_->mailboxes().all()) n += static_cast<int>(md->snapshot().size());
      count_check(s, "messages on the POP3 server", n, *e.pop3_left);
    }
    if (e.taken_by_competing_client) {
      int n = 0;
      for (auto& md : pop3_->mailboxes().all())
        for (auto& d : md->departures()) n += d.reason == pop3::DepartureReason::CompetingClient ? 1 : 0;
      count_check(s, "taken by a competing client", n, *e.taken_by_competing_client);
    }
  }

  // `want` lines must be in `text`, `unwanted` ones must not.
  void contains_check(const Step& s, const std::string& label, const std::string& no_label, const std::string& text,
                      const std::vector<std::string>& want, const std::vector<std::string>& unwanted,
                      const std::string& present, const std::string& absent) {
    for (auto& l : want) {
      bool ok = text.find(l) != std::string::npos;
      check(s, label + " \"" + l + "\"", ok, ok ? present : absent);
    }
    for (auto& l : unwanted) {
      bool ok = text.find(l) == std::string::npos;
      check(s, no_label + " \"" + l + "\"", ok, ok ? absent : present);
    }
  }

  void check_texts(const Step& s, const Expect& e) {
    bool reads_log = !e.log.empty() || !e.no_log.empty() || !e.log_blocks.empty();
    auto log = reads_log ? contents(root_ / cn::kLogFile) : std::string();
    if (!e.log.empty() || !e.no_log.empty())
      contains_check(s, "log line", "no log line", log, e.log, e.no_log, "present",
                     "absent from " + std::string(cn::kLogFile));
    for (const auto& block : e.log_blocks) {
      auto found = find_log_block(log, block);
      check(s, "log block of " + std::to_string(block.lines.size()) + " lines from \"" + block.lines.front() + "\"",
            found.found, describe_search(log, block, found));
    }
    for (const auto& [server, lines] : e.transcript) {
      std::string all;
      for (auto& t : server == "pop3" ? pop3_->transcripts() : smtp_->transcripts()) all += t->str();
      contains_check(s, server + " transcript", "", all, lines, {}, "present", "in no session");
    }
    if (!e.smtpreg.empty() || !e.no_smtpreg.empty())
      contains_check(s, "smtpreg.vbs /enum shows", "smtpreg.vbs /enum lacks", smtp_->world().event_sink_listing(), e.smtpreg, e.no_smtpreg,
                     "listed", "not listed");
  }

  void check_cycle(const Step& s, const Expect& e) {
    static constexpr std::pair<CycleCounter, const char*> kNames[] = {
        {CycleCounter::Downloaded, "downloaded"}, {CycleCounter::Delivered, "delivered"},
        {CycleCounter::Failed, "failed"},         {CycleCounter::Refused, "refused"},
        {CycleCounter::Left, "left"},             {CycleCounter::Errors, "errors"}};
    for (const auto& [counter, want] : e.cycle) {
      std::size_t got = counter == CycleCounter::Downloaded  ? last_.downloaded
                        : counter == CycleCounter::Delivered ? last_.delivered
                        : counter == CycleCounter::Failed    ? last_.failed
                        : counter == CycleCounter::Refused   ? last_.refused
                        : counter == CycleCounter::Left      ? last_.left
                                                             : last_.errors;
      const char* name = "";
      for (const auto& [c, n] : kNames)
        if (c == counter) name = n;
      count_check(s, std::string("last cycle ") + name, static_cast<std::int64_t>(got), want);
    }
    if (e.retrieve_refused) {
      bool ok = !last_refusal_.empty() && last_refusal_.find(*e.retrieve_refused) != std::string::npos;
      check(s, "Retrieve now refused", ok, last_refusal_.empty() ? "a cycle ran" : last_refusal_);
    }
  }

  void check_messages(const Step& s, const Expect& e) {
    if (e.messages.empty()) return;
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

  // Where every tracked message is now.
  std::vector<Sighting> sightings() {
    using N = FlowNode;
    std::vector<Sighting> seen;
    auto look = [&](const fs::path& dir, const std::string& place, N node) {
      for (auto& f : files_in(dir))
        for (auto i : messages_in(contents(f), tracked_)) seen.push_back({i, PlaceKind::Holding, place, "", node});
    };
    for (auto& md : pop3_->mailboxes().all()) {
      for (auto& m : md->snapshot())
        for (auto i : messages_in(m.text(), tracked_))
          seen.push_back({i, PlaceKind::Source, "the POP3 server (" + md->user() + ")", "", N::Pop3Server});
      for (auto& d : md->departures()) {
        auto it = by_uid_.find(md->user() + "\n" + d.uid);
        if (it == by_uid_.end()) continue;
        if (d.reason == pop3::DepartureReason::CompetingClient)
          seen.push_back({it->second, PlaceKind::Gone, "taken by a competing client", "", N::Gone});
        else if (d.reason == pop3::DepartureReason::Removed)
          seen.push_back({it->second, PlaceKind::Gone, "deleted at the provider", "", N::Gone});
      }
    }
    look(root_ / cn::kIncomingMail, "Incoming Mail", N::IncomingMail);
    look(root_ / cn::kFailedMail, "Failed Mail", N::FailedMail);
    look(pickup_, "PickUp", N::PickUp);
    // A file the pickup service could not store, set aside as IIS does (NAME.bad; NAME.bdr
    // holds only the reason, never the message).
    look(pickup_.parent_path() / "Badmail", "the pickup's Badmail", N::Badmail);
    look(aside_, "Set Aside", N::SetAside);
    for (auto& r : smtp_->pickup()->deleted_by_antivirus())
      for (auto i : messages_in(r.message_id, tracked_))
        seen.push_back({i, PlaceKind::Removed, "removed by the scanner", "", N::Removed});
    for (auto& p : smtp_->placements()) {
      auto [place, node] = final_place(p);
      for (auto i : messages_in(contents(p.file), tracked_)) seen.push_back({i, PlaceKind::Final, place, p.target, node});
    }
    return seen;
  }

  static std::pair<std::string, FlowNode> final_place(const smtp::Placement& p) {
    switch (p.where) {
      case smtp::Destination::Mailbox: return {"mailbox " + p.target + "/" + p.folder, FlowNode::Mailbox};
      case smtp::Destination::Forward: return {"forwarded to " + p.target, FlowNode::Forwarded};
      case smtp::Destination::Ndr: return {"an NDR to " + p.target, FlowNode::Ndr};
      case smtp::Destination::Badmail: break;
    }
    return {"Badmail", FlowNode::Badmail};
  }

  void conservation() {
    auto seen = sightings();
    ConservationRules rules{config_.leave_on_server, smtp::lower(config_.admin_mailbox)};
    auto problems = check_conservation(tracked_, seen, rules);
    auto documented = sc_.documented_fates.count(profile_) ? sc_.documented_fates.at(profile_) : Scenario::Fates{};
    auto count = [&](std::string_view kind) {
      return static_cast<std::size_t>(std::count_if(problems.begin(), problems.end(),
                                                    [&](const std::string& p) { return p.starts_with(kind); }));
    };
    bool as_documented = count("lost:") == documented.lost && count("doubled:") == documented.duplicated &&
                         problems.size() == documented.lost + documented.duplicated;
    Step s;
    s.field = "conservation";
    std::string expected = documented.lost + documented.duplicated == 0
                               ? ""
                               : " (documented for " + std::string(cn::profile_name(profile_)) + ": " +
                                     std::to_string(documented.lost) + " lost, " +
                                     std::to_string(documented.duplicated) + " duplicated)";
    check(s, "every message in exactly one known place", as_documented,
          (problems.empty() ? std::to_string(tracked_.size()) + " messages accounted for" : join(problems, "; ")) +
              expected);
  }

  // The step's picture, events and sessions, once it ran.
  void record_after(StepRecord& r) {
    if (!pop3_ || !smtp_) return;
    r.picture = picture_of(sightings());
    r.events = recorder_.new_events(cn::Folders{config_.root}.events_file());
    r.transcripts = recorder_.new_sessions("pop3", pop3_->transcripts());
    for (auto& t : recorder_.new_sessions("smtp", smtp_->transcripts())) r.transcripts.push_back(std::move(t));
  }

  const Scenario& sc_;
  cn::Profile profile_;
  RunOptions options_;
  RunResult result_;
  const Step* current_ = nullptr;
  std::vector<const Step*> plan_;  // this profile's steps, remedy included
  std::size_t symptom_steps_ = 0;  // the first ones of plan_, before the remedy
  std::size_t taken_ = 0;
  StepRecorder recorder_;

  fs::path sandbox_, root_, pickup_, store_, aside_;
  std::vector<TrackedMessage> tracked_;
  std::map<std::string, std::size_t> by_uid_;  // "user\nuid" -> tracked index
  std::map<std::string, std::size_t> added_;   // per account, messages added so far

  cn::SystemClock clock_;
  cn::HostsResolver hosts_{{}, nullptr};  // no fallback: nothing is asked of DNS
  cn::TcpChannelFactory channels_{hosts_};
  cn::PosixFileSystem posix_;
  FileSystemFaults fsf_;
  std::unique_ptr<cn::EventLog> events_;
  std::unique_ptr<cn::DiagLog> log_;
  cn::Config config_;
  // Declared after what it uses, so it goes first.
  std::unique_ptr<cn::Connector> connector_;
  std::string last_refusal_;  // why the last "Retrieve now" ran no cycle
  cn::CycleReport last_;
  std::unique_ptr<pop3::Server> pop3_;
  std::unique_ptr<smtp::Server> smtp_;
  std::chrono::steady_clock::time_point started_;
  RunDoctor doctor_{sc_, profile_};
};

}  // namespace detail

RunResult run_scenario(const Scenario& scenario, cn::Profile profile, const RunOptions& options) {
  return detail::Run(scenario, profile, options).finish();
}

ScenarioRun::ScenarioRun(Scenario scenario, cn::Profile profile, const RunOptions& options)
    : scenario_(std::move(scenario)), profile_(profile),
      run_(std::make_unique<detail::Run>(scenario_, profile, options)) {}
ScenarioRun::~ScenarioRun() {
  if (run_) run_->abandon();
}
std::size_t ScenarioRun::total() const { return run_->total(); }
std::size_t ScenarioRun::taken() const { return run_->taken(); }
bool ScenarioRun::done() const { return !run_ || run_->done(); }
const Step& ScenarioRun::upcoming() const { return run_->upcoming(); }
const RunResult& ScenarioRun::so_far() const {
  if (!run_) throw std::logic_error("the run has finished");
  return run_->result();
}
const StepRecord& ScenarioRun::next() {
  if (!run_) throw std::logic_error("the run has finished");
  return run_->next();
}
RunResult ScenarioRun::finish() {
  if (!run_) throw std::logic_error("the run has finished");
  auto result = run_->finish();
  run_.reset();
  return result;
}

}  // namespace maillab::runner
