// POP3 load driver: the same client for every server it is pointed at. Each of
// --sessions threads logs on as its own user (USER/PASS), RETRs messages 1..--messages
// one after another, QUITs without deleting, and starts over, until --seconds pass.
// `--idle N` instead opens N sessions, reads each greeting, sends USER, and holds them
// until stdin closes (the caller measures the server's memory meanwhile).
// Prints one line of JSON.
#include <utility>  // before Boost 1.74 Asio, which forgets it
#include <boost/asio.hpp>
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Line {
  tcp::socket& socket;
  std::string buffer;
  std::string read_line() {
    auto n = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n");
    std::string line = buffer.substr(0, n - 2);
    buffer.erase(0, n);
    return line;
  }
  // A multi-line body up to and including CRLF.CRLF; returns its size.
  std::size_t read_body() {
    auto n = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n.\r\n");
    buffer.erase(0, n);
    return n;
  }
  std::string command(const std::string& cmd) {
    asio::write(socket, asio::buffer(cmd + "\r\n"));
    return read_line();
  }
};

void expect_ok(const std::string& reply, const std::string& what) {
  if (reply.rfind("+OK", 0) != 0) throw std::runtime_error(what + ": " + reply);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"POP3 load driver"};
  int port = 0, sessions = 1, messages = 1, idle = 0;
  double seconds = 5;
  std::string user_prefix = "user", password = "secret";
  app.add_option("--port", port)->required();
  app.add_option("--sessions", sessions);
  app.add_option("--messages", messages, "RETR 1..N per session");
  app.add_option("--seconds", seconds);
  app.add_option("--user-prefix", user_prefix, "session i logs on as PREFIX<i>");
  app.add_option("--password", password);
  app.add_option("--idle", idle, "hold N idle sessions until stdin closes");
  CLI11_PARSE(app, argc, argv);
  auto endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));

  if (idle > 0) {
    asio::io_context io;
    std::vector<tcp::socket> held;
    for (int i = 0; i < idle; ++i) {
      held.emplace_back(io);
      held.back().connect(endpoint);
      Line l{held.back(), {}};
      expect_ok(l.read_line(), "greeting");
      expect_ok(l.command("USER " + user_prefix + std::to_string(i + 1)), "USER");
    }
    std::cout << "{\"idle\": " << idle << "}" << std::endl;
    std::string ignored;
    std::getline(std::cin, ignored);
    return 0;
  }

  std::atomic<std::uint64_t> total_messages{0}, total_bytes{0}, total_sessions{0};
  std::atomic<bool> failed{false};
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < sessions; ++s) {
    threads.emplace_back([&, s] {
      try {
        asio::io_context io;
        while (Clock::now() < deadline) {
          tcp::socket socket(io);
          socket.connect(endpoint);
          socket.set_option(tcp::no_delay(true));
          Line l{socket, {}};
          expect_ok(l.read_line(), "greeting");
          expect_ok(l.command("USER " + user_prefix + std::to_string(s + 1)), "USER");
          expect_ok(l.command("PASS " + password), "PASS");
          for (int m = 1; m <= messages && Clock::now() < deadline; ++m) {
            expect_ok(l.command("RETR " + std::to_string(m)), "RETR");
            total_bytes += l.read_body();
            ++total_messages;
          }
          expect_ok(l.command("QUIT"), "QUIT");
          ++total_sessions;
        }
      } catch (const std::exception& e) {
        std::cerr << "session " << s << ": " << e.what() << "\n";
        failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "{\"messages\": " << total_messages << ", \"bytes\": " << total_bytes << ", \"sessions\": "
            << total_sessions << ", \"seconds\": " << elapsed << ", \"messages_per_second\": "
            << total_messages / elapsed << ", \"mb_per_second\": " << total_bytes / elapsed / 1e6 << "}" << std::endl;
  return failed ? 1 : 0;
}
