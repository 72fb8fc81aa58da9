// Events as the customer has them: the connector's events.jsonl, or Event Viewer's text
// blocks as the KB prints them, in English, German (seed 000: Quelle, Ereignis-ID,
// Beschreibung) or Japanese (seed 003: ソース, イベント ID, 説明, with " : ").
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

enum class Field { Source, Id, Description, Other };

Field field_of(const std::string& key) {
  if (key == "Source" || key == "Quelle" || key == "ソース") return Field::Source;
  if (key == "Event ID" || key == "Ereignis-ID" || key == "イベント ID") return Field::Id;
  if (key == "Description" || key == "Beschreibung" || key == "説明") return Field::Description;
  return Field::Other;
}

int parse_id(const std::string& text, const std::string& where) {
  try {
    std::size_t used = 0;
    int id = std::stoi(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw std::runtime_error(fmt::format("{}: field 'Event ID': must be a number, not '{}'", where, text));
}

std::vector<EventRecord> parse_jsonl(const std::string& text, const std::string& file) {
  std::vector<EventRecord> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (trim(line).empty()) continue;
    const auto where = fmt::format("{}:{}", file, n);
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer())
      throw std::runtime_error(where + ": not an event (a JSON object with a numeric 'id')");
    out.push_back({j["id"].get<int>(), j.value("source", ""), j.value("description", ""), where});
  }
  return out;
}

std::vector<EventRecord> parse_blocks(const std::string& text, const std::string& file) {
  std::vector<EventRecord> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto field = field_of(trim(std::string_view(line).substr(0, colon)));
    const auto value = trim(std::string_view(line).substr(colon + 1));
    const auto where = fmt::format("{}:{}", file, n);
    if (field == Field::Source) out.push_back({0, value, "", where});
    if (field == Field::Other || field == Field::Source) continue;
    if (out.empty()) throw std::runtime_error(where + ": an event field before the block's Source line");
    if (field == Field::Id) out.back().id = parse_id(value, where);
    if (field == Field::Description) out.back().description = value;
  }
  for (const auto& e : out)
    if (e.id == 0) throw std::runtime_error(e.where + ": an event block without an Event ID line");
  return out;
}

}  // namespace

std::vector<EventRecord> parse_events(const std::string& text, const std::string& file_name) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') return parse_jsonl(text, file_name);
  return parse_blocks(text, file_name);
}

std::vector<EventRecord> read_events(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_events(text.str(), path);
}

}  // namespace maillab::doctor
