// maillab doctor over folders, events and logs: the readers and the rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>

#include "maillab/connector/components.hpp"
#include "maillab/connector/service.hpp"
#include "maillab/doctor/doctor.hpp"
#include "maillab/doctor/probes.hpp"
#include "temp_dir.hpp"

namespace maillab::doctor {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char kSound[] = "x-sender: <>\r\nx-receiver: bob@contoso.local\r\n"
                      "From: a@fabrikam.com\r\nTo: bob@contoso.local\r\nSubject: hi\r\n\r\nbody\r\n";

FileObservation file(std::string name, std::string content) {
  FileObservation f;
  f.name = std::move(name);
  f.size = content.size();
  f.content = std::move(content);
  f.content_read = true;
  return f;
}

FoldersObservation root_with(std::vector<FileObservation> incoming, std::vector<FileObservation> failed = {}) {
  FoldersObservation f;
  f.root = FolderObservation{"/r", true, {}};
  f.incoming = FolderObservation{"/r/Incoming Mail", true, std::move(incoming)};
  f.failed = FolderObservation{"/r/Failed Mail", true, std::move(failed)};
  return f;
}

Report of_folders(FoldersObservation f) {
  Observations seen;
  seen.folders = std::move(f);
  return diagnose(seen);
}

const Finding* problem(const Report& r, Cause c) {
  for (const auto& f : r.findings)
    if (f.cause == c && f.severity == Severity::Problem) return &f;
  return nullptr;
}

TEST(DoctorFolders, EmptyFoldersAreHealthy) { EXPECT_EQ(of_folders(root_with({})).exit_code(), 0); }

TEST(DoctorFolders, MissingFoldersAreStepOne) {
  auto f = root_with({});
  f.failed->exists = false;
  auto r = of_folders(f);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::MissingFolders));
  EXPECT_THAT(problem(r, Cause::MissingFolders)->evidence, ElementsAre("/r/Failed Mail"));
}

TEST(DoctorFolders, SoundFilesStayingAreStepTwo) {
  EXPECT_THAT(of_folders(root_with({file("a.eml", kSound)})).causes(), ElementsAre(Cause::FilesStuck));
}

// Neither folder, no event, no log line: the connector never ran a cycle there (its service
// is not started), which creating the folders would not mend.
TEST(DoctorFolders, ARootTheConnectorNeverRanOnIsANoteNotStepOne) {
  auto f = root_with({});
  f.incoming->exists = f.failed->exists = false;
  f.never_ran = true;
  auto r = of_folders(f);
  EXPECT_TRUE(r.causes().empty());
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings.front().severity, Severity::Note);
  EXPECT_THAT(r.findings.front().summary, HasSubstr("has not run here"));
  f.never_ran = false;
  EXPECT_THAT(of_folders(f).causes(), ElementsAre(Cause::MissingFolders));
}

// 1046/1048 send the reader through the CDO steps: the step that names the cause is the
// diagnosis, and the events stay in the report as a note.
TEST(DoctorReport, ACdoStepThatNamesTheCauseExplainsEventsTenFortySix) {
  Observations seen;
  seen.folders = root_with({file("a.eml", std::string(kSound) + std::string(1, '\0'))});
  seen.events = std::vector<EventRecord>{{1046, "", "error code -2147467259", "e:1"}, {1048, "", "", "e:2"}};
  auto r = diagnose(seen);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::CorruptFiles));
  EXPECT_THAT(r.findings.front().summary, HasSubstr("a CDO step below names the cause"));
  seen.folders = root_with({});
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::CdoEvents));  // no step names it: the stage
}

// Files waiting in Incoming Mail because the SMTP server refuses them are the SMTP stage's
// problem, not CDO step 2's.
TEST(DoctorReport, FilesWaitingForARefusingSmtpStageAreNotStepTwo) {
  Observations seen;
  seen.folders = root_with({file("a.eml", kSound)});
  seen.events = std::vector<EventRecord>{{12052, "", "The error is 86.", "e:1"}};
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::AnonymousDisabled));
  seen.events = std::vector<EventRecord>{{1056, "", "cannot be delivered (access denied)", "e:1"}};
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::FilesStuck, Cause::ChangedFiles));
}

TEST(DoctorFolders, TheBisectionNamesEachBadFileAndWhy) {
  std::string nul = kSound;
  nul.insert(nul.size() - 3, 1, '\0');
  std::string bare = "x-sender: <>\r\nx-receiver: bob@contoso.local\r\nFrom: a@b\nTo: bob@contoso.local\n\nbody\n";
  std::string nobody = "x-sender: <>\r\nFrom: a@fabrikam.com\r\nSubject: hi\r\n\r\nbody\r\n";
  auto r = of_folders(root_with({file("1.eml", kSound), file("2.eml", nul), file("3.eml", bare), file("4.eml", nobody)}));
  EXPECT_THAT(r.causes(), ElementsAre(Cause::CorruptFiles));  // the sound file is explained by the bad ones
  const auto& evidence = problem(r, Cause::CorruptFiles)->evidence;
  ASSERT_EQ(evidence.size(), 3u);
  EXPECT_THAT(evidence[0], HasSubstr("2.eml: it holds NUL bytes"));
  EXPECT_THAT(evidence[1], HasSubstr("3.eml"));
  EXPECT_THAT(evidence[2], HasSubstr("4.eml"));
}

TEST(DoctorFolders, OversizeNeedsAKnownLimit) {
  auto f = root_with({file("big.eml", kSound)});
  f.size_limit = 10;
  EXPECT_THAT(of_folders(f).causes(), ElementsAre(Cause::SizeLimit));
}

TEST(DoctorFolders, ScannerChangesAreStepFourH) {
  auto renamed = file("a.eml.vir", kSound);
  auto locked = file("b.eml", "");
  locked.locked = true;
  locked.content_read = false;
  auto denied = file("c.eml", "");
  denied.readable = false;
  denied.read_error = "Permission denied";
  denied.content_read = false;
  auto r = of_folders(root_with({renamed, locked, denied}));
  EXPECT_THAT(r.causes(), ElementsAre(Cause::ChangedFiles));
  EXPECT_EQ(problem(r, Cause::ChangedFiles)->evidence.size(), 3u);
}

TEST(DoctorFolders, FailedMailSaysWhyEachFileIsThere) {
  std::string nobody = "x-sender: <>\r\nFrom: a@fabrikam.com\r\nSubject: hi\r\n\r\nbody\r\n";
  auto r = of_folders(root_with({}, {file("x.eml", nobody)}));
  EXPECT_THAT(r.causes(), ElementsAre(Cause::FailedMail));
  EXPECT_THAT(problem(r, Cause::FailedMail)->evidence.front(), HasSubstr("x.eml: it has no recipient"));
}

TEST(DoctorFolders, ASoundFileInFailedMailIsExplainedByTheEventNamingIt) {
  Observations seen;
  seen.folders = root_with({}, {file("123-u41.eml", kSound)});
  seen.events = std::vector<EventRecord>{
      {1052, "POP3 Connector",
       "The message file 123-u41.eml was rejected by the SMTP server (554 5.1.0 Sender denied); it was moved to Failed Mail "
       "and reported to admin@contoso.local.",
       "events.jsonl:3"}};
  auto r = diagnose(seen);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::FailedMail, Cause::SenderDenied));
  EXPECT_THAT(problem(r, Cause::FailedMail)->evidence.front(), HasSubstr("123-u41.eml: event 1052 (events.jsonl:3)"));
}

TEST(DoctorFolders, PickupFilesWaitingOrChanged) {
  FoldersObservation f;
  f.pickup = FolderObservation{"/p", true, {file("a.eml", kSound)}};
  EXPECT_THAT(of_folders(f).causes(), ElementsAre(Cause::SmtpStopped));
  f.pickup->files = {file("a.eml.vir", kSound)};
  EXPECT_THAT(of_folders(f).causes(), ElementsAre(Cause::PickupScanner));
}

// Seed 000's German block, seed 003's Japanese one, an English one.
TEST(DoctorEvents, TextBlocksInThreeLanguages) {
  const std::string de =
      "Quelle: POP3-Connector\nKategorie: Download\nEreignis-ID: 12052\nTyp: Fehler\n"
      "Beschreibung: POP3: Während einer POP3-Transaktion auf pop für den Benutzer bob ist ein Fehler aufgetreten. Der Fehler ist 86.\n";
  const std::string ja =
      "ソース : POP3 Connector\n分類 : 配信\nイベント ID : 1046\n種類 : エラー\n"
      "説明 : 配信のために受信メール キューからメールを取得しているときにエラーが発生しました。エラー コードは -2147467259 です。\n\n"
      "ソース : POP3 Connector\nイベント ID : 1048\n説明 : 配信プロセスは完了しましたが、エラーが 1 つまたは複数発生しました。\n";
  const std::string en = "Source: POP3 Connector\nEvent ID: 1070\nDescription: not delivered\n";
  EXPECT_THAT(parse_events(de, "de.txt").front().id, 12052);
  auto events = parse_events(ja, "ja.txt");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].id, 1048);
  EXPECT_EQ(events[1].where, "ja.txt:7");
  Observations seen;
  seen.events = parse_events(de + "\n" + ja + "\n" + en, "all.txt");
  EXPECT_THAT(diagnose(seen).causes(),
              ElementsAre(Cause::CdoEvents, Cause::RecipientPolicy, Cause::AnonymousDisabled));
}

TEST(DoctorEvents, JsonLinesAsTheConnectorWritesThem) {
  const std::string jsonl =
      R"({"time":"2026-01-01T00:00:00Z","source":"POP3 Connector","category":"Delivery","id":1052,"type":"Error","description":"The message file a.eml was rejected by the SMTP server (554 5.1.0 Sender denied); it was moved to Failed Mail and reported to x."})"
      "\n"
      R"({"time":"2026-01-01T00:00:00Z","source":"POP3 Connector","category":"General","id":1000,"type":"Information","description":"Retrieval cycle completed"})"
      "\n";
  Observations seen;
  seen.events = parse_events(jsonl, "events.jsonl");
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::SenderDenied));
}

TEST(DoctorEvents, ABadRecordNamesFileAndLine) {
  try {
    parse_events("Source: POP3 Connector\nEvent ID: soon\n", "ev.txt");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ev.txt:2: field 'Event ID'"));
  }
  EXPECT_THROW(parse_events("{\"id\": \"x\"}\n", "e.jsonl"), std::runtime_error);
}

// Seed 004's block, as the blog prints it (one cycle).
const char kSeed004[] =
    "[t 0] 07/29/20, 15:49:30: Downloading message 1 of 6.\n"
    "[t 0] 07/29/20, 15:49:30: (SMTP) [TX] DATA\n"
    "[t 0] 07/29/20, 15:49:30: (SMTP) [RX] 354 Start mail input; end with .\n"
    "[t 0] 07/29/20, 15:49:30: (SMTP) [TX]\n"
    ".\n"
    "[t 0] 07/29/20, 15:49:35: (SMTP) [RX] 554 5.1.0 Sender denied\n"
    "[t 0] 07/29/20, 15:49:35: Failure hrResult (0x800ccc6f) trying to deliver message id 1:\n"
    "[t 0] 07/29/20, 15:49:35: SMTPRESPONSE: * * * !Failed! * * *\n"
    "[t 0] 07/29/20, 15:49:35: Command: [SMTP_DOT]\n"
    "[t 0] 07/29/20, 15:49:35: Completed: Yes.\n"
    "[t 0] 07/29/20, 15:49:35: pszResponse: 554 5.1.0 Sender denied\n"
    "[t 0] 07/29/20, 15:49:35: uiServerError: 554\n"
    "[t 0] 07/29/20, 15:49:35: (SMTP) [TX] RSET\n";

TEST(DoctorLog, SeedFoursBlockIsSenderDenied) {
  auto log = parse_log(kSeed004, "004.log");
  EXPECT_EQ(log[3].text, "(SMTP) [TX]\n.");
  Observations seen;
  seen.log = log;
  auto r = diagnose(seen);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::SenderDenied));
  EXPECT_THAT(problem(r, Cause::SenderDenied)->evidence.front(), HasSubstr("log line 7 (cycle 1): message id 1"));
}

TEST(DoctorLog, TheSameRefusalRunAfterRunIsTheSlowdown) {
  std::string two = std::string("[t 0] 07/29/20, 15:49:29: Retrieval cycle started.\n") + kSeed004 +
                    "[t 0] 07/29/20, 16:04:29: Retrieval cycle started.\n" + kSeed004;
  Observations seen;
  seen.log = parse_log(two, "two.log");
  // The slowdown, and the refusal that causes it (seed 004: the spam filter's 554).
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::SenderDenied, Cause::Slowdown));
  // A connector that sets the refused message aside and DELEs it does not fetch it again.
  std::string deleting;
  for (int cycle = 0; cycle < 2; ++cycle)
    deleting += std::string("[t 0] 07/29/20, 15:49:29: Retrieval cycle started.\n") +
                "[t 0] 07/29/20, 15:49:29: (POP3) [TX] DELE 1\n" + kSeed004;
  seen.log = parse_log(deleting, "robust.log");
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::SenderDenied));
}

TEST(DoctorLog, RepliesTheSeedsExplain) {
  const std::string log =
      "[t 1] 01/01/26, 10:00:00: (POP3) [RX] -ERR Logon failure: Unknown user name or bad password.\n"
      "[t 1] 01/01/26, 10:00:01: (SMTP) [RX] 530 5.7.3 Client was not authenticated\n"
      "[t 1] 01/01/26, 10:00:02: (SMTP) [RX] 550 5.7.1 Unable to relay for bob@fabrikam.com\n";
  Observations seen;
  seen.log = parse_log(log, "x.log");
  EXPECT_THAT(diagnose(seen).causes(),
              ElementsAre(Cause::LogonFailure, Cause::RecipientPolicy, Cause::AnonymousDisabled));
}

TEST(DoctorLog, TextThatIsNotALogNamesTheLine) {
  try {
    parse_log("hello\n", "x.log");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("x.log:1: not a line of the connector's log"));
  }
}

TEST(DoctorReport, StagesInTheKbsOrderAndNamedInTheSeedsLanguages) {
  Observations seen;
  seen.log = parse_log(kSeed004, "004.log");
  seen.folders.incoming = FolderObservation{"/r/Incoming Mail", false, {}};
  auto r = diagnose(seen);
  EXPECT_THAT(r.causes(), ElementsAre(Cause::MissingFolders, Cause::SenderDenied));
  auto de = render_text(r, Lang::De);
  EXPECT_LT(de.find("Beheben von Problemen mit dem CDO-Übermittlungsvorgang"),
            de.find("Beheben von Problemen mit dem SMTP-Übermittlungsvorgang"));
  EXPECT_THAT(render_text(r, Lang::Ja), HasSubstr("CDO 転送処理のトラブルシューティング"));
  EXPECT_THAT(render_json(r), HasSubstr("\"causes\": [\n    \"CDO-missing-folders\",\n    \"SD-sender-denied\""));
}

TEST(DoctorScan, ReadsWithoutChangingAndFixCreatesTheFolders) {
  test::TempDir dir;
  auto root = dir.path().string();
  std::filesystem::create_directories(dir.path() / "Incoming Mail");
  std::ofstream(dir.path() / "Incoming Mail" / "a.eml", std::ios::binary) << kSound;
  auto seen = scan_folders(root, "");
  ASSERT_TRUE(seen.failed);
  EXPECT_FALSE(seen.failed->exists);
  ASSERT_EQ(seen.incoming->files.size(), 1u);
  EXPECT_EQ(seen.incoming->files[0].content, kSound);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "Failed Mail"));  // reading changed nothing
  // A scanner's exclusive lock (flock locks belong to the open file, so one process can test it).
  int scanner = ::open((dir.path() / "Incoming Mail" / "a.eml").c_str(), O_RDONLY);
  ASSERT_EQ(::flock(scanner, LOCK_EX), 0);
  EXPECT_TRUE(scan_folders(root, "").incoming->files[0].locked);
  ::close(scanner);
  EXPECT_FALSE(scan_folders(root, "").incoming->files[0].locked);
  EXPECT_THAT(fix_missing_folders(root), ElementsAre(root + "/Failed Mail"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "Failed Mail"));
}

// CDO step 5: each component compared with the CD's file; files staying in Incoming Mail
// are then explained (no message file can be opened), not CDO step 2.
TEST(DoctorScan, AComponentThatDiffersFromTheCdsIsStepFive) {
  test::TempDir dir;
  auto root = dir.path().string();
  EXPECT_FALSE(scan_folders(root, "").damaged_components);  // never loaded: nothing to compare
  connector::PosixFileSystem fs;
  connector::register_components(fs, connector::Folders{root});
  auto seen = scan_folders(root, "");
  ASSERT_TRUE(seen.damaged_components);
  EXPECT_TRUE(seen.damaged_components->empty());
  std::ofstream(dir.path() / "System32" / "Inetcomm.dll", std::ios::app) << "x";
  std::filesystem::create_directories(dir.path() / "Incoming Mail");
  std::filesystem::create_directories(dir.path() / "Failed Mail");
  std::ofstream(dir.path() / "Incoming Mail" / "a.eml", std::ios::binary) << kSound;
  Observations all;
  all.folders = scan_folders(root, "");
  ASSERT_EQ(all.folders.damaged_components->size(), 1u);
  EXPECT_THAT(all.folders.damaged_components->front(), HasSubstr("Inetcomm.dll: differs from the CD's file"));
  EXPECT_THAT(diagnose(all).causes(), ElementsAre(Cause::Components));
}

TEST(DoctorScan, ARootWithNeitherFolderNorEventNorLogLineNeverRan) {
  test::TempDir dir;
  auto root = dir.path().string();
  connector::PosixFileSystem fs;
  connector::ServiceControl(fs, connector::Folders{root}).set(connector::ServiceState::Stopped);  // net stop
  std::ofstream(dir.path() / "events.jsonl");  // created, nothing written
  auto seen = scan_folders(root, "");
  EXPECT_TRUE(seen.never_ran);
  ASSERT_TRUE(seen.service_started);
  EXPECT_FALSE(*seen.service_started);
  // The download process's first step: the service is not started (the folders are a note).
  Observations all;
  all.folders = seen;
  EXPECT_THAT(diagnose(all).causes(), ElementsAre(Cause::ServiceStopped));
  connector::ServiceControl(fs, connector::Folders{root}).set(connector::ServiceState::Running);
  EXPECT_TRUE(*scan_folders(root, "").service_started);
  std::ofstream(dir.path() / "pop3connector.log") << "[t 0] 07/29/20, 15:49:29: Retrieval cycle started.\n";
  EXPECT_FALSE(scan_folders(root, "").never_ran);
}

}  // namespace
}  // namespace maillab::doctor

namespace maillab::doctor {
namespace {

// The connector's own ids (docs/events.md), each read as the step that explains it.
TEST(DoctorEvents, TheConnectorsOwnIds) {
  const std::pair<EventRecord, Cause> cases[] = {
      {{12050, "", "Could not open a connection", "e:1"}, Cause::ConnectFailed},
      {{12051, "", "did not greet with +OK", "e:1"}, Cause::BannerNotOk},
      {{12053, "", "refused the logon", "e:1"}, Cause::LogonFailure},
      {{12054, "", "A POP3 error occurred: -ERR [IN-USE] Unable to lock maildrop", "e:1"}, Cause::CompetingClient},
      {{1050, "", "The folder x was missing", "e:1"}, Cause::MissingFolders},
      {{1051, "", "is corrupt", "e:1"}, Cause::CorruptFiles},
      {{1054, "", "has no valid recipient", "e:1"}, Cause::FailedMail},
      {{1055, "", "could not be reached", "e:1"}, Cause::SmtpStopped},
      {{1056, "", "cannot be delivered (access denied)", "e:1"}, Cause::ChangedFiles},
      {{12055, "", "larger than the maximum message size", "e:1"}, Cause::SizeLimit},
      {{1052, "", "The message file a was rejected by the SMTP server (552 5.2.2 Mailbox full); ...", "e:1"}, Cause::Quota},
      {{1052, "", "The message file a was rejected by the SMTP server (550 5.1.1 User unknown); ...", "e:1"}, Cause::UnknownRecipient},
  };
  for (const auto& [event, cause] : cases) {
    Observations seen;
    seen.events = std::vector<EventRecord>{event};
    EXPECT_THAT(diagnose(seen).causes(), ElementsAre(cause)) << event.id << " " << event.description;
  }
  // 1056 for a damaged MIME component (robust's text) is CDO step 5, not a scanner (step 4h).
  Observations component;
  component.events = std::vector<EventRecord>{{1056, "", "cannot be delivered (the MIME component Inetcomm.dll is damaged)", "e:1"}};
  EXPECT_THAT(diagnose(component).causes(), ElementsAre(Cause::Components));
  Observations quiet;
  quiet.events = std::vector<EventRecord>{{1048, "", "", "e:1"}, {1053, "", "4xx", "e:2"}, {12052, "", "no number", "e:3"}};
  EXPECT_EQ(diagnose(quiet).exit_code(), 0);  // 1048 alone, a transient refusal, 12052 without 86 prove nothing
}

TEST(DoctorLog, TheConnectorsDownloadFailures) {
  const std::string log =
      "[t 1] 01/01/26, 10:00:00: Could not open connection to the host, on port 110: Connect failed (Connection refused)\n"
      "[t 1] 01/01/26, 10:15:00: greeting: -ERR [SYS/TEMP] mail-host.fabrikam.com service not available\n";
  Observations seen;
  seen.log = parse_log(log, "x.log");
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::ConnectFailed, Cause::BannerNotOk));
}

TEST(DoctorLog, QuotaAndLockedMaildrop) {
  const std::string log =
      "[t 1] 01/01/26, 10:00:00: (POP3) [RX] -ERR [IN-USE] Unable to lock maildrop: another session is active.\n"
      "[t 1] 01/01/26, 10:00:01: (SMTP) [RX] 552 5.2.2 Mailbox full\n";
  Observations seen;
  seen.log = parse_log(log, "x.log");
  EXPECT_THAT(diagnose(seen).causes(), ElementsAre(Cause::CompetingClient, Cause::Quota));
}

}  // namespace
}  // namespace maillab::doctor
