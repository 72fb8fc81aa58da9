#include "maillab/connector/message_file.hpp"

#include <algorithm>
#include <cctype>

#include "maillab/base/ascii.hpp"
#include "maillab/base/message_text.hpp"

namespace maillab::connector {
namespace {

using ascii::lower;

bool iequals_prefix(std::string_view line, std::string_view prefix) {
  return line.size() >= prefix.size() && lower(line.substr(0, prefix.size())) == prefix;
}

// Lines of the header part (unfolded not needed), up to the empty line.
struct HeaderView {
  std::vector<std::string_view> lines;
  std::size_t body = std::string_view::npos;  // offset of the body, npos when no separator
};

HeaderView header_of(std::string_view text) {
  HeaderView h;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto end = nl == std::string_view::npos ? text.size() : nl + 1;
    auto line = text.substr(pos, end - pos);
    auto bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
    if (bare.empty()) {
      h.body = end;
      return h;
    }
    h.lines.push_back(bare);
    pos = end;
  }
  return h;
}

std::vector<std::string> addresses_in(std::string_view value) {
  // An address list: split at commas outside quotes and angle brackets; each part is
  // "Name <addr>" or a bare addr.
  std::vector<std::string> out;
  auto take = [&](std::string_view part) {
    auto lt = part.find('<');
    std::string_view a;
    if (lt != std::string_view::npos) {
      auto gt = part.find('>', lt);
      a = part.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1);
    } else {
      a = part;
    }
    while (!a.empty() && (a.front() == ' ' || a.front() == '\t')) a.remove_prefix(1);
    while (!a.empty() && (a.back() == ' ' || a.back() == '\t' || a.back() == ';')) a.remove_suffix(1);
    if (a.find('@') != std::string_view::npos && a.find(' ') == std::string_view::npos) out.push_back(lower(a));
  };
  bool quoted = false, angle = false;
  std::size_t from = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '"' && !angle) quoted = !quoted;
    else if (c == '<' && !quoted) angle = true;
    else if (c == '>' && !quoted) angle = false;
    else if (c == ',' && !quoted && !angle) {
      take(value.substr(from, i - from));
      from = i + 1;
    }
  }
  take(value.substr(from));
  return out;
}

}  // namespace

std::string envelope_header(const Envelope& envelope) {
  std::string out = "x-sender: <" + envelope.sender + ">\r\n";
  for (const auto& r : envelope.recipients) out += "x-receiver: <" + r + ">\r\n";
  return out;
}

std::optional<ParsedFile> parse_envelope(std::string_view text) {
  ParsedFile f;
  std::size_t pos = 0;
  bool sender = false;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;
    auto line = text.substr(pos, nl + 1 - pos);
    auto bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
    if (iequals_prefix(bare, "x-sender:")) {
      auto a = addresses_in(bare.substr(9));
      f.envelope.sender = a.empty() ? "" : a.front();
      sender = true;
    } else if (iequals_prefix(bare, "x-receiver:")) {
      for (auto& a : addresses_in(bare.substr(11))) f.envelope.recipients.push_back(a);
    } else {
      break;
    }
    pos = nl + 1;
  }
  if (!sender) return std::nullopt;
  f.message_offset = pos;
  return f;
}

std::optional<std::string> find_corruption(std::string_view m) {
  if (m.empty()) return "empty message";
  if (m.find('\0') != std::string_view::npos) return "NUL bytes in the message";
  for (std::size_t p = m.find('\n'); p != std::string_view::npos; p = m.find('\n', p + 1))
    if (p == 0 || m[p - 1] != '\r') return "bare LF line ends";
  auto h = header_of(m);
  for (auto line : h.lines) {
    if (line[0] == ' ' || line[0] == '\t') continue;
    auto colon = line.find(':');
    bool name_ok = colon != std::string_view::npos && colon > 0 &&
                   std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon),
                               [](char c) { return c > 32 && c < 127; });
    if (!name_ok) return "header line that is not a field (no header/body separator?)";
  }
  for (auto line : h.lines)
    if (std::any_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) > 127; }))
      return "8-bit bytes in the header";
  // Line ends are CRLF from here on, as maillab::header_value expects.
  auto original = header_value(m, "Content-Type");
  auto type = lower(original);
  if (type.find("multipart/") != std::string::npos) {
    auto b = type.find("boundary=");
    if (b == std::string::npos) return "multipart without a boundary";
    // The boundary's case matters; take it from the original spelling.
    std::string boundary = original.substr(b + 9);
    if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.find('"', 1) - 1);
    boundary = boundary.substr(0, boundary.find_first_of("; \t\r"));
    if (h.body == std::string_view::npos) return "multipart without a body";
    auto body = m.substr(h.body);
    auto delim = "--" + boundary;
    auto first = body.find(delim + "\r\n");
    if (first == std::string_view::npos) return "broken MIME boundary (the declared boundary never appears)";
    if (body.find(delim + "--", first) == std::string_view::npos)
      return "broken MIME boundary (never closed: truncated?)";
  }
  return std::nullopt;
}

std::vector<std::string> header_recipients(std::string_view message) {
  auto out = addresses_in(header_value(message, "To"));
  for (auto& a : addresses_in(header_value(message, "Cc"))) out.push_back(a);
  std::vector<std::string> unique;
  for (auto& a : out)
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(a);
  return unique;
}

bool has_8bit(std::string_view message) {
  return std::any_of(message.begin(), message.end(), [](char c) { return static_cast<unsigned char>(c) > 127; });
}

std::string encode_uid(std::string_view uid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : uid) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::string> decode_uid(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int a = val(hex[i]), b = val(hex[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out += static_cast<char>(a * 16 + b);
  }
  return out;
}

}  // namespace maillab::connector
