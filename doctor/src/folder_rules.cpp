// The connector's folders read as the CDO steps and the SMTP steps read them: step 1 (the
// folders exist), step 2 (files stay in Incoming Mail), step 4 (which files are bad: the
// bisection done by reading them), step 4h (changed by a scanner), step 6 (Failed Mail
// and why), and SMTP steps 2 and 8 (PickUp growing, a scanner in PickUp).
#include <fmt/format.h>

#include "maillab/connector/folders.hpp"
#include "maillab/connector/message_file.hpp"
#include "maillab/connector/service.hpp"
#include "rules.hpp"

namespace maillab::doctor {
namespace {

namespace cn = maillab::connector;

// Why the file was changed by another program (step 4h), or "".
std::string changed(const FileObservation& f) {
  if (f.locked) return "locked by another process";
  if (!f.readable) return "cannot be opened (" + f.read_error + ")";
  if (!f.name.ends_with(".eml")) return "its extension is not .eml";
  return "";
}

// Why CDO cannot hand the file on, read from its bytes (step 4), or "".
std::string bad(const FileObservation& f, std::uint64_t size_limit) {
  if (!f.content_read) return "";
  auto parsed = cn::parse_envelope(f.content);
  if (!parsed) return "it does not start with the connector's envelope (x-sender/x-receiver lines)";
  std::string_view message = std::string_view(f.content).substr(parsed->message_offset);
  if (message.find('\0') != std::string_view::npos) return "it holds NUL bytes";
  if (auto why = cn::find_corruption(message)) return *why;
  if (parsed->envelope.recipients.empty() && cn::header_recipients(message).empty()) return "it has no recipient";
  if (size_limit && message.size() > size_limit)
    return fmt::format("it is larger ({} octets) than the size limit ({} octets)", message.size(), size_limit);
  return "";
}

std::optional<Finding> missing_folders(const FoldersObservation& f) {
  std::vector<std::string> gone;
  if (f.root && !f.root->exists) gone.push_back(f.root->path);
  for (const auto* d : {&f.incoming, &f.failed})
    if (*d && !(*d)->exists) gone.push_back((*d)->path);
  if (gone.empty()) return std::nullopt;
  // Neither folder, no event, no log line: the connector has never run a cycle here, which
  // creating the folders does not mend; the download stage's step 1 (is its service
  // started?) comes first.
  if (f.never_ran)
    return finding(Cause::MissingFolders, Severity::Note,
                   "no connector folder, no event, no log line: the connector has not run here (is its service started?)",
                   gone);
  return finding(Cause::MissingFolders, Severity::Problem, "a connector folder does not exist", gone);
}

Findings incoming(const FolderObservation& d, std::uint64_t size_limit) {
  Findings out;
  std::vector<std::string> sound;
  for (const auto& file : d.files) {
    const auto path = d.path + "/" + file.name;
    if (auto why = changed(file); !why.empty()) {
      out.push_back(finding(Cause::ChangedFiles, Severity::Problem, "files in Incoming Mail were changed by another program",
                            {path + ": " + why}));
    } else if (auto why = bad(file, size_limit); !why.empty()) {
      const bool large = why.starts_with("it is larger");
      out.push_back(finding(large ? Cause::SizeLimit : Cause::CorruptFiles, Severity::Problem,
                            large ? "files in Incoming Mail are larger than the size limit"
                                  : "files in Incoming Mail are corrupt (found by reading each file)",
                            {path + ": " + why}));
    } else {
      sound.push_back(path);
    }
  }
  if (!sound.empty() && out.empty())
    out.push_back(finding(Cause::FilesStuck, Severity::Problem, fmt::format("{} files stay in Incoming Mail", sound.size()), sound));
  return out;
}

// The event that names the file (1051, 1052, 1054 quote it), as the reason it is there.
std::string named_by_event(const std::string& name, const std::vector<EventRecord>& events) {
  for (const auto& e : events)
    if (e.description.find(name) != std::string::npos) return fmt::format("event {} ({}): {}", e.id, e.where, e.description);
  return "";
}

Findings failed_mail(const FolderObservation& d, std::uint64_t size_limit, const std::vector<EventRecord>& events) {
  Findings out;
  for (const auto& file : d.files) {
    auto why = changed(file);
    if (why.empty()) why = bad(file, size_limit);
    if (why.empty()) why = named_by_event(file.name, events);
    if (why.empty()) why = "nothing in the file itself, and no event given (--events) names it";
    out.push_back(finding(Cause::FailedMail, Severity::Problem, "messages are in Failed Mail",
                          {d.path + "/" + file.name + ": " + why}));
  }
  return out;
}

Findings pickup(const FolderObservation& d) {
  Findings out;
  std::vector<std::string> waiting;
  for (const auto& file : d.files) {
    const auto path = d.path + "/" + file.name;
    if (auto why = changed(file); !why.empty())
      out.push_back(finding(Cause::PickupScanner, Severity::Problem, "files in PickUp were changed by another program",
                            {path + ": " + why}));
    else
      waiting.push_back(path);
  }
  if (!waiting.empty())
    out.push_back(finding(Cause::SmtpStopped, Severity::Problem,
                          fmt::format("{} files wait in PickUp: the SMTP service does not take them", waiting.size()),
                          waiting));
  return out;
}

void append(Findings& to, Findings from) { to.insert(to.end(), from.begin(), from.end()); }

}  // namespace

Findings folder_rules(const FoldersObservation& f, const std::vector<EventRecord>& events) {
  Findings out;
  if (f.damaged_components && !f.damaged_components->empty())
    out.push_back(finding(Cause::Components, Severity::Problem, "a MIME component differs from the CD's file",
                          *f.damaged_components));
  if (f.service_started && !*f.service_started)
    out.push_back(finding(Cause::ServiceStopped, Severity::Problem, "the connector's service is not started",
                          {std::string(cn::kServiceName) + ": Status is not Started (stopped)"}));
  if (auto gone = missing_folders(f)) out.push_back(*gone);
  if (f.incoming && f.incoming->exists) append(out, incoming(*f.incoming, f.size_limit));
  if (f.failed && f.failed->exists) append(out, failed_mail(*f.failed, f.size_limit, events));
  if (f.pickup && !f.pickup->exists)
    out.push_back(finding(Cause::SmtpStopped, Severity::Unchecked, "the PickUp folder does not exist", {f.pickup->path}));
  if (f.pickup && f.pickup->exists) append(out, pickup(*f.pickup));
  const bool looked = f.incoming || f.pickup;
  if (looked && out.empty())
    out.push_back(finding(Cause::FilesStuck, Severity::Ok, "no message waits in the folders looked at"));
  return out;
}

}  // namespace maillab::doctor
