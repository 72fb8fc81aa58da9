#include "daemon.hpp"

#include "maillab/faults/fault_registry.hpp"

#include <utility>  // before Boost 1.74 Asio, which forgets it
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

namespace maillab::app {

faults::FaultList load_faults(const std::vector<std::string>& specs, const std::vector<std::string>& files,
                              const faults::PresetRegistry& presets) {
  faults::FaultList out;
  for (const auto& spec : specs)
    for (auto& f : faults::parse_fault_spec(spec, presets)) out.push_back(std::move(f));
  for (const auto& file : files)
    for (auto& f : faults::load_fault_file(file, presets)) out.push_back(std::move(f));
  return out;
}

int list_kinds() {
  std::cout << faults::kinds_listing(faults::fault_kinds());
  return 0;
}

int list_presets(const faults::PresetRegistry& presets) {
  for (const auto& p : presets.all()) std::cout << p.name << "\t" << p.summary << "\n";
  return 0;
}

namespace {

struct Signals {
  boost::asio::io_context io;
  boost::asio::signal_set set{io, SIGINT, SIGTERM};
};

Signals& signals() {
  static Signals s;
  return s;
}

}  // namespace

void catch_signals() { signals(); }

void wait_for_signal() {
  auto& s = signals();
  s.set.async_wait([](boost::system::error_code, int) {});
  s.io.run();
}

void add_busy_poll_option(CLI::App& app, unsigned& microseconds) {
  app.add_option("--busy-poll", microseconds,
                 "microseconds an I/O thread keeps polling after its last event before it sleeps: the next "
                 "reply goes out without a wake-up, for that much CPU after each burst (0: sleep at once)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
}

void print_transcripts(const std::vector<std::shared_ptr<net::Transcript>>& transcripts) {
  for (const auto& t : transcripts) std::cerr << "--- session " << t->session() << "\n" << t->str();
}

}  // namespace maillab::app
