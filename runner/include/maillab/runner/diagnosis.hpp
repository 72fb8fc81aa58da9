#pragma once
// The doctor in the scenario runner (docs/doctor.md, "The doctor in the scenario runner").
// At the symptom (after the steps, before the remedy) and after the remedy, the runner
// hands the doctor what the customer's administrator has: the servers' addresses, the
// connector's account and recipients, its folders, its events and log. The scenario's
// faults and id are never handed over. The causes named are compared with `diagnosis:`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "maillab/base/endpoint.hpp"
#include "maillab/connector/channel.hpp"
#include "maillab/connector/resolver.hpp"
#include "maillab/doctor/observations.hpp"
#include "maillab/runner/result.hpp"
#include "maillab/runner/scenario.hpp"

namespace maillab::runner {

// The site as the runner knows it at one moment.
struct DoctorSite {
  HostPort pop3;                   // as the connector's mailbox names it (a host name or the address)
  std::string user, password;      // the connector's account
  HostPort smtp;                   // the Exchange side
  std::vector<std::string> rcpts;  // the connector's delivery addresses
  std::string root, pickup;        // the connector's folders, the SMTP PickUp folder
  connector::Resolver* hosts = nullptr;  // the run's own names: no DNS query leaves the machine
  connector::ChannelFactory* channels = nullptr;
};

// Where the connector's events and log stood (bytes) when a cycle began.
struct ArtefactMark {
  std::uintmax_t events = 0, log = 0;
};

// What the doctor observes at the site: the POP3 telnet check, the SMTP probes (no test
// message: nothing is delivered), the folders, and the events and log written since `from`.
doctor::Observations observe_site(const DoctorSite& site, const ArtefactMark& from, bool expect_mail);

// The verdict of one run from what was expected and found (both moments).
DoctorVerdict doctor_verdict(const ExpectedDiagnosis& symptom, const DoctorReading& reading);

class RunDoctor {
 public:
  RunDoctor(const Scenario& sc, connector::Profile profile);
  // The runner's hooks: before each cycle ("Retrieve now"), and what it downloaded.
  void cycle_starts(const std::string& root);
  void cycle_ran(std::size_t downloaded) { downloaded_ += downloaded; }
  // Each adds a `diagnosis` check to the result when the scenario states one.
  void at_symptom(const DoctorSite& site, RunResult& result);
  void after_remedy(const DoctorSite& site, RunResult& result);

 private:
  std::vector<std::string> read(const DoctorSite& site, const ArtefactMark& from, RunResult& result,
                                const std::string& moment);
  void check(RunResult& result, const std::string& moment, const std::vector<std::string>& expected,
             const std::vector<std::string>& found, bool unobservable);

  const ExpectedDiagnosis* symptom_ = nullptr;      // none: not checked under this profile
  const ExpectedDiagnosis* after_remedy_ = nullptr;
  int line_ = 0;
  bool mail_put_ = false;    // the scenario put mail on the POP3 server
  bool has_remedy_ = false;  // remedy steps run under this profile
  std::size_t downloaded_ = 0;
  std::size_t cycles_ = 0, cycles_at_symptom_ = 0;
  ArtefactMark last_cycle_, at_symptom_;
};

}  // namespace maillab::runner
