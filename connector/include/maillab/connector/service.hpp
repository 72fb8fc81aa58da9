#pragma once
// The Windows service the connector runs as, "Microsoft Connector for POP3 Mailboxes"
// (KB 885685, download stage: start the service if it is not started). Its state is the
// Service Control Manager's record, kept in the root (service.state) so that every process
// sees the same one: the schedule, "Retrieve now" (`maillab connector --once`), and
// `maillab connector --service stop|start` (net stop / net start). A stopped service runs
// no cycle, whether the schedule comes due or "Retrieve now" is pressed: the mail waits
// on the ISP's server.
#include <optional>
#include <string>
#include <string_view>

#include "maillab/connector/connector.hpp"
#include "maillab/connector/file_system.hpp"
#include "maillab/connector/folders.hpp"

namespace maillab::connector {

inline constexpr std::string_view kServiceName = "Microsoft Connector for POP3 Mailboxes";

enum class ServiceState { Running, Stopped };
std::string_view service_state_name(ServiceState s);  // "running", "stopped"

class ServiceControl {
 public:
  ServiceControl(FileSystem& fs, const Folders& folders);
  // No record yet: running (the service is installed to start automatically).
  ServiceState state() const;
  void set(ServiceState s);

 private:
  FileSystem& fs_;
  std::string root_, file_;
};

// "Retrieve now", or the schedule coming due: a cycle when the service runs.
struct Retrieval {
  std::optional<CycleReport> report;
  std::string refusal;  // why no cycle ran
};
Retrieval retrieve_now(Connector& connector, const ServiceControl& service);

}  // namespace maillab::connector
