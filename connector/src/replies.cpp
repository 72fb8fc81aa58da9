#include "maillab/connector/replies.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <stdexcept>

#include "maillab/base/ascii.hpp"

namespace maillab::connector {
namespace {

using ascii::upper;

bool is_enhanced(std::string_view word) {
  // class.subject.detail, RFC 3463
  int dots = 0;
  if (word.empty() || (word[0] != '2' && word[0] != '4' && word[0] != '5')) return false;
  for (char c : word) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 2 && word.back() != '.';
}

}  // namespace

std::optional<Pop3Status> parse_pop3_status(std::string_view line) {
  Pop3Status s;
  s.line = std::string(line);
  std::string_view rest;
  if (line.starts_with("+OK")) {
    s.ok = true;
    rest = line.substr(3);
  } else if (line.starts_with("-ERR")) {
    rest = line.substr(4);
  } else {
    return std::nullopt;
  }
  if (!rest.empty() && rest[0] != ' ') return std::nullopt;  // "+OKAY" is not a status
  if (!rest.empty()) rest.remove_prefix(1);
  if (!s.ok && rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close != std::string_view::npos) {
      s.code = upper(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
      if (rest.starts_with(' ')) rest.remove_prefix(1);
    }
  }
  s.text = std::string(rest);
  return s;
}

bool pop3_body_line(std::string_view line, std::string_view& out) {
  if (line == ".") return true;
  out = line.starts_with('.') ? line.substr(1) : line;
  return false;
}

std::string SmtpReply::first_line() const {
  return std::to_string(code) + (lines.empty() ? "" : " " + lines.front());
}

std::optional<SmtpReply> SmtpReplyReader::feed(std::string_view line) {
  int code = 0;
  if (line.size() < 3 || std::from_chars(line.data(), line.data() + 3, code).ec != std::errc{} ||
      code < 200 || code > 599 || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
    throw std::runtime_error("malformed SMTP reply line: " + std::string(line.substr(0, 80)));
  if (!partial_.lines.empty() && code != partial_.code)
    throw std::runtime_error("SMTP reply changes its code within a multi-line reply");
  partial_.code = code;
  partial_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  if (line.size() > 3 && line[3] == '-') return std::nullopt;
  SmtpReply done = std::move(partial_);
  partial_ = {};
  auto& first = done.lines.front();
  auto sp = first.find(' ');
  auto word = std::string_view(first).substr(0, sp);
  if (is_enhanced(word) && word[0] == std::to_string(done.code)[0]) done.enhanced = std::string(word);
  return done;
}

SmtpExtensions SmtpExtensions::from_ehlo(const SmtpReply& reply) {
  SmtpExtensions e;
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    std::istringstream words(reply.lines[i]);
    std::string keyword;
    words >> keyword;
    keyword = upper(keyword);
    if (keyword == "PIPELINING") e.pipelining = true;
    else if (keyword == "DSN") e.dsn = true;
    else if (keyword == "8BITMIME") e.eightbit = true;
    else if (keyword == "ENHANCEDSTATUSCODES") e.enhanced = true;
    else if (keyword == "STARTTLS") e.starttls = true;
    else if (keyword == "SIZE") {
      e.size = true;
      std::string limit;
      if (words >> limit) {
        std::uint64_t v = 0;
        std::from_chars(limit.data(), limit.data() + limit.size(), v);
        e.size_limit = v;
      }
    } else if (keyword == "AUTH" || keyword.starts_with("AUTH=")) {
      if (keyword.size() > 5) e.auth.push_back(keyword.substr(5));
      std::string mech;
      while (words >> mech) e.auth.push_back(upper(mech));
    }
  }
  std::sort(e.auth.begin(), e.auth.end());
  e.auth.erase(std::unique(e.auth.begin(), e.auth.end()), e.auth.end());
  return e;
}

}  // namespace maillab::connector
