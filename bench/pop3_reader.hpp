#pragma once
// The load drivers' reading side (pop3_load over TCP, pop3s_load over TLS): one large buffer,
// and only the octets that arrived are scanned, so the client costs about what a raw
// receiver costs and the server is what is measured.
#include <cstring>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

template <class Stream>
struct Pop3Reader {
  Pop3Reader(Stream& s, std::vector<char>& b) : stream(s), buffer(b) {}
  Stream& stream;
  std::vector<char>& buffer;  // the thread's, reused by its sessions
  std::size_t begin = 0, end = 0;

  void fill() {
    if (begin == end) begin = end = 0;
    if (end == buffer.size()) {
      std::memmove(buffer.data(), buffer.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    end += stream.read_some(boost::asio::buffer(buffer.data() + end, buffer.size() - end));
  }
  std::string read_line() {
    for (std::size_t seen = 0;;) {
      auto from = begin + (seen ? seen - 1 : 0);
      auto* hit = static_cast<const char*>(memmem(buffer.data() + from, end - from, "\r\n", 2));
      if (hit) {
        std::string line(static_cast<const char*>(buffer.data() + begin), hit);
        begin = static_cast<std::size_t>(hit - buffer.data()) + 2;
        return line;
      }
      seen = end - begin;
      fill();
    }
  }
  // A multi-line body up to and including CRLF.CRLF; returns its size. The body itself is
  // dropped as it is scanned: only the last four octets are kept to find the terminator.
  std::size_t read_body() {
    std::size_t total = 0;
    for (std::size_t seen = 0;;) {
      auto from = begin + (seen > 4 ? seen - 4 : 0);
      auto* hit = static_cast<const char*>(memmem(buffer.data() + from, end - from, "\r\n.\r\n", 5));
      if (hit) {
        auto stop = static_cast<std::size_t>(hit - buffer.data()) + 5;
        total += stop - begin;
        begin = stop;
        return total;
      }
      if (end - begin > 4) {
        total += end - begin - 4;
        begin = end - 4;
      }
      seen = end - begin;
      fill();
    }
  }
  std::string command(const std::string& cmd) {
    boost::asio::write(stream, boost::asio::buffer(cmd + "\r\n"));
    return read_line();
  }
};
