#include "maillab/runner/crashing_channel.hpp"

#include <algorithm>
#include <cctype>

namespace cn = maillab::connector;

namespace maillab::runner {
namespace {

class CrashingChannel final : public cn::Channel {
 public:
  CrashingChannel(std::unique_ptr<cn::Channel> inner, CrashPlan& plan, std::string server)
      : inner_(std::move(inner)), plan_(plan), server_(std::move(server)) {}
  void write(std::string_view bytes) override {
    last_write_ = name_of_write(bytes);
    reads_ = 0;
    plan_.before(Seam::Channel, server_ + " write " + last_write_);
    inner_->write(bytes);
  }
  std::string_view read_line() override {
    plan_.before(Seam::Channel, server_ + " read " + std::to_string(++reads_) + " after " + last_write_);
    return inner_->read_line();
  }
  void start_tls() override {
    plan_.before(Seam::Channel, server_ + " start_tls after " + last_write_);
    inner_->start_tls();
  }
  void close() override {
    plan_.before(Seam::Channel, server_ + " close", false);  // TcpChannel's close reports nothing
    inner_->close();
  }

 private:
  std::unique_ptr<cn::Channel> inner_;
  CrashPlan& plan_;
  std::string server_;
  std::string last_write_ = "connect";
  int reads_ = 0;
};

}  // namespace

std::string name_of_write(std::string_view bytes) {
  if (bytes == ".\r\n" || bytes.ends_with("\r\n.\r\n")) return "text+dot";
  auto eol = bytes.find("\r\n");
  auto first = bytes.substr(0, std::min(bytes.find(' '), eol));
  bool command = !first.empty() && first.size() <= 8 &&
                 std::all_of(first.begin(), first.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  if (!command) return "text";
  auto lines = std::count(bytes.begin(), bytes.end(), '\n');
  return std::string(first) + (lines > 1 ? "+" + std::to_string(lines - 1) : "");
}

std::unique_ptr<cn::Channel> CrashingChannelFactory::connect(const HostPort& to, const cn::ChannelOptions& options) {
  std::string server = to.port == smtp_port_ ? "smtp" : "pop3";
  plan_.before(Seam::Channel, server + " connect");
  return std::make_unique<CrashingChannel>(inner_.connect(to, options), plan_, server);
}

}  // namespace maillab::runner
