#pragma once
// How a server's I/O thread runs its io_context. With busy polling it keeps asking for
// ready events (a non-blocking epoll_wait) for a while after the last one before it sleeps
// in the kernel: a client waiting for a reply then gets it without the server thread's
// wake-up, at the price of that much CPU after each burst of work (the idea of Linux's
// SO_BUSY_POLL, done in user space because Asio's reactor has no such setting).
#include <boost/asio/io_context.hpp>
#include <chrono>

namespace maillab::net {

void run_io(boost::asio::io_context& io, std::chrono::microseconds busy_poll);

}  // namespace maillab::net
