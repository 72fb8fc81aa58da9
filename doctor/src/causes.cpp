// The documented causes: where each is in the seeds, what it means, what they prescribe.
// The English follows the digest of the seeds (SCENARIOS.md); strings the seeds print
// (replies, event ids, folder names, verbs) are quoted as they stand.
#include <stdexcept>

#include "maillab/doctor/doctor.hpp"

namespace maillab::doctor {
namespace {

const CauseInfo kCauses[] = {
    {Cause::ServiceStopped, Stage::Download, "DL-service-stopped", "KB 885685, download process, first step",
     "The service \"Microsoft Connector for POP3 Mailboxes\" is not started: neither the schedule nor "
     "\"Retrieve now\" downloads anything, and the mail waits on the POP3 server.",
     "Server Management, Advanced Management, Computer Management, Services and Applications, Services: "
     "select Microsoft Connector for POP3 Mailboxes and, if its Status is not Started, click Start."},
    {Cause::ConnectFailed, Stage::Download, "DL-connect-failed", "KB 885685, download process, telnet step 2",
     "The POP3 server cannot be reached: a wrong host name or IP address, port 110 closed, or a firewall "
     "dropping outbound traffic to port 110.",
     "Check that the host name or IP address is right, that the server allows outbound traffic on port 110, "
     "and that every firewall and router between it and the POP3 server does."},
    {Cause::BannerNotOk, Stage::Download, "DL-banner", "KB 885685, download process, telnet step 2",
     "The banner varies by server type, but the remote POP3 server must at least answer +OK.",
     "Ask the provider about the POP3 server; the connector cannot log on to a server that does not greet with +OK."},
    {Cause::LogonFailure, Stage::Download, "DL-bad-password", "KB 885685, download process, telnet steps 3-4",
     "The user name or the password of the POP3 account is wrong.",
     "Check the POP3 account's user name and password, and enter them in the POP3 Connector."},
    {Cause::EmptyDrop, Stage::Download, "DL-empty-drop", "KB 885685, download process, telnet step 5",
     "The drop listing is +OK 0 0: no mail waits. If mail should be there: a wrong e-mail address or mailbox, "
     "or another POP3 client downloads and deletes the mail before the connector does.",
     "Check the e-mail address at the POP3 server and that it is the right mailbox; make sure no other POP3 "
     "client uses the mailbox; disconnect and connect again a few minutes later."},
    {Cause::CompetingClient, Stage::Download, "DL-competing-client", "KB 885685, download process, telnet step 5.2",
     "Another POP3 client uses the mailbox: it may download and delete the mail before the connector can.",
     "Stop the other POP3 client (or let it leave a copy on the server)."},
    {Cause::QuitReply, Stage::Download, "DL-quit", "KB 885685, download process, telnet step 6",
     "The server did not end the session with +OK (the seed's reply: +OK Connection to host lost.); "
     "deletions are committed only by a QUIT answered +OK (RFC 1939, UPDATE state).",
     "Ask the provider about the POP3 server; messages may be downloaded again."},
    {Cause::CdoEvents, Stage::Cdo, "CDO-events", "KB 885685, CDO delivery process (events 1046 and 1048)",
     "Messages are downloaded but not handed on: the CDO stage fails (event 1046, error code -2147467259, "
     "and event 1048).",
     "Work through the CDO steps: the folders (step 1), a manual copy to PickUp (step 2), the event sink "
     "(step 3), the corrupt files (step 4), the system components (step 5), Failed Mail (step 6)."},
    {Cause::MissingFolders, Stage::Cdo, "CDO-missing-folders", "KB 885685, CDO delivery process, step 1",
     "The folder \"Incoming Mail\" or \"Failed Mail\" under ...\\Networking\\POP3 does not exist.",
     "Create the missing folder(s) (maillab doctor --fix does), then check whether that solves the problem."},
    {Cause::FilesStuck, Stage::Cdo, "CDO-manual-pickup", "KB 885685, CDO delivery process, step 2",
     "Files stay in \"Incoming Mail\": CDO does not move them to the PickUp folder.",
     "Stop the POP3 Connector service and copy the files to PickUp: if they are delivered, the SMTP stage works "
     "and the CDO stage is the problem (go on with step 3)."},
    {Cause::CorruptFiles, Stage::Cdo, "CDO-corrupt-eml", "KB 885685, CDO delivery process, step 4",
     "One or more corrupt messages in \"Incoming Mail\" can keep CDO from moving any message to PickUp.",
     "Stop the service, move the files away, put back a few, retrieve, and see which remain; move the bad ones "
     "away and deliver or delete them (the doctor read the files and names them)."},
    {Cause::ChangedFiles, Stage::Cdo, "CDO-antivirus-file", "KB 885685, CDO delivery process, step 4h",
     "A program such as an antivirus program changed the message files: another file-name extension, or "
     "\"access denied\" on opening them although the permissions are right.",
     "Check the extensions; open the files in a text editor: if they show, attach them to a new message to the "
     "recipient; if they do not, delete them."},
    {Cause::Components, Stage::Cdo, "CDO-components", "KB 885685, CDO delivery process, step 5",
     "A system component CDO needs (Inetcomm.dll, Inetres.dll, Msdart.dll, Msoert2.dll, Oledb32.dll) is damaged "
     "or missing: no message file can be opened.",
     "Rename the files and replace them with the ones from the Windows Small Business Server 2003 CD, then "
     "register each with regsvr32."},
    {Cause::FailedMail, Stage::Cdo, "CDO-failed-mail", "KB 885685, CDO delivery process, step 6",
     "Messages that could not be moved from \"Incoming Mail\" to PickUp are in \"Failed Mail\".",
     "Open each file in \"Failed Mail\" and find out why it could not be delivered, for example whether it has "
     "a valid e-mail address."},
    {Cause::SmtpStopped, Stage::Smtp, "SMTP-service-stopped", "KB 885685, SMTP delivery process, step 2",
     "The SMTP service or the default SMTP virtual server is not started: nothing answers on the SMTP port, "
     "or files are in PickUp and their number keeps growing.",
     "Start the Simple Mail Transfer Protocol (SMTP) service and the default SMTP virtual server."},
    {Cause::PickupScanner, Stage::Smtp, "SMTP-antivirus-pickup", "KB 885685, SMTP delivery process, step 8",
     "An antivirus program scans PickUp: files there are renamed, locked or disappear.",
     "Exclude the Mailroot folder and all its subfolders from virus scanning (KB 823166)."},
    {Cause::UnknownRecipient, Stage::Smtp, "SMTP-pickup-empty", "KB 885685, SMTP delivery process, step 1",
     "The mail has left the POP3 connector's bounds: a recipient does not exist, or the message is in an SMTP "
     "queue or Badmail.",
     "Check the SMTP queues and message tracking, that the recipients exist (send to their Internet address "
     "typed by hand), and the Badmail folder."},
    {Cause::Quota, Stage::Smtp, "SMTP-quota", "KB 885685, SMTP delivery process, step 4",
     "The mailbox reached its limit (SBS 2003's default: 200,000 KB, \"prohibit send and receive at\").",
     "Empty Deleted Items, or raise this mailbox's limits or the mailbox store's defaults."},
    {Cause::RecipientPolicy, Stage::Smtp, "SMTP-recipient-policy", "KB 885685, SMTP delivery process, step 5 (KB 842293)",
     "The default recipient policy lacks the mail domain: event 1070, messages are not delivered (KB 842293).",
     "Add the right e-mail domain to the default recipient policy."},
    {Cause::AnonymousDisabled, Stage::Smtp, "SMTP-anonymous-disabled", "KB 885685, SMTP delivery process, step 7",
     "Anonymous access to the default SMTP virtual server is disabled (event 12052: the error is 86).",
     "Default SMTP Virtual Server, Properties, Access, Authentication: select Anonymous access."},
    {Cause::VerbsMissing, Stage::Smtp, "EX-verbs-missing", "Exchange 2003, \"Loading SMTP correctly for Exchange\" (seed 002)",
     "Exchange's extended SMTP verbs are missing from EHLO: SMTP is not loaded correctly for Exchange, or the IIS "
     "metabase is damaged.",
     "Load SMTP correctly for Exchange: uninstall IIS, delete metabase.bin, restart, reinstall IIS (and the "
     "Windows 2000 service pack), reinstall Exchange and its service packs and updates; port 25 must be reachable."},
    {Cause::SizeLimit, Stage::Smtp, "SD-too-large", "POP3 connector gets slower and slower (seed 004)",
     "A message is larger than the Exchange server accepts; it is refused and stays on the POP3 server.",
     "Delete the affected mail at the provider (or raise the size limit); a provider rule that deletes or moves "
     "old mail helps."},
    {Cause::SenderDenied, Stage::Smtp, "SD-sender-denied", "POP3 connector gets slower and slower (seed 004)",
     "The SMTP server refuses the message after the final dot (554 5.1.0 Sender denied: Exchange's spam filter "
     "or a user's spam rules); the message stays on the POP3 server.",
     "Delete the affected mail at the provider, and see to it that it also leaves the POP3 mailbox (a provider "
     "rule that deletes or moves old mail)."},
    {Cause::Slowdown, Stage::Smtp, "SD-slowdown", "POP3 connector gets slower and slower (seed 004)",
     "Refused messages pile up on the POP3 server and are downloaded and refused again on every run: the "
     "connector gets slower and slower.",
     "Delete the affected mail at the provider; a provider rule that deletes or moves old mail; best, be rid of "
     "the refetch (or of the POP3 connector)."},
};

}  // namespace

const CauseInfo& info(Cause cause) {
  for (const auto& c : kCauses)
    if (c.cause == cause) return c;
  throw std::logic_error("maillab doctor: a cause without an entry");
}

std::optional<Cause> cause_by_id(std::string_view id) {
  for (const auto& c : kCauses)
    if (id == c.id) return c.cause;
  return std::nullopt;
}

std::vector<std::string> cause_ids() {
  std::vector<std::string> out;
  for (const auto& c : kCauses) out.emplace_back(c.id);
  return out;
}

Lang parse_lang(const std::string& text) {
  if (text == "en") return Lang::En;
  if (text == "de") return Lang::De;
  if (text == "ja") return Lang::Ja;
  throw std::invalid_argument("--lang must be en, de or ja, not '" + text + "'");
}

// German as seed 000 titles the sections, Japanese as seed 003 does; English as the digest.
std::string stage_title(Stage stage, Lang lang) {
  static const char* const kTitles[3][3] = {
      {"Troubleshoot the download process", "Beheben von Problemen mit dem Downloadvorgang",
       "ダウンロード処理のトラブルシューティング"},
      {"Troubleshoot the CDO delivery process", "Beheben von Problemen mit dem CDO-Übermittlungsvorgang",
       "CDO 転送処理のトラブルシューティング"},
      {"Troubleshoot the SMTP delivery process", "Beheben von Problemen mit dem SMTP-Übermittlungsvorgang",
       "SMTP 配信処理のトラブルシューティング"},
  };
  return kTitles[static_cast<int>(stage)][static_cast<int>(lang)];
}

}  // namespace maillab::doctor
