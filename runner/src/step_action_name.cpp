// The step kinds by their YAML keys (docs/scenarios.md, "Steps"), for the step records the
// HTML report and the console's player show.
#include <yaml-cpp/yaml.h>

#include "maillab/runner/scenario_run.hpp"

namespace maillab::runner {
namespace {

const char* server_name(Server s) { return s == Server::Pop3 ? "pop3" : "smtp"; }

std::string flow(const FaultNodes& f) {
  if (f.empty()) return "[]";
  YAML::Emitter out;
  out << YAML::Flow << f.field->node();
  return out.c_str();
}

std::string number(const char* key, const std::optional<int>& n) {
  return n ? std::string(" ") + key + " " + std::to_string(*n) : "";
}

struct Name {
  std::string operator()(const steps::Cycle& a) const {
    return a.count == 1 ? "cycle" : "cycle x" + std::to_string(a.count);
  }
  std::string operator()(const steps::Pickup&) const { return "pickup"; }
  std::string operator()(const steps::AddFaults& a) const {
    return std::string("add_faults: ") + server_name(a.server) + " " + flow(a.faults);
  }
  std::string operator()(const steps::ClearFaults& a) const {
    return std::string("clear_faults: ") + (a.server ? server_name(*a.server) : "all");
  }
  std::string operator()(const steps::ConnectorService& a) const { return a.running ? "start_service" : "stop_service"; }
  std::string operator()(const steps::RemoveFolder& a) const { return "remove_folder: " + a.folder; }
  std::string operator()(const steps::CreateFolder& a) const { return "create_folder: " + a.folder; }
  std::string operator()(const steps::IncomingToPickup& a) const {
    return std::string("incoming_to_pickup") + (a.copy ? " (copy)" : "");
  }
  std::string operator()(const steps::MoveOut& a) const { return "move_out: " + a.folder + number("message", a.message); }
  std::string operator()(const steps::PutBack& a) const { return "put_back" + number("except", a.except); }
  std::string operator()(const steps::Bisect&) const { return "bisect"; }
  std::string operator()(const steps::RenameBack& a) const { return "rename_back: " + a.folder; }
  std::string operator()(const steps::Telnet& a) const { return std::string("telnet: ") + server_name(a.to); }
  std::string operator()(const steps::Pop3Client& a) const {
    return a.fails_with ? "pop3_client (fails with " + *a.fails_with + ")" : "pop3_client";
  }
  std::string operator()(const steps::Pop3Add& a) const {
    return "pop3_add: " + std::to_string(a.messages.size()) + " for " + a.user;
  }
  std::string operator()(const steps::Pop3Remove&) const { return "pop3_remove"; }
  std::string operator()(const steps::Configure&) const { return "configure"; }
  std::string operator()(const steps::Exchange& a) const {
    return "exchange" + (a.mailbox ? ": " + *a.mailbox : std::string());
  }
  std::string operator()(const steps::FsFault& a) const { return "fs_fault: " + a.folder; }
  std::string operator()(const steps::ClearFsFaults&) const { return "clear_fs_faults"; }
  std::string operator()(const steps::DamageComponent& a) const { return "damage_component: " + a.name; }
  std::string operator()(const steps::RegisterComponents&) const { return "register_components"; }
  std::string operator()(const steps::Expect&) const { return "expect"; }
};

}  // namespace

std::string describe_action(const StepAction& action) { return std::visit(Name{}, action); }

}  // namespace maillab::runner
