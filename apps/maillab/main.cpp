#include <iostream>
#include <algorithm>
#include <map>
#include <vector>

#include "commands.hpp"
#include "nearest_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"maillab: fake POP3 and SMTP servers with scriptable faults, and a POP3 connector to test"};
  app.require_subcommand(1);
  std::map<CLI::App*, maillab::app::Run> commands;
  auto* pop3d = app.add_subcommand("pop3d", "Run the fake POP3 server (RFC 1939, 2449, 5034)");
  commands[pop3d] = maillab::app::add_pop3d(*pop3d);
  auto* smtpd = app.add_subcommand("smtpd", "Run the fake SMTP server and the simulated Exchange side (RFC 5321)");
  commands[smtpd] = maillab::app::add_smtpd(*smtpd);
  auto* connector = app.add_subcommand("connector", "Run the POP3 connector (SBS 2003 model): POP3 -> Incoming Mail -> SMTP or PickUp");
  commands[connector] = maillab::app::add_connector(*connector);
  auto* scenario = app.add_subcommand("scenario", "List or run the scenario catalog (scenarios/*.yaml), both simulators and the connector in process");
  commands[scenario] = maillab::app::add_scenario(*scenario);
  auto* crash = app.add_subcommand("crash-sweep", "Crash the connector at every operation of a cycle in turn, recover, check nothing is lost or doubled");
  commands[crash] = maillab::app::add_crash_sweep(*crash);
  auto* doctor = app.add_subcommand("doctor", "Walk KB 885685's troubleshooting procedure against live servers, folders, events and log");
  commands[doctor] = maillab::app::add_doctor(*doctor);
  auto* reproduce = app.add_subcommand("reproduce", "Turn a customer's diagnostic log and events into a scenario, replay it, compare the logs");
  commands[reproduce] = maillab::app::add_reproduce(*reproduce);
  auto* lab = app.add_subcommand("lab", "Both simulators, the connector and the catalog in one process, driven over the control API (--http)");
  commands[lab] = maillab::app::add_lab(*lab);
  auto* report = app.add_subcommand("report", "Join the reports of a sharded catalog run");
  commands[report] = maillab::app::add_report(*report);
  app.set_version_flag("--version", "maillab " MAILLAB_VERSION);
  app.footer("Exit codes: each command's --help lists its own; 2 always means bad input (a mistyped command too).");
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      auto guess = maillab::app::nearest(argv[1], names);
      std::cerr << "maillab: no command '" << argv[1] << "'"
                << (guess ? "; did you mean '" + *guess + "'?" : std::string("; maillab --help lists them")) << "\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::cerr << "maillab " << sub->get_name() << ": " << e.what() << "\n";
        return 2;
      }
    }
  return 1;
}
