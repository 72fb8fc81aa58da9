#pragma once
// What every simulator command does the same way: faults from flags and files, the
// start-up line, waiting for SIGINT/SIGTERM, the transcripts on exit.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "maillab/faults/fault_spec.hpp"
#include "maillab/net/transcript.hpp"

namespace maillab::app {

faults::FaultList load_faults(const std::vector<std::string>& specs, const std::vector<std::string>& files,
                              const faults::PresetRegistry& presets);
int list_presets(const faults::PresetRegistry& presets);
// The primitive fault kinds, their keys, what each does (from the registry).
int list_kinds();
// From here on SIGINT/SIGTERM are held for wait_for_signal() instead of ending the process,
// so a script that stops the daemon as soon as it printed its last line stops it cleanly.
void catch_signals();
void wait_for_signal();
// --busy-poll MICROSECONDS (net::TcpServerConfig::busy_poll). The daemons default to
// kDaemonBusyPoll: a fake server is there to answer fast; the in-process servers default
// to 0, so the test suite's many servers do not spin beside each other.
inline constexpr unsigned kDaemonBusyPoll = 50;
void add_busy_poll_option(CLI::App& app, unsigned& microseconds);
void print_transcripts(const std::vector<std::shared_ptr<net::Transcript>>& transcripts);

}  // namespace maillab::app
