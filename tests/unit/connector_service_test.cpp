// The connector's service state (net stop / net start) and the MIME components its
// delivery stage loads (KB 885685, CDO step 5): real state on disk that the connector
// itself reads, never a flag a test hands it.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "maillab/base/files.hpp"
#include "maillab/connector/components.hpp"
#include "maillab/connector/connector.hpp"
#include "maillab/connector/service.hpp"
#include "temp_dir.hpp"

namespace cn = maillab::connector;
namespace fs = std::filesystem;

namespace {

// Forwards to the real file system and fails its Nth change (make_dir, replace, move).
class FailNthChange final : public cn::FileSystem {
 public:
  explicit FailNthChange(int nth) : nth_(nth) {}
  bool is_dir(const std::string& p) override { return real_.is_dir(p); }
  void make_dir(const std::string& p) override { change("mkdir", p), real_.make_dir(p); }
  std::vector<std::string> list(const std::string& d) override { return real_.list(d); }
  std::string read(const std::string& p) override { return real_.read(p); }
  bool exists(const std::string& p) override { return real_.exists(p); }
  std::unique_ptr<cn::PendingFile> create(const std::string& p) override { return real_.create(p); }
  void commit(std::vector<std::unique_ptr<cn::PendingFile>>& f) override { real_.commit(f); }
  void abandon(std::unique_ptr<cn::PendingFile> f) override { real_.abandon(std::move(f)); }
  void move(const std::string& a, const std::string& b) override { change("rename", a), real_.move(a, b); }
  void remove(const std::string& p) override { real_.remove(p); }
  void append(const std::string& p, std::string_view t) override { real_.append(p, t); }
  void replace(const std::string& p, std::string_view t, bool d) override { change("write", p), real_.replace(p, t, d); }
  int changes() const { return seen_; }

 private:
  void change(const char* what, const std::string& p) {
    if (++seen_ == nth_) throw cn::FsError(std::string("cannot ") + what + " " + p + ": disk error", EIO);
  }
  cn::PosixFileSystem real_;
  int nth_, seen_ = 0;
};

void damage(const fs::path& file) {
  auto image = maillab::read_file(file).value();
  image[image.size() / 2] ^= 0x5a;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << image;
}

TEST(Service, RunsUntilStoppedAndTheStateOutlivesTheProcess) {
  maillab::test::TempDir dir;
  cn::PosixFileSystem real;
  cn::Folders folders{(dir.path() / "POP3").string()};
  EXPECT_EQ(cn::ServiceControl(real, folders).state(), cn::ServiceState::Running) << "installed to start automatically";
  cn::ServiceControl(real, folders).set(cn::ServiceState::Stopped);
  EXPECT_EQ(cn::ServiceControl(real, folders).state(), cn::ServiceState::Stopped) << "another process sees it";
  EXPECT_FALSE(fs::exists(folders.state())) << "a stopped service never makes a root look installed";
  cn::ServiceControl(real, folders).set(cn::ServiceState::Running);
  EXPECT_EQ(cn::ServiceControl(real, folders).state(), cn::ServiceState::Running);
}

TEST(Service, RetrieveNowOnAStoppedServiceRunsNothingAndSaysWhy) {
  maillab::test::TempDir dir;
  cn::PosixFileSystem real;
  cn::Config config;
  config.root = (dir.path() / "POP3").string();
  config.delivery.pickup = (dir.path() / "PickUp").string();
  cn::SystemClock clock;
  cn::TcpChannelFactory channels;
  cn::EventLog events(cn::Folders{config.root}.events_file(), config.lang, clock);
  cn::DiagLog log(cn::LogLevel::None, clock, nullptr);
  cn::Connector connector(config, cn::Services{channels, real, clock, events, log});
  cn::ServiceControl service(real, cn::Folders{config.root});
  service.set(cn::ServiceState::Stopped);
  auto r = cn::retrieve_now(connector, service);
  EXPECT_FALSE(r.report);
  EXPECT_EQ(r.refusal,
            "The Microsoft Connector for POP3 Mailboxes service is not started: no mail is downloaded or delivered "
            "until it is started.");
  EXPECT_FALSE(fs::exists(cn::Folders{config.root}.incoming())) << "no cycle touched the root";
  service.set(cn::ServiceState::Running);
  r = cn::retrieve_now(connector, service);
  ASSERT_TRUE(r.report);
  EXPECT_TRUE(r.refusal.empty());
}

TEST(Components, ANewRootIsSetUpAndLoads) {
  maillab::test::TempDir dir;
  cn::PosixFileSystem real;
  cn::Folders folders{dir.path().string()};
  EXPECT_EQ(cn::load_components(real, folders), std::nullopt);
  for (auto name : cn::kMimeComponents)
    EXPECT_EQ(maillab::read_file(fs::path(folders.components()) / name), cn::component_image(name));
}

TEST(Components, ADamagedOrMissingComponentIsNamedUntilRegisteredAgain) {
  maillab::test::TempDir dir;
  cn::PosixFileSystem real;
  cn::Folders folders{dir.path().string()};
  ASSERT_EQ(cn::load_components(real, folders), std::nullopt);
  damage(fs::path(folders.components()) / "Msoert2.dll");
  EXPECT_EQ(cn::load_components(real, folders),
            "the MIME component Msoert2.dll is damaged (its contents do not match its signature): replace it from the "
            "Windows Small Business Server 2003 CD and register it with regsvr32");
  fs::remove(fs::path(folders.components()) / "Inetres.dll");
  EXPECT_EQ(cn::load_components(real, folders),
            "the MIME component Inetres.dll is missing: replace it from the Windows Small Business Server 2003 CD and "
            "register it with regsvr32")
      << "not set up again behind the administrator's back";
  cn::register_components(real, folders);
  EXPECT_EQ(cn::load_components(real, folders), std::nullopt);
}

// Every change of the set-up fails in turn: afterwards the components load, or the folder
// is not there and the next load sets it up whole; never a half-installed folder.
TEST(Components, ASetUpThatFailsAtAnyStepLeavesNoHalfInstalledFolder) {
  int changes = 0;
  {
    maillab::test::TempDir dir;
    FailNthChange counting(0);
    ASSERT_EQ(cn::load_components(counting, cn::Folders{dir.path().string()}), std::nullopt);
    changes = counting.changes();
  }
  ASSERT_EQ(changes, 7) << "a folder, five images, one rename";
  for (int n = 1; n <= changes; ++n) {
    maillab::test::TempDir dir;
    cn::Folders folders{dir.path().string()};
    FailNthChange failing(n);
    EXPECT_THROW(cn::load_components(failing, folders), cn::FsError) << n;
    cn::PosixFileSystem real;
    EXPECT_EQ(cn::load_components(real, folders), std::nullopt) << "after a failure at change " << n;
  }
}

}  // namespace
