// Both ways the store names a file: whole files, nothing else left in the folder, a folder
// removed behind the store's back made again, failures naming the path.
#include <gtest/gtest.h>

#include <filesystem>

#include "store_files.hpp"
#include "temp_dir.hpp"
#include "test_files.hpp"

using namespace maillab;
using maillab::test::file_names;
using maillab::test::slurp;
using maillab::smtp::StoreFiles;
namespace fs = std::filesystem;

namespace {



class StoreFilesTest : public ::testing::TestWithParam<StoreFiles::Naming> {};

TEST_P(StoreFilesTest, WholeFilesAndNothingElse) {
  test::TempDir root;
  StoreFiles files(root.path(), GetParam());
  const auto dir = (root.path() / "bob" / "Inbox").string();
  std::string big(200 * 1024, 'b');
  files.put(dir, "1.eml", "one\r\n");
  files.put(dir, "2.eml", big);
  EXPECT_EQ(file_names(dir), (std::vector<std::string>{"1.eml", "2.eml"}));
  EXPECT_EQ(slurp(fs::path(dir) / "1.eml"), "one\r\n");
  EXPECT_EQ(slurp(fs::path(dir) / "2.eml"), big);
}

TEST_P(StoreFilesTest, AFolderRemovedBehindItsBackIsMadeAgain) {
  test::TempDir root;
  StoreFiles files(root.path(), GetParam());
  const auto dir = (root.path() / "Inbox").string();
  files.put(dir, "1.eml", "one");
  fs::remove_all(dir);
  files.put(dir, "2.eml", "two");
  EXPECT_EQ(file_names(dir), std::vector<std::string>{"2.eml"});
}

TEST_P(StoreFilesTest, AFailureNamesThePathAndLeavesNothing) {
  test::TempDir root;
  StoreFiles files(root.path(), GetParam());
  const auto dir = (root.path() / "Inbox").string();
  fs::create_directories(fs::path(dir) / "taken.eml");  // a directory where the file should go
  try {
    files.put(dir, "taken.eml", "x");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/taken.eml"), std::string::npos) << e.what();
  }
  EXPECT_EQ(file_names(dir), std::vector<std::string>{"taken.eml"}) << "no temporary file left";
}

TEST_P(StoreFilesTest, AnExistingFileIsNeverReplaced) {
  test::TempDir root;
  StoreFiles files(root.path(), GetParam());
  const auto dir = (root.path() / "Inbox").string();
  files.put(dir, "1.eml", "first");
  EXPECT_THROW(files.put(dir, "1.eml", "second"), std::runtime_error);
  EXPECT_EQ(slurp(fs::path(dir) / "1.eml"), "first");
  EXPECT_EQ(file_names(dir), std::vector<std::string>{"1.eml"});
}

INSTANTIATE_TEST_SUITE_P(Naming, StoreFilesTest,
                         ::testing::Values(StoreFiles::Naming::Unnamed, StoreFiles::Naming::Renamed),
                         [](const auto& info) {
                           return info.param == StoreFiles::Naming::Unnamed ? "Unnamed" : "Renamed";
                         });

}  // namespace
