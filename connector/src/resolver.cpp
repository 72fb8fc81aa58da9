#include "maillab/connector/resolver.hpp"

#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>

#include "maillab/base/ascii.hpp"

namespace maillab::connector {
namespace asio = boost::asio;

HostNotFound::HostNotFound(const std::string& host)
    : std::runtime_error("the host name " + host + " could not be resolved: No such host is known (11001)"),
      host_(host) {}

bool is_address_literal(const std::string& text) {
  boost::system::error_code ec;
  asio::ip::make_address(text, ec);
  return !ec;
}

std::vector<std::string> SystemResolver::resolve(const std::string& host) {
  if (is_address_literal(host)) return {host};
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(host, "", ec);
  if (ec || results.empty()) throw HostNotFound(host);
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(r.endpoint().address().to_string());
  return out;
}

Resolver& system_resolver() {
  static SystemResolver resolver;
  return resolver;
}

HostsResolver::HostsResolver(std::map<std::string, std::string> table, Resolver* fallback) : fallback_(fallback) {
  for (const auto& [name, address] : table) add(name, address);
}

void HostsResolver::add(const std::string& name, const std::string& address) {
  if (!is_address_literal(address))
    throw std::invalid_argument("the hosts entry for " + name + " must be an IP address, not '" + address + "'");
  table_[ascii::lower(name)] = address;
}

std::vector<std::string> HostsResolver::resolve(const std::string& host) {
  if (is_address_literal(host)) return {host};
  if (auto it = table_.find(ascii::lower(host)); it != table_.end()) return {it->second};
  if (fallback_) return fallback_->resolve(host);
  throw HostNotFound(host);
}

}  // namespace maillab::connector
