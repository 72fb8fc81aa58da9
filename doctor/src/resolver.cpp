#include <netdb.h>
#include <sys/socket.h>

#include <array>

#include "maillab/doctor/probes.hpp"

namespace maillab::doctor {
namespace {

class SystemResolver final : public Resolver {
 public:
  std::vector<std::string> resolve(const std::string& host) override {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return {};
    std::vector<std::string> out;
    for (auto* a = found; a; a = a->ai_next) {
      std::array<char, NI_MAXHOST> text{};
      if (getnameinfo(a->ai_addr, a->ai_addrlen, text.data(), text.size(), nullptr, 0, NI_NUMERICHOST) == 0)
        out.emplace_back(text.data());
    }
    freeaddrinfo(found);
    return out;
  }
};

}  // namespace

std::unique_ptr<Resolver> system_resolver() { return std::make_unique<SystemResolver>(); }

}  // namespace maillab::doctor
