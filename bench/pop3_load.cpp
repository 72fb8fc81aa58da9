// POP3 load driver: the same client for every server it is pointed at. Each of
// --sessions threads logs on as its own user (USER/PASS), RETRs messages 1..--messages
// one after another, QUITs without deleting, and starts over, until --seconds pass.
// `--idle N` instead opens N sessions, reads each greeting, sends USER, and holds them
// until stdin closes (the caller measures the server's memory meanwhile). `--raw SIZE`
// measures raw loopback TCP bandwidth instead, the ceiling a RETR is compared with.
// `--floor SIZE [--spin]` is a server instead, for the same sessions to be pointed at: it
// does nothing but answer (canned replies, SIZE-octet RETR bodies), the lockstep ceiling no
// POP3 server on this machine can pass.
// Prints one line of JSON.
#include <utility>  // before Boost 1.74 Asio, which forgets it
#include <boost/asio.hpp>
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string_view>
#include <iostream>
#include <thread>
#include <vector>

#include "pop3_reader.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

using Line = Pop3Reader<tcp::socket>;

// Raw loopback TCP bandwidth, the ceiling for a RETR: a sender thread writes a
// `size`-octet buffer again and again, the receiver reads it into the same kind of buffer
// the POP3 sessions use, for `seconds`.
void raw_loopback(std::size_t size, double seconds) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::thread sender([&] {
    try {
      tcp::socket s(io);
      acceptor.accept(s);
      std::vector<char> message(size, 'x');
      for (;;) asio::write(s, asio::buffer(message));
    } catch (const std::exception&) {
      // The receiver closed: done.
    }
  });
  tcp::socket r(io);
  r.connect(acceptor.local_endpoint());
  std::vector<char> buffer(4u << 20);
  std::uint64_t bytes = 0;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < deadline) bytes += r.read_some(asio::buffer(buffer));
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  r.close();
  sender.join();
  std::cout << "{\"bytes\": " << bytes << ", \"seconds\": " << elapsed << ", \"messages_per_second\": "
            << static_cast<double>(bytes) / static_cast<double>(size) / elapsed << ", \"mb_per_second\": "
            << static_cast<double>(bytes) / elapsed / 1e6 << "}" << std::endl;
}

// The floor's server side: one session at a time, each command answered from canned
// bytes. With `spin` it polls a non-blocking socket, as `maillab pop3d --busy-poll` does.
void floor_session(tcp::socket& s, const std::string& retr, bool spin) {
  s.non_blocking(spin);
  std::vector<char> in(64 * 1024);
  std::size_t have = 0;
  const std::string ok = "+OK\r\n";
  asio::write(s, asio::buffer(std::string_view("+OK floor\r\n")));
  for (;;) {
    boost::system::error_code ec;
    auto n = s.read_some(asio::buffer(in.data() + have, in.size() - have), ec);
    if (ec == asio::error::would_block) continue;
    if (ec) return;
    have += n;
    std::size_t used = 0;
    for (const char* eol; (eol = static_cast<const char*>(memmem(in.data() + used, have - used, "\r\n", 2)));) {
      std::string_view cmd(in.data() + used, static_cast<std::size_t>(eol - in.data()) - used);
      used = static_cast<std::size_t>(eol - in.data()) + 2;
      bool quit = cmd.starts_with("QUIT");
      const std::string& reply = cmd.starts_with("RETR") ? retr : ok;
      for (std::size_t off = 0; off < reply.size();) {
        off += s.write_some(asio::buffer(reply.data() + off, reply.size() - off), ec);
        if (ec && ec != asio::error::would_block) return;
      }
      if (quit) return;
    }
    std::memmove(in.data(), in.data() + used, have - used);
    have -= used;
  }
}

// Serves sessions, one at a time, on an ephemeral port until stdin closes; prints the
// port first. A process of its own, as the servers it stands for are.
int serve_floor(std::size_t size, bool spin) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::string body(size - 2, 'x');
  for (std::size_t i = 76; i < body.size(); i += 78) body.replace(i, 2, "\r\n");
  auto retr = "+OK " + std::to_string(size) + " octets\r\n" + body + "\r\n.\r\n";
  std::cout << "{\"port\": " << acceptor.local_endpoint().port() << "}" << std::endl;
  std::thread([&acceptor, retr, spin] {
    for (;;) {
      tcp::socket s(acceptor.get_executor());
      acceptor.accept(s);
      s.set_option(tcp::no_delay(true));
      floor_session(s, retr, spin);
    }
  }).detach();
  std::string ignored;
  std::getline(std::cin, ignored);
  std::_Exit(0);  // the serving thread may be mid-session
}

void expect_ok(const std::string& reply, const std::string& what) {
  if (reply.rfind("+OK", 0) != 0) throw std::runtime_error(what + ": " + reply);
}

struct Options {
  int port = 0, sessions = 1, messages = 1, idle = 0;
  double seconds = 5;
  std::string user_prefix = "user", password = "secret";
  std::size_t raw = 0, floor = 0;
  tcp::endpoint endpoint() const {
    return tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  }
};

int hold_idle(const Options& o) {
  asio::io_context io;
  std::vector<tcp::socket> held;
  std::vector<char> buffer(4096);
  for (int i = 0; i < o.idle; ++i) {
    held.emplace_back(io);
    held.back().connect(o.endpoint());
    Line l{held.back(), buffer};
    expect_ok(l.read_line(), "greeting");
    expect_ok(l.command("USER " + o.user_prefix + std::to_string(i + 1)), "USER");
  }
  std::cout << "{\"idle\": " << o.idle << "}" << std::endl;
  std::string ignored;
  std::getline(std::cin, ignored);
  return 0;
}

struct Totals {
  std::atomic<std::uint64_t> messages{0}, bytes{0}, sessions{0};
  std::atomic<bool> failed{false};
};

// Session after session as user PREFIX<s + 1> until the deadline.
void one_client(const Options& o, int s, Clock::time_point deadline, Totals& totals) {
  try {
    asio::io_context io;
    std::vector<char> buffer(4u << 20);
    while (Clock::now() < deadline) {
      tcp::socket socket(io);
      socket.connect(o.endpoint());
      socket.set_option(tcp::no_delay(true));
      Line l{socket, buffer};
      expect_ok(l.read_line(), "greeting");
      expect_ok(l.command("USER " + o.user_prefix + std::to_string(s + 1)), "USER");
      expect_ok(l.command("PASS " + o.password), "PASS");
      for (int m = 1; m <= o.messages && Clock::now() < deadline; ++m) {
        expect_ok(l.command("RETR " + std::to_string(m)), "RETR");
        totals.bytes += l.read_body();
        ++totals.messages;
      }
      expect_ok(l.command("QUIT"), "QUIT");
      ++totals.sessions;
    }
  } catch (const std::exception& e) {
    std::cerr << "session " << s << ": " << e.what() << "\n";
    totals.failed = true;
  }
}

int run_load(const Options& o) {
  Totals totals;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int s = 0; s < o.sessions; ++s) threads.emplace_back([&, s] { one_client(o, s, deadline, totals); });
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "{\"messages\": " << totals.messages << ", \"bytes\": " << totals.bytes << ", \"sessions\": "
            << totals.sessions << ", \"seconds\": " << elapsed << ", \"messages_per_second\": "
            << totals.messages / elapsed << ", \"mb_per_second\": " << totals.bytes / elapsed / 1e6 << "}"
            << std::endl;
  return totals.failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"POP3 load driver"};
  Options o;
  app.add_option("--port", o.port);
  app.add_option("--sessions", o.sessions);
  app.add_option("--messages", o.messages, "RETR 1..N per session");
  app.add_option("--seconds", o.seconds);
  app.add_option("--user-prefix", o.user_prefix, "session i logs on as PREFIX<i>");
  app.add_option("--password", o.password);
  app.add_option("--idle", o.idle, "hold N idle sessions until stdin closes");
  app.add_option("--raw", o.raw, "measure raw loopback TCP: SIZE-octet writes from a thread to this one");
  bool spin = false;
  app.add_option("--floor", o.floor, "serve canned replies with SIZE-octet RETR bodies until stdin closes");
  app.add_flag("--spin", spin, "--floor: busy-poll the socket instead of sleeping in recv");
  CLI11_PARSE(app, argc, argv);
  if (o.floor > 0) return serve_floor(o.floor, spin);
  if (o.raw > 0) {
    raw_loopback(o.raw, o.seconds);
    return 0;
  }
  return o.idle > 0 ? hold_idle(o) : run_load(o);
}
