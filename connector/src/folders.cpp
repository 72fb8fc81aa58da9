#include "maillab/connector/folders.hpp"

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <chrono>

#include "maillab/base/codec.hpp"
#include "maillab/connector/message_file.hpp"

namespace maillab::connector {

std::string mailbox_key(std::string_view name) { return md5_hex(name).substr(0, 8); }

std::string message_file_name(const std::string& key, std::string_view uid, int number) {
  // Real time, not the connector's clock: names must stay unique and ordered across
  // restarts even when a scenario runs on virtual time. The counter orders one microsecond.
  static std::atomic<unsigned> counter{0};
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  auto tail = uid.empty() ? fmt::format("n{}", number) : "u" + encode_uid(uid);
  return fmt::format("{:016d}-{:04d}-{}-{}.eml", us, counter++ % 10000, key, tail);
}

std::optional<FileNameParts> parse_message_file_name(std::string_view name) {
  if (!name.ends_with(".eml")) return std::nullopt;
  name.remove_suffix(4);
  auto d1 = name.find('-');
  auto d2 = d1 == std::string_view::npos ? d1 : name.find('-', d1 + 1);
  auto d3 = d2 == std::string_view::npos ? d2 : name.find('-', d2 + 1);
  if (d3 == std::string_view::npos) return std::nullopt;
  FileNameParts p;
  p.mailbox_key = std::string(name.substr(d2 + 1, d3 - d2 - 1));
  auto tail = name.substr(d3 + 1);
  if (tail.starts_with('u')) {
    p.uid = decode_uid(tail.substr(1));
    if (!p.uid) return std::nullopt;
  } else if (tail.starts_with('n')) {
    std::from_chars(tail.data() + 1, tail.data() + tail.size(), p.number);
  } else {
    return std::nullopt;
  }
  return p;
}

}  // namespace maillab::connector
