#include "maillab/faults/corruption.hpp"

#include <array>
#include <utility>

#include "maillab/base/message_text.hpp"

namespace maillab::faults {
namespace {

constexpr std::array<std::pair<Corruption, std::string_view>, 6> kNames{{
    {Corruption::Truncated, "truncated"},
    {Corruption::NulBytes, "nul"},
    {Corruption::BareLf, "bare-lf"},
    {Corruption::NoSeparator, "no-separator"},
    {Corruption::BrokenBoundary, "broken-boundary"},
    {Corruption::EightBitHeader, "8bit-header"},
}};

std::size_t body_start(const std::string& text) {
  auto b = body_offset(text);
  return b == std::string::npos ? text.size() : b;
}

void replace_all(std::string& s, std::string_view from, std::string_view to, std::size_t start = 0) {
  for (auto pos = s.find(from, start); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

std::string_view corruption_name(Corruption c) {
  for (auto& [k, n] : kNames)
    if (k == c) return n;
  return "?";
}

std::optional<Corruption> corruption_from_name(std::string_view name) {
  for (auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

std::vector<std::string> corruption_names() {
  std::vector<std::string> out;
  for (auto& [k, n] : kNames) out.emplace_back(n);
  return out;
}

void apply_corruption(Corruption c, std::string& text) {
  const std::size_t body = body_start(text);
  switch (c) {
    case Corruption::Truncated: {
      // Cut at the middle of the body, and never right after a CRLF, so the last line is partial.
      std::size_t cut = body + (text.size() - body) / 2;
      if (cut >= text.size()) cut = text.size() / 2;
      while (cut > 0 && cut < text.size() && (text[cut - 1] == '\n' || text[cut - 1] == '\r')) --cut;
      text.resize(cut);
      break;
    }
    case Corruption::NulBytes: {
      std::size_t at = body < text.size() ? body + (text.size() - body) / 2 : text.size();
      text.insert(at, std::string("\0\0\0\0", 4));
      break;
    }
    case Corruption::BareLf:
      replace_all(text, "\r\n", "\n", body);
      break;
    case Corruption::NoSeparator:
      if (body >= 2 && body <= text.size() && text.compare(body - 2, 2, "\r\n") == 0 && body != text.size()) {
        text.erase(body - 2, 2);
      }
      break;
    case Corruption::BrokenBoundary: {
      std::string type = header_value(text, "Content-Type");
      auto b = type.find("boundary=");
      if (b != std::string::npos) {
        std::string boundary = type.substr(b + 9);
        if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.find('"', 1) - 1);
        boundary = boundary.substr(0, boundary.find_first_of("; \t"));
        // Every delimiter line in the body now names a boundary the header does not declare.
        replace_all(text, "--" + boundary, "--" + boundary + "-BROKEN", body);
      } else {
        std::string header = "Content-Type: multipart/mixed; boundary=\"maillab-missing-boundary\"\r\n";
        text.insert(0, header);
      }
      break;
    }
    case Corruption::EightBitHeader: {
      static constexpr std::string_view garbage = "\xff\xfe\x80\x9f Gr\xfc\xdf\xe9 \x8f ";
      std::size_t at = text.starts_with("Subject:") ? 0 : text.find("\r\nSubject:");
      if (at == std::string::npos || at >= body) {
        text.insert(0, "Subject: " + std::string(garbage) + "\r\n");
      } else {
        at += at == 0 ? 8 : 10;
        text.insert(at, " " + std::string(garbage));
      }
      break;
    }
  }
}

}  // namespace maillab::faults
