#include <string>

#include "maillab/pop3/maildrop.hpp"

namespace maillab::pop3 {

std::string synthetic_message(std::string_view user, std::size_t index, std::size_t size) {
  std::string n = std::to_string(index);
  std::string text = "From: sender" + n + "@fabrikam.com\r\n" + "To: " + std::string(user) + "@fabrikam.com\r\n" +
                     "Subject: maillab synthetic message " + n + "\r\n" +
                     "Date: Mon, 29 Jul 2020 15:49:30 +0200\r\n" + "Message-ID: <" + n + "." + std::string(user) +
                     "@maillab.test>\r\n" + "MIME-Version: 1.0\r\n" + "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  static constexpr std::string_view kLine = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop";
  std::size_t line = 0;
  while (text.size() + 2 <= size) {
    std::size_t room = size - text.size() - 2;  // keep room for the CRLF
    std::string body = (line % 10 == 9 ? "." : "") + std::string(kLine);
    if (body.size() > room) body.resize(room);
    text += body + "\r\n";
    ++line;
  }
  // One octet short: the last line takes it, so the size is exact.
  if (text.size() < size && text.size() >= 2) text.insert(text.size() - 2, 1, 'x');
  return text;
}

}  // namespace maillab::pop3
