#pragma once
// The SMTP pickup directory service: takes *.eml files from PickUp (envelope in leading
// "x-sender:" and "x-receiver:" lines, else From/To/Cc), submits them to the World like
// SMTP mail and removes them. While the SMTP service or the default virtual server is
// stopped, files pile up. An antivirus scanner (world setting pickup-antivirus) may act
// on the files first: rename (another extension: no longer picked up), lock (an
// exclusive flock the service cannot take: the file stays), delete (the file is gone).
// A file that cannot be stored never stops the service: a passing failure (a full disk)
// leaves it for the next pass; any other moves it to Badmail beside PickUp (as IIS's
// Mailroot\Badmail) as NAME.bad, with the reason in NAME.bdr and on stderr.
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "maillab/smtp/world.hpp"

namespace maillab::smtp {

class FileOps;

// A file the scanner deleted from PickUp: gone for the user (KB 885685: files "disappear"),
// but the harness still knows which message it was.
struct ScannerRemoval {
  std::string file;        // its name in PickUp
  std::string message_id;  // its Message-ID header, as the scanner read it
};

class Pickup {
 public:
  // `ops`: the file operations, nullptr for the system's (tests install a decorator that
  // fails or crashes at one of them).
  Pickup(std::filesystem::path dir, World& world, FileOps* ops = nullptr);
  ~Pickup();
  Pickup(const Pickup&) = delete;
  Pickup& operator=(const Pickup&) = delete;

  const std::filesystem::path& directory() const { return dir_; }
  const std::filesystem::path& badmail() const { return badmail_; }
  // One pass of the scanner and the service; returns how many files were submitted.
  // Never throws for a file.
  std::size_t poll();
  // Files the scanner deleted, for the conservation check.
  std::vector<ScannerRemoval> deleted_by_antivirus() const;

 private:
  enum class Outcome { Delivered, Left, SetAside };
  void scan(Antivirus mode);
  Outcome take(const std::filesystem::path& path);
  Outcome submit(const std::filesystem::path& path, const std::string& text);
  void set_aside(const std::filesystem::path& path, const std::string& why);

  std::filesystem::path dir_;
  std::filesystem::path badmail_;
  World& world_;
  FileOps& ops_;
  mutable std::mutex mutex_;
  std::map<std::string, int> locks_;  // file name -> the scanner's open, flock'ed descriptor
  std::vector<ScannerRemoval> deleted_;
};

// Splits a pickup file into its envelope and the message; recipients from x-receiver:
// lines, or from To/Cc when there are none.
std::pair<Envelope, std::string> parse_pickup_file(std::string_view text);

}  // namespace maillab::smtp
