// POP3S (implicit TLS, RFC 8314) load driver, pop3_load's twin for bench/tls_vs_dovecot.py:
// the same client for every server. Each of --sessions threads logs on as its own user,
// RETRs messages 1..--messages, QUITs and starts over (a new TCP connection and a full
// handshake, no session resumption) until --seconds pass. `--handshakes` measures
// connections instead: connect, handshake, greeting, QUIT, close. Certificates are not
// verified (the same for every server; the handshake's cost is the server's signature and
// key exchange). Prints one line of JSON.
#include <utility>  // before Boost 1.74 Asio, which forgets it
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "pop3_reader.hpp"

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

using Stream = ssl::stream<tcp::socket>;

using Reader = Pop3Reader<Stream>;

void expect_ok(const std::string& reply, const std::string& what) {
  if (reply.rfind("+OK", 0) != 0) throw std::runtime_error(what + ": " + reply);
}

struct Options {
  int port = 0, sessions = 1, messages = 1;
  double seconds = 5;
  bool handshakes = false;
  std::string user_prefix = "user", password = "secret";
};

struct Totals {
  std::atomic<std::uint64_t> messages{0}, bytes{0}, sessions{0};
  std::atomic<bool> failed{false};
};

void session(const Options& o, int s, ssl::context& ctx, std::vector<char>& buffer, Totals& totals,
             Clock::time_point deadline) {
  asio::io_context io;
  Stream stream(io, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o.port)});
  stream.next_layer().set_option(tcp::no_delay(true));
  stream.handshake(ssl::stream_base::client);
  Reader r{stream, buffer};
  expect_ok(r.read_line(), "greeting");
  if (!o.handshakes) {
    expect_ok(r.command("USER " + o.user_prefix + std::to_string(s + 1)), "USER");
    expect_ok(r.command("PASS " + o.password), "PASS");
    for (int m = 1; m <= o.messages && Clock::now() < deadline; ++m) {
      expect_ok(r.command("RETR " + std::to_string(m)), "RETR");
      totals.bytes += r.read_body();
      ++totals.messages;
    }
  }
  expect_ok(r.command("QUIT"), "QUIT");
  boost::system::error_code ec;
  stream.next_layer().close(ec);  // no close_notify wait: the session is over after QUIT
  ++totals.sessions;
}

void one_client(const Options& o, int s, Clock::time_point deadline, Totals& totals) {
  try {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_none);
    SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);
    std::vector<char> buffer(4u << 20);
    while (Clock::now() < deadline) session(o, s, ctx, buffer, totals, deadline);
  } catch (const std::exception& e) {
    std::cerr << "session " << s << ": " << e.what() << "\n";
    totals.failed = true;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"POP3S load driver"};
  Options o;
  app.add_option("--port", o.port);
  app.add_option("--sessions", o.sessions);
  app.add_option("--messages", o.messages, "RETR 1..N per session");
  app.add_option("--seconds", o.seconds);
  app.add_flag("--handshakes", o.handshakes, "connections only: handshake, greeting, QUIT");
  app.add_option("--user-prefix", o.user_prefix);
  app.add_option("--password", o.password);
  CLI11_PARSE(app, argc, argv);
  Totals totals;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int s = 0; s < o.sessions; ++s) threads.emplace_back([&, s] { one_client(o, s, deadline, totals); });
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "{\"messages\": " << totals.messages << ", \"bytes\": " << totals.bytes << ", \"sessions\": "
            << totals.sessions << ", \"seconds\": " << elapsed << ", \"messages_per_second\": "
            << totals.messages / elapsed << ", \"mb_per_second\": " << totals.bytes / elapsed / 1e6
            << ", \"handshakes_per_second\": " << totals.sessions / elapsed << "}" << std::endl;
  return totals.failed ? 1 : 0;
}
