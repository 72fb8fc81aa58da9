#include "maillab/runner/crash_sweep.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "maillab/base/files.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/runner/conservation.hpp"
#include "maillab/runner/crashing_channel.hpp"
#include "maillab/runner/crashing_file_system.hpp"
#include "maillab/runner/cross_device_file_system.hpp"
#include "maillab/smtp/server.hpp"
#include "zygote.hpp"

namespace fs = std::filesystem;
namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

constexpr int kMaxRecoveryCycles = 6;
constexpr const char* kAdmin = "administrator@contoso.local";

std::string message(int i) {
  return fmt::format(
      "From: sender{0}@fabrikam.com\r\nTo: bob@fabrikam.com\r\nSubject: message {0}\r\nMessage-ID: "
      "<{0}@crash.maillab>\r\n\r\nBody of message {0}\r\n.a line that starts with a dot\r\n",
      i);
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) out.push_back(e.path());
  return out;
}

// What the child reported: the operation struck ("" when the cycle ended first) and the
// operations it counted.
struct Strike {
  std::string hit;
  std::uint64_t counted = 0;
};

struct Verdict {
  std::size_t lost = 0, doubled = 0, extra = 0, stuck = 0, litter = 0;
  std::vector<std::string> problems;
};

// One point: a sandbox, both simulators, the struck cycle, recovery, the check.
class PointRun {
 public:
  PointRun(const SweepMode& mode, const SweepOptions& options);
  ~PointRun();
  Strike strike(Zygote& zygote, std::uint64_t at);
  void recover();
  Verdict judge();

 private:
  void wait_idle();
  std::vector<Sighting> sightings();

  SweepMode mode_;
  fs::path sandbox_, root_, pickup_;
  std::unique_ptr<pop3::Server> pop3_;
  std::shared_ptr<pop3::Maildrop> drop_;
  std::unique_ptr<smtp::Server> smtp_;
  std::vector<TrackedMessage> tracked_;
};

fs::path make_sandbox(const SweepOptions& o) {
  fs::path base = !o.work_dir.empty() ? fs::path(o.work_dir)
                  : fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                 : fs::temp_directory_path();
  std::string tmpl = (base / "maillab-crash-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a sandbox in " + base.string());
  return tmpl;
}

PointRun::PointRun(const SweepMode& mode, const SweepOptions& options)
    : mode_(mode), sandbox_(make_sandbox(options)), root_(sandbox_ / "POP3"), pickup_(sandbox_ / "Mailroot" / "PickUp") {
  fs::create_directories(root_);
  fs::create_directories(pickup_);
  pop3::ServerConfig pc;
  pc.listen = {"127.0.0.1", 0};
  pop3_ = std::make_unique<pop3::Server>(pc);
  drop_ = std::make_shared<pop3::Maildrop>("bob", "secret");
  pop3_->mailboxes().add(drop_);
  for (int i = 1; i <= options.messages; ++i) {
    drop_->add(fmt::format("{:03}.eml", i), message(i));
    tracked_.push_back({fmt::format("<{}@crash.maillab>", i), fmt::format("bob #{}", i)});
  }
  smtp::ServerConfig sc;
  sc.listen = {"127.0.0.1", 0};
  sc.pickup = pickup_;
  smtp_ = std::make_unique<smtp::Server>(sc, smtp::default_world(), sandbox_ / "Exchange");
  pop3_->start();
  smtp_->start();
}

PointRun::~PointRun() {
  pop3_->stop();
  smtp_->stop();
  std::error_code ec;
  fs::remove_all(sandbox_, ec);
}

// Where the connector of one point goes: "<pop3 port>\t<smtp port>\t<root>\t<pickup>", the
// line a struck child gets from the zygote with "<N>\t" in front.
struct Target {
  std::uint16_t pop3_port = 0, smtp_port = 0;
  std::string root, pickup;
  std::string line() const { return fmt::format("{}\t{}\t{}\t{}", pop3_port, smtp_port, root, pickup); }
};

cn::Config sweep_config(const SweepMode& mode, const Target& t) {
  cn::Config c;
  c.profile = mode.profile;
  c.root = t.root;
  c.admin_mailbox = kAdmin;
  c.batch = 2;  // more than one batch per cycle
  c.connect_timeout = c.io_timeout = std::chrono::seconds(5);
  if (mode.delivery == SweepDelivery::Smtp) c.delivery.smtp = HostPort{"127.0.0.1", t.smtp_port};
  else c.delivery.pickup = t.pickup;
  cn::MailboxConfig m;
  m.pop3 = HostPort{"127.0.0.1", t.pop3_port};
  m.user = "bob";
  m.password = "secret";
  m.deliver_to = "bob@contoso.local";
  m.name = "bob@fabrikam.com";
  c.mailboxes.push_back(m);
  return c;
}

cn::CycleReport cycle(const cn::Config& c, cn::FileSystem& fs, cn::ChannelFactory& channels) {
  cn::SystemClock clock;
  cn::EventLog events(cn::Folders{c.root}.events_file(), c.lang, clock);
  cn::DiagLog log(c.logging, clock, cn::sink_for(c.logging, cn::Folders{c.root}.log_file()));
  cn::Connector connector(c, cn::Services{channels, fs, clock, events, log});
  return connector.run_cycle();
}

// In a child of the zygote, for the request "<N>\t<target>": the simulators run in the
// sweep's process and are reached over loopback like any server. _exit, never exit.
[[noreturn]] void struck_cycle(const SweepMode& mode, const std::string& request, int report_fd) {
  std::vector<std::string> f;
  for (std::size_t pos = 0; pos <= request.size();) {
    auto tab = std::min(request.find('\t', pos), request.size());
    f.push_back(request.substr(pos, tab - pos));
    pos = tab + 1;
  }
  if (f.size() != 5) ::_exit(2);
  Target t{static_cast<std::uint16_t>(std::stoi(f[1])), static_cast<std::uint16_t>(std::stoi(f[2])), f[3], f[4]};
  int rc = 0;
  CrashPlan plan(std::stoull(f[0]), mode.action, report_fd);
  try {
    cn::PosixFileSystem posix;
    CrossDeviceFileSystem cross(posix, t.pickup);
    CrashingFileSystem fs(cross, plan);
    cn::TcpChannelFactory tcp;
    CrashingChannelFactory channels(tcp, plan, t.smtp_port);
    cycle(sweep_config(mode, t), fs, channels);
  } catch (const std::exception&) {
    rc = 1;  // an injected error the cycle let out: the process ends as after a crash
  }
  plan.report_done();
  ::_exit(rc);
}

Strike parse_strike(const std::string& out) {
  Strike s;
  for (std::size_t pos = 0; pos < out.size();) {
    auto nl = out.find('\n', pos);
    std::string line = out.substr(pos, nl - pos);
    pos = nl == std::string::npos ? out.size() : nl + 1;
    auto tab = line.find('\t');
    if (line.starts_with("hit\t")) s.hit = line.substr(line.find('\t', tab + 1) + 1);
    if (line.starts_with("done\t")) s.counted = std::stoull(line.substr(tab + 1));
  }
  return s;
}

Strike PointRun::strike(Zygote& zygote, std::uint64_t at) {
  Target t{pop3_->port(), smtp_->port(), root_.string(), pickup_.string()};
  return parse_strike(zygote.run(std::to_string(at) + "\t" + t.line()));
}

// The servers have seen the end of every session (a killed client's too), so what they
// hold no longer changes. Bounded: a session the servers never see end is the check's.
void PointRun::wait_idle() {
  for (int i = 0; i < 2000 && (pop3_->active_sessions() > 0 || smtp_->active_sessions() > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void PointRun::recover() {
  cn::PosixFileSystem posix;
  CrossDeviceFileSystem fs(posix, pickup_.string());
  cn::TcpChannelFactory tcp;
  smtp_->pickup()->poll();
  for (int i = 0; i < kMaxRecoveryCycles; ++i) {
    wait_idle();
    auto r = cycle(sweep_config(mode_, Target{pop3_->port(), smtp_->port(), root_.string(), pickup_.string()}), fs, tcp);
    smtp_->pickup()->poll();
    if (drop_->snapshot().empty() && r.left == 0 && r.downloaded == 0 && r.delivered == 0) break;
  }
  wait_idle();
}

std::vector<Sighting> PointRun::sightings() {
  std::vector<Sighting> seen;
  for (auto& m : drop_->snapshot())
    for (auto i : messages_in(m.text(), tracked_)) seen.push_back({i, PlaceKind::Source, "the POP3 server", ""});
  auto look = [&](const fs::path& dir, const std::string& place) {
    for (auto& f : files_in(dir))
      for (auto i : messages_in(read_file(f).value_or(""), tracked_)) seen.push_back({i, PlaceKind::Holding, place, ""});
  };
  look(root_ / cn::kIncomingMail, "Incoming Mail");
  look(root_ / cn::kFailedMail, "Failed Mail");
  look(pickup_, "PickUp");
  for (auto& p : smtp_->placements())
    for (auto i : messages_in(read_file(p.file).value_or(""), tracked_))
      seen.push_back({i, PlaceKind::Final, std::string(smtp::destination_name(p.where)) + " " + p.target, p.target});
  return seen;
}

// Dot names left in the connector's folders and PickUp after recovery: temporaries and
// records nothing will ever clean up.
std::size_t litter_in(const std::vector<fs::path>& dirs) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& dir : dirs)
    for (const auto& e : fs::directory_iterator(dir, ec))
      n += e.is_regular_file() && e.path().filename().string().starts_with(".") ? 1 : 0;
  return n;
}

Verdict PointRun::judge() {
  auto seen = sightings();
  Verdict v;
  v.litter = litter_in({root_ / cn::kIncomingMail, root_ / cn::kFailedMail, pickup_});
  v.problems = check_conservation(tracked_, seen, ConservationRules{false, kAdmin});
  for (auto& p : v.problems) (p.starts_with("lost") ? v.lost : v.doubled)++;  // before stuck and litter join
  std::vector<std::size_t> finals(tracked_.size());
  for (auto& s : seen)
    if (s.kind == PlaceKind::Final) ++finals[s.message];
  for (std::size_t i = 0; i < finals.size(); ++i) {
    v.extra += finals[i] > 1 ? finals[i] - 1 : 0;
    if (finals[i] > 0) continue;
    ++v.stuck;
    v.problems.push_back("stuck: " + tracked_[i].label + " was not delivered");
  }
  if (v.litter) v.problems.push_back(std::to_string(v.litter) + " dot names left in the folders");
  return v;
}

void tally(SweepResult& r, std::uint64_t at, const Strike& s, const Verdict& v) {
  ++r.points;
  if (v.lost) ++r.lost;
  if (v.stuck) ++r.stuck;
  if (v.litter) ++r.littered;
  if (v.doubled) {
    ++r.duplicated;
    ++r.duplicate_points[s.hit];
  }
  r.max_extra = std::max<std::uint64_t>(r.max_extra, v.extra);
  for (auto& p : v.problems)
    if (r.problems.size() < 20) r.problems.push_back(fmt::format("point {} ({}): {}", at, s.hit, p));
}

}  // namespace

std::string mode_name(const SweepMode& mode) {
  return fmt::format("{} {} {}", mode.delivery == SweepDelivery::Pickup ? "pickup" : "smtp",
                     cn::profile_name(mode.profile), crash_action_name(mode.action));
}

SweepResult run_crash_sweep(const SweepMode& mode, const SweepOptions& options) {
  SweepResult r;
  r.mode = mode;
  // Before any simulator starts a thread (see zygote.hpp).
  Zygote zygote([mode](const std::string& request, int report_fd) { struck_cycle(mode, request, report_fd); });
  {
    PointRun clean(mode, options);
    r.operations = clean.strike(zygote, 0).counted;
  }
  const std::uint64_t last = options.first ? std::min(options.first, r.operations) : r.operations;
  for (std::uint64_t at = 1; at <= last; at += std::max<std::uint64_t>(1, options.every)) {
    PointRun run(mode, options);
    auto s = run.strike(zygote, at);
    if (s.hit.empty()) continue;  // this run's cycle ended before its Nth operation
    run.recover();
    tally(r, at, s, run.judge());
  }
  return r;
}

std::string sweep_table(const std::vector<SweepResult>& results) {
  std::string out = fmt::format("{:<26} {:>10} {:>7} {:>5} {:>11} {:>10} {:>6} {:>7}\n", "mode", "operations",
                                "points", "lost", "duplicated", "max extra", "stuck", "litter");
  for (const auto& r : results) {
    out += fmt::format("{:<26} {:>10} {:>7} {:>5} {:>11} {:>10} {:>6} {:>7}\n", mode_name(r.mode), r.operations,
                       r.points, r.lost, r.duplicated, r.max_extra, r.stuck, r.littered);
    for (const auto& [hit, n] : r.duplicate_points) out += fmt::format("    duplicate after: {} ({}x)\n", hit, n);
  }
  return out;
}

}  // namespace maillab::runner
