#pragma once
// Where the connector keeps mail, and how it names a message file. The folder names are
// the SBS 2003 product's (`Incoming Mail`, `Failed Mail` under ...\Networking\POP3).
// A file name carries the mailbox and the message's UIDL, so what is on disk is also the
// record of which server messages the connector already holds:
//   <microseconds>-<counter>-<mailbox key>-u<hex UIDL>.eml   (n<number> without UIDL)
#include <optional>
#include <string>
#include <string_view>

namespace maillab::connector {

inline constexpr std::string_view kIncomingMail = "Incoming Mail";
inline constexpr std::string_view kFailedMail = "Failed Mail";
inline constexpr std::string_view kStateFolder = "State";
inline constexpr std::string_view kEventsFile = "events.jsonl";
inline constexpr std::string_view kLogFile = "pop3connector.log";
// The service's state as the Service Control Manager records it (service.hpp); beside the
// folders, not in State, so that stopping a service never makes a root look installed.
inline constexpr std::string_view kServiceFile = "service.state";
// The MIME/CDO components the delivery stage loads (components.hpp).
inline constexpr std::string_view kComponentsFolder = "System32";

struct Folders {
  std::string root;
  std::string incoming() const { return root + "/" + std::string(kIncomingMail); }
  std::string failed() const { return root + "/" + std::string(kFailedMail); }
  std::string state() const { return root + "/" + std::string(kStateFolder); }
  std::string journal(const std::string& mailbox_key) const { return state() + "/" + mailbox_key + ".uidl"; }
  std::string events_file() const { return root + "/" + std::string(kEventsFile); }
  std::string log_file() const { return root + "/" + std::string(kLogFile); }
  std::string service_file() const { return root + "/" + std::string(kServiceFile); }
  std::string components() const { return root + "/" + std::string(kComponentsFolder); }
};

// Eight hex digits naming a mailbox in file names.
std::string mailbox_key(std::string_view mailbox_name);

std::string message_file_name(const std::string& mailbox_key, std::string_view uid, int number);

struct FileNameParts {
  std::string mailbox_key;
  std::optional<std::string> uid;
  int number = 0;
};
std::optional<FileNameParts> parse_message_file_name(std::string_view name);

}  // namespace maillab::connector
