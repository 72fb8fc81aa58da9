#include "maillab/connector/service.hpp"

namespace maillab::connector {

std::string_view service_state_name(ServiceState s) { return s == ServiceState::Running ? "running" : "stopped"; }

ServiceControl::ServiceControl(FileSystem& fs, const Folders& folders)
    : fs_(fs), root_(folders.root), file_(folders.service_file()) {}

ServiceState ServiceControl::state() const {
  if (!fs_.exists(file_)) return ServiceState::Running;
  return fs_.read(file_).starts_with("stopped") ? ServiceState::Stopped : ServiceState::Running;
}

void ServiceControl::set(ServiceState s) {
  if (!fs_.is_dir(root_)) fs_.make_dir(root_);
  fs_.replace(file_, std::string(service_state_name(s)) + "\n", true);
}

Retrieval retrieve_now(Connector& connector, const ServiceControl& service) {
  if (service.state() == ServiceState::Stopped)
    return {std::nullopt, "The " + std::string(kServiceName) +
                              " service is not started: no mail is downloaded or delivered until it is started."};
  return {connector.run_cycle(), ""};
}

}  // namespace maillab::connector
