#pragma once
// The connector's name lookup seam: every host name of the configuration (the POP3 and
// SMTP servers) becomes addresses here, before TcpChannel connects. The product asks the
// system resolver; a hosts table answers for the names it holds, so a test or a scenario
// gives the connector its own hosts data and no query ever leaves the machine.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace maillab::connector {

// The name is not known (Winsock's WSAHOST_NOT_FOUND, 11001).
class HostNotFound : public std::runtime_error {
 public:
  explicit HostNotFound(const std::string& host);
  const std::string& host() const { return host_; }

 private:
  std::string host_;
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // The numeric addresses of `host` ("127.0.0.1", "::1"), at least one; an address
  // literal is its own answer, without a lookup. Throws HostNotFound.
  virtual std::vector<std::string> resolve(const std::string& host) = 0;
};

// getaddrinfo(), as the product resolves.
class SystemResolver final : public Resolver {
 public:
  std::vector<std::string> resolve(const std::string& host) override;
};
// One for the process (the default of TcpChannelFactory).
Resolver& system_resolver();

// A hosts file of the connector's own: names (any case) to one address each. A name it
// does not hold goes to `fallback`, or is not found when there is none: with no
// fallback, nothing is ever asked of DNS.
class HostsResolver final : public Resolver {
 public:
  explicit HostsResolver(std::map<std::string, std::string> table, Resolver* fallback = nullptr);
  std::vector<std::string> resolve(const std::string& host) override;
  // Adds or replaces one entry (a scenario's runner maps its simulated names).
  void add(const std::string& name, const std::string& address);

 private:
  std::map<std::string, std::string> table_;  // lower-case name -> address
  Resolver* fallback_;
};

// Whether `text` is an IPv4 or IPv6 address literal.
bool is_address_literal(const std::string& text);

}  // namespace maillab::connector
