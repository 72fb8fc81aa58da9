#include "placement_log.hpp"

#include <cstdio>

#include "maillab/smtp/path_names.hpp"

namespace maillab::smtp {

std::string queue_id(std::uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(n));
  return buf;
}

std::string store_file_name(const Placement& p) {
  bool report = p.where == Destination::Ndr || p.where == Destination::Badmail;
  return p.id + (report ? "-" + std::string(destination_name(p.where)) + "-" + escape_name(p.recipient) : "") + ".eml";
}

std::uint32_t PlacementLog::intern(const std::string& s) {
  auto [it, added] = index_.try_emplace(s, static_cast<std::uint32_t>(strings_.size()));
  if (added) strings_.push_back(s);
  return it->second;
}

void PlacementLog::add(std::uint64_t id, const Placement& p) {
  records_.push_back({id, intern(p.recipient), intern(p.target), intern(p.folder), intern(p.file.native()), p.where});
}

std::vector<Placement> PlacementLog::all() const {
  std::vector<Placement> out;
  out.reserve(records_.size());
  for (const auto& r : records_) {
    Placement p{queue_id(r.id), strings_[r.recipient], r.where, strings_[r.target], strings_[r.folder], {}};
    p.file = std::filesystem::path(strings_[r.dir]) / store_file_name(p);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace maillab::smtp
