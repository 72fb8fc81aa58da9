#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "maillab/smtp/world.hpp"

namespace maillab::smtp {

// The queue id the 250 reply names, from the world's counter.
std::string queue_id(std::uint64_t n);

// A placement's file name in its folder. One message per id in a mailbox folder; reports
// about several recipients share a folder (the administrator's Inbox, Badmail), so their
// names carry the recipient (escaped: the pickup directory does not check it).
std::string store_file_name(const Placement& p);

// Where every accepted message went, kept for World::placements(). A long run stores
// millions of messages and a Placement of six strings costs about 0.8 KB, so a record is
// the id and indexes into a table of the strings that repeat (addresses, folders, folder
// paths); the file name is made again from them. Not thread-safe: the world's lock guards it.
class PlacementLog {
 public:
  // `p.file` is the folder the message was stored in, as store_file_name(p).
  void add(std::uint64_t id, const Placement& p);
  std::vector<Placement> all() const;

 private:
  std::uint32_t intern(const std::string& s);

  struct Record {
    std::uint64_t id;
    std::uint32_t recipient, target, folder, dir;
    Destination where;
  };
  std::vector<Record> records_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

}  // namespace maillab::smtp
