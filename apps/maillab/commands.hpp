#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace maillab::app {

// Each subcommand registers itself and returns what runs when it is chosen.
using Run = std::function<int()>;
Run add_pop3d(CLI::App& app);
Run add_smtpd(CLI::App& app);
Run add_connector(CLI::App& app);
Run add_scenario(CLI::App& app);
Run add_report(CLI::App& app);
Run add_crash_sweep(CLI::App& app);
Run add_doctor(CLI::App& app);
Run add_lab(CLI::App& app);
Run add_reproduce(CLI::App& app);

}  // namespace maillab::app
