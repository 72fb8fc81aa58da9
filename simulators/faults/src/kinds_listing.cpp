// The registry as text for people: the `--list`-style listing and the table of
// docs/faults.md. Both are rendered from the KindSpecs, so a new kind appears in them
// without anyone editing a list.
#include <cctype>

#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

std::string_view layer_name(Layer layer) {
  switch (layer) {
    case Layer::Reply: return "Reply";
    case Layer::Content: return "Content";
    case Layer::Maildrop: return "Maildrop";
    case Layer::Listener: return "Listener";
    case Layer::World: return "World";
    case Layer::Tls: return "TLS";
  }
  return "?";
}

// "ms=N", "when=before|after", "text=TEXT".
std::string key_form(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::Count: return p.name + "=N";
    case ParamType::CountOrAll: return p.name + "=N|all";
    case ParamType::Flag: return p.name + "=yes|no";
    case ParamType::Choice: {
      std::string out = p.name + "=";
      for (std::size_t i = 0; i < p.choices.size(); ++i) out += (i ? "|" : "") + p.choices[i];
      return out;
    }
    case ParamType::Line: break;
  }
  std::string upper = p.name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return p.name + "=" + upper;
}

// "milliseconds (required)", "(default before)".
std::string key_note(const ParamSpec& p) {
  std::string out = p.help;
  std::string extra;
  if (p.required) extra = "required";
  else if (p.fallback && !p.fallback->empty()) extra = "default " + *p.fallback;
  if (p.rest_of_spec) extra += std::string(extra.empty() ? "" : ", ") + "the rest of the spec, commas included";
  if (!extra.empty()) out += (out.empty() ? "(" : " (") + extra + ")";
  return out;
}

std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string kinds_listing(const KindRegistry& kinds) {
  std::string out;
  for (const auto& k : kinds.all()) {
    out += k.name + "\t" + std::string(layer_name(k.layer)) + "\t" + k.summary + "\n";
    for (const auto& p : k.params) out += "  " + key_form(p) + "\t" + key_note(p) + "\n";
  }
  return out;
}

std::string kinds_markdown_table(const KindRegistry& kinds) {
  std::string out = "| kind | layer | own keys | what it does |\n|---|---|---|---|\n";
  for (const auto& k : kinds.all()) {
    std::string keys;
    for (const auto& p : k.params) {
      auto note = key_note(p);
      keys += (keys.empty() ? "" : "; ") + ("`" + escape_cell(key_form(p)) + "`") +
              (note.empty() ? "" : " " + escape_cell(note));
    }
    out += "| `" + k.name + "` | " + std::string(layer_name(k.layer)) + " | " + keys + " | " + escape_cell(k.summary) +
           " |\n";
  }
  return out;
}

}  // namespace maillab::faults
