#include "io_loop.hpp"

namespace maillab::net {

void run_io(boost::asio::io_context& io, std::chrono::microseconds busy_poll) {
  if (busy_poll.count() <= 0) {
    io.run();
    return;
  }
  using clock = std::chrono::steady_clock;
  while (!io.stopped()) {
    if (io.poll() > 0) continue;
    const auto until = clock::now() + busy_poll;
    std::size_t ran = 0;
    while (ran == 0 && !io.stopped() && clock::now() < until) ran = io.poll();
    // Nothing came: sleep until something does (run_one returns 0 once the context stops).
    if (ran == 0 && !io.stopped() && io.run_one() == 0) return;
  }
}

}  // namespace maillab::net
