#pragma once
// The MIME and CDO components the delivery stage loads before it opens any message file:
// the five files KB 885685 names in CDO step 5 (Inetcomm.dll, Inetres.dll, Msdart.dll,
// Msoert2.dll, Oledb32.dll). They live in the root's System32 folder as images that end
// in a signature line. One that is missing, unreadable or whose bytes no longer match its
// signature cannot be loaded, and then no message file can be opened: every delivery of
// the cycle fails (sbs2003: events 1046 and 1048; robust: event 1056 per file, naming the
// component and the remedy). The remedy is the KB's: replace the files from the CD and
// register them with regsvr32 (register_components).
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "maillab/connector/file_system.hpp"
#include "maillab/connector/folders.hpp"

namespace maillab::connector {

inline constexpr std::array<std::string_view, 5> kMimeComponents = {"Inetcomm.dll", "Inetres.dll", "Msdart.dll",
                                                                    "Msoert2.dll", "Oledb32.dll"};

// The image a component has when it comes from the CD.
std::string component_image(std::string_view name);

// Writes every component afresh, each replaced atomically (the CD and regsvr32).
void register_components(FileSystem& fs, const Folders& folders);

// Nothing when every component loads, else why the first that does not cannot. A root
// without the folder is set up first (out of sight, then renamed into place, so a crash
// during set-up leaves no half-installed folder).
std::optional<std::string> load_components(FileSystem& fs, const Folders& folders);

}  // namespace maillab::connector
