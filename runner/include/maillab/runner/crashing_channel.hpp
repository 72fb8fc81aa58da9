#pragma once
// The connector's socket seam under a CrashPlan: each connect, write, line read and close
// is one operation the plan may end the process before, or fail with a connection reset.
// Operations are named by server and command ("smtp read 1 after text+dot") so a report
// can say where in the protocol a point lies.
#include <cstdint>
#include <string>

#include "maillab/connector/channel.hpp"
#include "maillab/runner/crash_plan.hpp"

namespace maillab::runner {

class CrashingChannelFactory final : public connector::ChannelFactory {
 public:
  // Connections to port `smtp_port` are named "smtp", the others "pop3".
  CrashingChannelFactory(connector::ChannelFactory& inner, CrashPlan& plan, std::uint16_t smtp_port)
      : inner_(inner), plan_(plan), smtp_port_(smtp_port) {}
  std::unique_ptr<connector::Channel> connect(const HostPort& to, const connector::ChannelOptions& options) override;

 private:
  connector::ChannelFactory& inner_;
  CrashPlan& plan_;
  std::uint16_t smtp_port_;
};

// What a write holds, for naming the operations: "RETR", "MAIL+2" (a pipelined batch of
// three commands), "text" (message text), "text+dot" (ending with the final dot).
std::string name_of_write(std::string_view bytes);

}  // namespace maillab::runner
