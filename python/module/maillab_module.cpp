// The `maillab` Python module: the simulators, the connector and the scenario runner in
// the Python process, for pytest. Every call that waits on sockets or runs a cycle or a
// scenario releases the GIL, so a Python test can drive a server from another thread.
#include <utility>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <filesystem>

#include "reply_tables.hpp"
#include "result_types.hpp"
#include <memory>
#include <optional>

#include "maillab/base/files.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/folders.hpp"
#include "maillab/faults/fault_spec.hpp"
#include "maillab/pop3/presets.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/runner/catalog.hpp"
#include "maillab/runner/runner.hpp"
#include "maillab/smtp/presets.hpp"
#include "maillab/smtp/server.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;
namespace cn = maillab::connector;
namespace rn = maillab::runner;
using namespace maillab;

namespace {

using release = py::call_guard<py::gil_scoped_release>;

std::vector<std::string> transcripts_of(const std::vector<std::shared_ptr<net::Transcript>>& ts) {
  std::vector<std::string> out;
  for (auto& t : ts) out.push_back(t->str());
  return out;
}

std::vector<std::uint64_t> add_faults(faults::FaultTable& table, const std::string& spec,
                                      const faults::PresetRegistry& presets) {
  return table.add(faults::parse_fault_spec(spec, presets, "add_fault"));
}


// maillab pop3d in process; mailboxes live in memory.
class PyPop3Server {
 public:
  PyPop3Server() {
    pop3::ServerConfig c;
    c.listen = HostPort{"127.0.0.1", 0};
    c.transcripts_kept = net::kTranscriptsWhenAsked;
    server_ = std::make_unique<pop3::Server>(c);
  }
  std::uint16_t start() { return server_->start(); }
  void stop() { server_->stop(); }
  std::uint16_t port() const { return server_->port(); }
  void add_mailbox(const std::string& user, const std::string& password) {
    server_->mailboxes().add(std::make_shared<pop3::Maildrop>(user, password));
  }
  std::shared_ptr<pop3::Maildrop> drop(const std::string& user) {
    auto md = server_->mailboxes().find(user);
    if (!md) throw py::key_error("no mailbox " + user);
    return md;
  }
  void add_message(const std::string& user, const std::string& text, std::optional<std::string> name) {
    auto md = drop(user);
    md->add(name ? *name : "msg-" + std::to_string(++counter_) + ".eml", text);
  }
  void generate(const std::string& user, std::size_t count, std::size_t size) {
    auto md = drop(user);
    for (std::size_t i = 0; i < count; ++i) {
      ++counter_;
      md->add("gen-" + std::to_string(counter_) + ".eml", pop3::synthetic_message(user, counter_, size));
    }
  }
  std::vector<py::bytes> messages(const std::string& user) {
    std::vector<py::bytes> out;
    for (auto& m : drop(user)->snapshot()) out.emplace_back(m.text());
    return out;
  }
  std::vector<pop3::Departure> departures(const std::string& user) { return drop(user)->departures(); }
  pop3::Server& server() { return *server_; }

 private:
  std::unique_ptr<pop3::Server> server_;
  std::size_t counter_ = 0;
};

// maillab smtpd and the Exchange side in process.
class PySmtpServer {
 public:
  PySmtpServer(const std::string& store, std::optional<std::string> world_yaml, std::optional<std::string> pickup) {
    auto world = world_yaml ? smtp::parse_world_yaml(*world_yaml, "world") : smtp::default_world();
    smtp::ServerConfig c;
    c.listen = HostPort{"127.0.0.1", 0};
    c.transcripts_kept = net::kTranscriptsWhenAsked;
    if (pickup) c.pickup = *pickup;
    server_ = std::make_unique<smtp::Server>(c, world, store);
  }
  std::uint16_t start() { return server_->start(); }
  void stop() { server_->stop(); }
  std::uint16_t port() const { return server_->port(); }
  std::vector<smtp::Placement> placements() { return server_->placements(); }
  std::vector<py::bytes> mailbox(const std::string& address, const std::string& folder) {
    std::vector<py::bytes> out;
    for (auto& p : server_->placements()) {
      if (p.where != smtp::Destination::Mailbox || p.target != smtp::lower(address) || p.folder != folder) continue;
      out.emplace_back(server_->world().text(p).value_or(""));
    }
    return out;
  }
  std::size_t poll_pickup() {
    if (!server_->pickup()) throw std::runtime_error("this SmtpServer has no pickup directory");
    return server_->pickup()->poll();
  }
  smtp::Server& server() { return *server_; }

 private:
  std::unique_ptr<smtp::Server> server_;
};

// The connector, configured from YAML text (docs/connector.md) or keyword arguments.
class PyConnector {
 public:
  explicit PyConnector(cn::Config config) : config_(std::move(config)) {
    cn::validate(config_);
    fs::create_directories(config_.root);
    cn::Folders folders{config_.root};
    events_ = std::make_unique<cn::EventLog>(folders.events_file(), config_.lang, clock_, config_.logging);
    log_ = std::make_unique<cn::DiagLog>(config_.logging, clock_, cn::sink_for(config_.logging, folders.log_file()));
    connector_ = std::make_unique<cn::Connector>(config_, cn::Services{channels_, fs_, clock_, *events_, *log_});
  }
  cn::CycleReport run_once() {
    py::gil_scoped_release unlocked;
    return connector_->run_cycle();
  }
  std::vector<cn::Event> events() const { return events_->events(); }
  std::string log() const {
    return read_file(cn::Folders{config_.root}.log_file()).value_or("");
  }
  std::vector<std::string> folder(const std::string& name) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(fs::path(config_.root) / name, ec))
      if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  const cn::Config& config() const { return config_; }

 private:
  cn::Config config_;
  cn::SystemClock clock_;
  cn::TcpChannelFactory channels_;
  cn::PosixFileSystem fs_;
  std::unique_ptr<cn::EventLog> events_;
  std::unique_ptr<cn::DiagLog> log_;
  std::unique_ptr<cn::Connector> connector_;
};

cn::Config connector_config(const std::string& root, std::uint16_t pop3_port, const std::string& user,
                            const std::string& password, const std::string& deliver_to,
                            std::optional<std::uint16_t> smtp_port, std::optional<std::string> pickup,
                            const std::string& profile, const std::string& logging, const std::string& admin,
                            bool leave_on_server) {
  cn::Config c;
  c.source = "maillab.Connector";
  c.root = root;
  c.profile = cn::parse_profile(profile);
  c.logging = cn::parse_log_level(logging);
  c.admin_mailbox = admin;
  c.leave_on_server = leave_on_server;
  c.connect_timeout = std::chrono::milliseconds(2000);
  c.io_timeout = std::chrono::milliseconds(5000);
  cn::MailboxConfig m;
  m.pop3 = HostPort{"127.0.0.1", pop3_port};
  m.user = user;
  m.password = password;
  m.deliver_to = deliver_to;
  m.name = user + "@127.0.0.1";
  c.mailboxes.push_back(std::move(m));
  if (smtp_port) c.delivery.smtp = HostPort{"127.0.0.1", *smtp_port};
  if (pickup) c.delivery.pickup = *pickup;
  return c;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "maillab._core: the compiled part of the maillab package (import maillab)";
  m.attr("__version__") = MAILLAB_VERSION;
  auto table = [](const auto& rows) {
    py::dict d;
    for (const auto& [name, text] : rows) d[py::str(std::string(name))] = py::str(std::string(text));
    return d;
  };
  m.attr("POP3_REPLIES") = table(maillab::python::pop3_replies());
  m.attr("SMTP_REPLIES") = table(maillab::python::smtp_replies());

  py::register_exception<rn::ScenarioError>(m, "ScenarioError", PyExc_ValueError)
      .attr("__doc__") = "A malformed scenario file: FILE:LINE: field '...': why";
  py::register_exception<faults::SpecError>(m, "FaultSpecError", PyExc_ValueError)
      .attr("__doc__") = "A fault spec or preset that cannot be parsed; the message names the field";
  py::register_exception<cn::ConfigError>(m, "ConfigError", PyExc_ValueError)
      .attr("__doc__") = "A connector configuration that cannot be used; the message names file, line and field";

  py::enum_<pop3::DepartureReason>(m, "DepartureReason", "Why a message left a POP3 maildrop")
      .value("RETRIEVED", pop3::DepartureReason::Retrieved)
      .value("COMPETING_CLIENT", pop3::DepartureReason::CompetingClient)
      .value("REMOVED", pop3::DepartureReason::Removed);
  py::enum_<smtp::Destination>(m, "Destination", "Where the store put a message for one recipient")
      .value("MAILBOX", smtp::Destination::Mailbox)
      .value("FORWARD", smtp::Destination::Forward)
      .value("NDR", smtp::Destination::Ndr)
      .value("BADMAIL", smtp::Destination::Badmail);

  maillab::python::bind_result_types(m);

  py::class_<PyPop3Server>(m, "Pop3Server", "The fake POP3 server on 127.0.0.1, port 0 (a context manager)")
      .def(py::init<>(), "A server with no mailboxes; transcripts are kept")
      .def("start", &PyPop3Server::start, release(), "Listen; returns the port")
      .def("stop", &PyPop3Server::stop, release(), "Close every session and join")
      .def("__enter__", [](PyPop3Server& s) -> PyPop3Server& { { py::gil_scoped_release u; s.start(); } return s; },
           py::return_value_policy::reference)
      .def("__exit__", [](PyPop3Server& s, py::args) { py::gil_scoped_release u; s.stop(); })
      .def_property_readonly("port", &PyPop3Server::port, "The bound port (after start)")
      .def("add_mailbox", &PyPop3Server::add_mailbox, py::arg("user"), py::arg("password"), "An empty maildrop for user/password")
      .def("add_message", &PyPop3Server::add_message, py::arg("user"), py::arg("text"), py::arg("name") = std::nullopt,
           "Put a message (CRLF text) into a maildrop")
      .def("generate", &PyPop3Server::generate, py::arg("user"), py::arg("count"), py::arg("size") = 4096,
           "Add count synthetic messages of about size octets, each with its own Message-ID")
      .def("messages", &PyPop3Server::messages, py::arg("user"), "The maildrop now, as bytes")
      .def("departures", &PyPop3Server::departures, py::arg("user"), "Messages that left the maildrop, and why")
      .def("add_fault", [](PyPop3Server& s, const std::string& spec) { return add_faults(s.server().faults(), spec, pop3::presets()); },
           py::arg("spec"), "A fault spec or preset (docs/faults.md); returns the fault ids", release())
      .def("remove_fault", [](PyPop3Server& s, std::uint64_t id) { return s.server().faults().remove(id); }, release(),
           py::arg("id"), "Remove one fault; False when there is none with this id")
      .def("clear_faults", [](PyPop3Server& s) { s.server().faults().clear(); }, release(), "Remove every fault")
      .def("faults", [](PyPop3Server& s) { return s.server().faults().list(); }, "The installed faults (Fault)")
      .def("transcripts", [](PyPop3Server& s) { return transcripts_of(s.server().transcripts()); },
           "Every recent session, as the server saw it");

  py::class_<PySmtpServer>(m, "SmtpServer", "The fake SMTP server and Exchange side on 127.0.0.1, port 0")
      .def(py::init<std::string, std::optional<std::string>, std::optional<std::string>>(), py::arg("store"),
           py::arg("world") = std::nullopt, py::arg("pickup") = std::nullopt,
           "store: where mail lands as files (\"\": kept in memory); world: a world file's YAML text (docs/smtpd.md); pickup: a PickUp directory")
      .def("start", &PySmtpServer::start, release(), "Listen; returns the port")
      .def("stop", &PySmtpServer::stop, release(), "Close every session and join")
      .def("__enter__", [](PySmtpServer& s) -> PySmtpServer& { { py::gil_scoped_release u; s.start(); } return s; },
           py::return_value_policy::reference)
      .def("__exit__", [](PySmtpServer& s, py::args) { py::gil_scoped_release u; s.stop(); })
      .def_property_readonly("port", &PySmtpServer::port, "The bound port (after start)")
      .def("add_fault", [](PySmtpServer& s, const std::string& spec) { return add_faults(s.server().faults(), spec, smtp::presets()); },
           py::arg("spec"), release(), "A fault spec or preset (docs/faults.md); returns the fault ids")
      .def("remove_fault", [](PySmtpServer& s, std::uint64_t id) { return s.server().faults().remove(id); }, release(),
           py::arg("id"), "Remove one fault; False when there is none with this id")
      .def("clear_faults", [](PySmtpServer& s) { s.server().faults().clear(); }, release(), "Remove every fault")
      .def("faults", [](PySmtpServer& s) { return s.server().faults().list(); }, "The installed faults (Fault)")
      .def("set_world", [](PySmtpServer& s, const std::string& yaml) { s.server().world().set_config(smtp::parse_world_yaml(yaml, "world")); },
           py::arg("yaml"), "Replace the Exchange side while the server runs")
      .def("placements", &PySmtpServer::placements, "Where every accepted message went (Placement)")
      .def("mailbox", &PySmtpServer::mailbox, py::arg("address"), py::arg("folder") = "Inbox",
           "The texts delivered to a mailbox folder, as bytes")
      .def("poll_pickup", &PySmtpServer::poll_pickup, release(), "One pass of the pickup directory service")
      .def("event_sink_listing", [](PySmtpServer& s) { return s.server().world().event_sink_listing(); },
           "The SMTP event sinks registered (the KB's smtpreg.vbs /enum listing)")
      .def("transcripts", [](PySmtpServer& s) { return transcripts_of(s.server().transcripts()); },
           "Every recent session, as the server saw it");

  py::class_<PyConnector>(m, "Connector", "The POP3 connector in process")
      .def(py::init([](const std::string& root, std::uint16_t pop3_port, const std::string& user,
                       const std::string& password, const std::string& deliver_to, std::optional<std::uint16_t> smtp_port,
                       std::optional<std::string> pickup, const std::string& profile, const std::string& logging,
                       const std::string& admin, bool leave_on_server) {
             return std::make_unique<PyConnector>(connector_config(root, pop3_port, user, password, deliver_to, smtp_port,
                                                                   pickup, profile, logging, admin, leave_on_server));
           }),
           py::arg("root"), py::arg("pop3_port"), py::arg("user"), py::arg("password"),
           py::arg("deliver_to"), py::arg("smtp_port") = std::nullopt, py::arg("pickup") = std::nullopt,
           py::arg("profile") = "robust", py::arg("logging") = "Maximum",
           py::arg("admin") = "administrator@contoso.local", py::arg("leave_on_server") = false)
      .def_static("from_yaml", [](const std::string& text) { return std::make_unique<PyConnector>(cn::parse_config_text(text, "yaml")); },
                  py::arg("text"), "A configuration as docs/connector.md shows it")
      .def("run_once", &PyConnector::run_once, "One cycle (\"Retrieve now\"); its CycleReport")
      .def("events", &PyConnector::events, "The events written so far (Event)")
      .def("log", &PyConnector::log, "The diagnostic log so far")
      .def("folder", &PyConnector::folder, py::arg("name"), "File names in a folder under the root (Incoming Mail ...)")
      .def_property_readonly("root", [](PyConnector& c) { return c.config().root; }, "The folder root");

  py::class_<rn::RunResult>(m, "Result", "One run of a scenario under one profile")
      .def_readonly("id", &rn::RunResult::id, "The scenario id")
      .def_property_readonly("profile", [](const rn::RunResult& r) { return std::string(cn::profile_name(r.profile)); },
                             "sbs2003 or robust")
      .def_readonly("passed", &rn::RunResult::passed, "Every check passed")
      .def_readonly("seconds", &rn::RunResult::seconds, "How long the run took")
      .def_readonly("error", &rn::RunResult::error, "Why the run could not go on, or empty")
      .def_readonly("transcript", &rn::RunResult::transcript, "The steps' record, as -v prints it")
      .def_readonly("checks", &rn::RunResult::checks, "Every check (Check), in the order the steps ran")
      .def("failures", &rn::RunResult::failures, "file:line: what: detail for every failed check")
      .def("__bool__", [](const rn::RunResult& r) { return r.passed; })
      .def("__repr__", [](const rn::RunResult& r) {
        return "<Result " + r.id + " " + std::string(cn::profile_name(r.profile)) + (r.passed ? " PASS>" : " FAIL: " + r.why() + ">");
      });

  py::class_<rn::Scenario>(m, "Scenario", "A scenario file of the catalog")
      .def_static("load", [](const std::string& path) {
        auto abs = fs::absolute(path);
        return rn::load_scenario(abs.string(), rn::fixtures_dir_for(abs.parent_path().string()));
      }, py::arg("path"), "A scenario file (its fixtures/ is beside its folder)")
      .def_static("parse", [](const std::string& text, const std::string& name, std::optional<std::string> fixtures) {
        return rn::parse_scenario(text, name, fixtures ? *fixtures : rn::fixtures_dir_for(rn::default_scenarios_dir()));
      }, py::arg("text"), py::arg("name"), py::arg("fixtures") = std::nullopt,
         "A scenario from YAML text; name is its file name (the id must match it)")
      .def_readonly("id", &rn::Scenario::id, "The id (the file name without .yaml)")
      .def_readonly("file", &rn::Scenario::file, "The file it came from")
      .def_readonly("title", &rn::Scenario::title, "One line: what goes wrong")
      .def_readonly("source", &rn::Scenario::source, "Where in the source documents")
      .def_readonly("remedy", &rn::Scenario::remedy, "What the documents say to do")
      .def_property_readonly("profiles", [](const rn::Scenario& s) {
        std::vector<std::string> out;
        for (auto p : s.profiles) out.emplace_back(cn::profile_name(p));
        return out;
      }, "The profiles it runs under")
      .def("run", [](const rn::Scenario& s, const std::string& profile, bool keep) {
        auto p = cn::parse_profile(profile);
        py::gil_scoped_release unlocked;
        return rn::run_scenario(s, p, rn::RunOptions{"", keep});
      }, py::arg("profile") = "robust", py::arg("keep_sandbox") = false,
         "Run it under one profile in a fresh sandbox (the GIL is released); its Result")
      .def("__repr__", [](const rn::Scenario& s) { return "<Scenario " + s.id + ">"; });

  m.def("catalog", [](std::optional<std::string> dir) { return rn::load_catalog(dir ? *dir : rn::default_scenarios_dir()); },
        py::arg("dir") = std::nullopt, "Every scenario of scenarios/ (or dir)");
  m.def("scenarios_dir", &rn::default_scenarios_dir, "$MAILLAB_SCENARIOS, else the source tree's scenarios/");
}
