#pragma once
// The primitive fault kinds. Each does one thing; presets combine them.
#include <memory>
#include <string>

#include "maillab/faults/corruption.hpp"
#include "maillab/faults/fault.hpp"

namespace maillab::faults {

// How strong a reply text is: "+OK"/2xx/3xx normal, "-ERR [SYS/TEMP]"/"-ERR [IN-USE]"/4xx
// soft, other "-ERR"/5xx hard, SMTP 421 error-and-close.
Rank classify_reply(std::string_view text);

class ReplyOverride final : public Fault {
 public:
  ReplyOverride(Trigger t, std::string text, bool close);
  std::string_view kind() const override { return "reply"; }
  void apply(Verdict& v) const override;
  std::string parameters() const override;

 private:
  std::string text_;
  bool close_;
};

class Delay final : public Fault {
 public:
  Delay(Trigger t, std::chrono::milliseconds ms) : Fault(std::move(t)), ms_(ms) {}
  std::string_view kind() const override { return "delay"; }
  void apply(Verdict& v) const override;
  std::string parameters() const override { return "ms=" + std::to_string(ms_.count()); }

 private:
  std::chrono::milliseconds ms_;
};

class Bandwidth final : public Fault {
 public:
  Bandwidth(Trigger t, std::uint64_t bps) : Fault(std::move(t)), bps_(bps) {}
  std::string_view kind() const override { return "bandwidth"; }
  void apply(Verdict& v) const override;
  std::string parameters() const override { return "bps=" + std::to_string(bps_); }

 private:
  std::uint64_t bps_;
};

// Closes (FIN) or resets (RST) the connection before or after the reply; with
// `cut_after` only that many bytes of the reply are sent first.
class Disconnect final : public Fault {
 public:
  Disconnect(Trigger t, bool reset, bool after, std::optional<std::uint64_t> cut_after);
  std::string_view kind() const override { return reset_ ? "reset" : "disconnect"; }
  void apply(Verdict& v) const override;
  std::string parameters() const override;

 private:
  bool reset_;
  bool after_;
  std::optional<std::uint64_t> cut_after_;
};

// Never answers: the session stops replying and keeps the connection open.
class Stall final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "stall"; }
  void apply(Verdict& v) const override;
};

// The listener stops accepting: connections are refused (RST) while this is installed.
class Refuse final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "refuse"; }
  Layer layer() const override { return Layer::Listener; }
};

class Corrupt final : public Fault {
 public:
  Corrupt(Trigger t, Corruption how) : Fault(std::move(t)), how_(how) {}
  std::string_view kind() const override { return "corrupt"; }
  Layer layer() const override { return Layer::Content; }
  void corrupt(std::string& text) const override { apply_corruption(how_, text); }
  std::string parameters() const override { return "kind=" + std::string(corruption_name(how_)); }

 private:
  Corruption how_;
};

// Another POP3 client that logs on just before the session and takes (RETR, DELE,
// QUIT) `take` messages, or all of them when take is 0.
class CompetingClient final : public Fault {
 public:
  CompetingClient(Trigger t, std::uint64_t take) : Fault(std::move(t)), take_(take) {}
  std::string_view kind() const override { return "competing-client"; }
  Layer layer() const override { return Layer::Maildrop; }
  void plan(MaildropPlan& p) const override;
  std::string parameters() const override { return take_ ? "take=" + std::to_string(take_) : "take=all"; }

 private:
  std::uint64_t take_;
};

// The server refuses the credentials (USER/PASS, APOP and SASL alike): a wrong password
// as the ISP sees it.
class RejectLogin final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "reject-login"; }
  Layer layer() const override { return Layer::Maildrop; }
  void plan(MaildropPlan& p) const override { p.reject_login = true; }
};

// Overrides one named setting of the simulated world while installed ("anonymous-access"
// = "off", "profile" = "iis", ...); what the names mean is the simulator's business.
class WorldSetting final : public Fault {
 public:
  WorldSetting(Trigger t, std::string key, std::string value)
      : Fault(std::move(t)), key_(std::move(key)), value_(std::move(value)) {}
  std::string_view kind() const override { return "world"; }
  Layer layer() const override { return Layer::World; }
  void setting(std::string& key, std::string& value) const override {
    key = key_;
    value = value_;
  }
  std::string parameters() const override { return "set=" + key_ + ",value=" + value_; }

 private:
  std::string key_;
  std::string value_;
};

// The session logs on to a drop that looks empty (wrong mailbox behind the account);
// the messages stay where they are.
class HideDrop final : public Fault {
 public:
  using Fault::Fault;
  std::string_view kind() const override { return "hide-drop"; }
  Layer layer() const override { return Layer::Maildrop; }
  void plan(MaildropPlan& p) const override { p.hide_all = true; }
};

}  // namespace maillab::faults
