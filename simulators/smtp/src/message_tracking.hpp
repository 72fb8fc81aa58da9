#pragma once
// Exchange 2003's message tracking log (KB 885685, SMTP stage: "Aktivieren Sie die
// E-Mail-Nachrichtenverfolgung"): STORE/<hostname>.log/YYYYMMDD.log, tab-separated, one
// row per event, under a header naming the fields. The world writes event 1028 (delivered
// locally to the store) for every copy placed in a mailbox, whether it came over SMTP or
// through the pickup directory: what an administrator, or a connector pointed at the log,
// reads to know that a message has been delivered.
#include <filesystem>
#include <string>
#include <vector>

#include "maillab/smtp/world.hpp"

namespace maillab::smtp {

inline constexpr int kTrackingDeliveredLocally = 1028;

// The log folder of a store.
std::filesystem::path tracking_folder(const std::filesystem::path& store, const std::string& hostname);

// Appends one row per mailbox placement of a message; creates the day's file with its header.
void track_deliveries(const std::filesystem::path& folder, const std::string& hostname, const Envelope& envelope,
                      const std::string& message, const std::vector<Placement>& placements);

}  // namespace maillab::smtp
