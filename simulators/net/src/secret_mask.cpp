#include "maillab/net/secret_mask.hpp"

#include <algorithm>
#include <cctype>

namespace maillab::net {
namespace {

bool verb_is(std::string_view line, std::string_view verb) {
  if (line.size() < verb.size() + 1 || line[verb.size()] != ' ') return false;
  return std::equal(verb.begin(), verb.end(), line.begin(),
                    [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); });
}

}  // namespace

std::string mask_secret(std::string_view line) {
  // PASS: everything after the verb is the password (it may hold spaces).
  if (verb_is(line, "PASS")) return std::string(line.substr(0, 5)) + std::string(kMask);
  // AUTH MECHANISM [initial-response]: the mechanism stays, the response goes.
  if (verb_is(line, "AUTH")) {
    auto rest = line.substr(5);
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) return std::string(line);
    auto space = rest.find(' ', start);
    if (space == std::string_view::npos || rest.find_first_not_of(' ', space) == std::string_view::npos)
      return std::string(line);
    return std::string(line.substr(0, 5 + space + 1)) + std::string(kMask);
  }
  return std::string(line);
}

}  // namespace maillab::net
