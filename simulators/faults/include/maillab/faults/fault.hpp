#pragma once
// A fault is one small object with one job (like a Toxiproxy toxic), chosen by a
// Trigger and applied at one seam of a simulator:
//   Reply    — the reply a session is about to send (override, delay, drop, throttle);
//   Content  — the text of a message as the server serves it (corruption);
//   Maildrop — the account as a session logs on (credentials refused, competing client,
//              hidden drop), for every authentication mechanism alike;
//   Listener — whether the server accepts connections at all;
//   World    — a named setting of the simulated world (SMTP: the Exchange side), overriding
//              its configuration while the fault is installed;
//   TLS      — what a server offers and shows for TLS: STLS/STARTTLS advertised or not (as
//              the session answers), the certificate, the protocol versions, and whether
//              the handshake happens at all (as the shell starts it).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <map>

namespace maillab::faults {

// What a session tells the fault table about the moment a fault may act on.
struct Event {
  std::string_view verb;  // upper-case command, or "connect" (greeting) or "." (end of data)
  int message = 0;        // the message number the command names; 0 when none
  std::string_view user;  // announced or authenticated user; may be empty
  std::string_view sender = {};  // SMTP: the envelope sender of the transaction
  // SMTP, at "." and BDAT: the transaction's envelope recipients; null elsewhere.
  const std::vector<std::string>* recipients = nullptr;
};

// Precedence of outcomes, weakest first; the strongest firing fault wins (smtp-sink's order).
enum class Rank { Normal, Delay, SoftError, HardError, ErrorAndClose, Disconnect };

// How strong a reply text is: "+OK"/2xx/3xx normal, "-ERR [SYS/TEMP]"/"-ERR [IN-USE]"/4xx
// soft, other "-ERR"/5xx hard, SMTP 421 error-and-close.
Rank classify_reply(std::string_view text);

enum class Drop { None, CloseBefore, ResetBefore, CloseAfter, ResetAfter, Stall };

struct Verdict {
  Rank rank = Rank::Normal;
  std::chrono::milliseconds delay{0};
  std::optional<std::string> reply;  // replaces the reply's status line (no CRLF)
  bool close_after_reply = false;
  Drop drop = Drop::None;
  // With CloseAfter/ResetAfter: only this many bytes of the reply go out first.
  std::optional<std::uint64_t> cut_after_bytes;
  std::uint64_t bytes_per_second = 0;  // 0: unlimited
};

enum class Layer { Reply, Content, Maildrop, Listener, World, Tls };

// What the TLS layer does to one connection. Offer faults are asked when a session would
// offer STLS/STARTTLS (CAPA, EHLO, the command itself); Handshake faults when the shell
// starts a handshake (event verb "handshake").
enum class TlsStage { Offer, Handshake };
struct TlsPlan {
  enum class Certificate { Good, Expired, NotYetValid, SelfSigned, WrongHost, NewEachSession };
  enum class Handshake { Normal, Reset, Stall };
  bool not_offered = false;                   // Offer: STLS/STARTTLS is not offered
  Certificate certificate = Certificate::Good;
  bool tls10_only = false;                    // only TLS 1.0 (with its old ciphers) is spoken
  Handshake handshake = Handshake::Normal;
};

struct Trigger {
  std::string verb = "*";            // "*" matches every verb
  int message = 0;                   // 0 matches every message
  std::string user;                  // "" matches every user
  std::string sender;                // glob ('*' any run) on the envelope sender; "" any
  std::string recipient;             // glob on any envelope recipient (SMTP "." and BDAT); "" any
  std::optional<std::uint64_t> nth;  // only the Nth matching occurrence (1-based)
  std::optional<std::uint64_t> times;  // at most this many firings
  double probability = 1.0;
  std::uint64_t seed = 1;
};

// What the Maildrop layer does to a maildrop as a session locks it.
struct MaildropPlan {
  bool reject_login = false;                // the credentials are refused, right or wrong
  bool hide_all = false;                    // the session sees an empty drop
  std::optional<std::uint64_t> take;        // a competing client takes this many (0: all) first
};

class Fault {
 public:
  explicit Fault(Trigger trigger);
  virtual ~Fault() = default;
  Fault(const Fault&) = delete;
  Fault& operator=(const Fault&) = delete;

  virtual std::string_view kind() const = 0;
  virtual Layer layer() const { return Layer::Reply; }
  virtual void apply(Verdict&) const {}
  virtual void corrupt(std::string&) const {}
  virtual void plan(MaildropPlan&) const {}
  virtual TlsStage tls_stage() const { return TlsStage::Handshake; }
  virtual void tls(TlsPlan&) const {}
  virtual void setting(std::string& key, std::string& value) const {
    (void)key;
    (void)value;
  }
  // Parameters of this kind, for listings ("text=-ERR ...").
  virtual std::string parameters() const { return {}; }

  const Trigger& trigger() const { return trigger_; }
  std::string describe() const;
  std::uint64_t fired() const { return fired_; }

  // Counts a matching occurrence and draws the probability; not thread-safe on its own
  // (the FaultTable serialises calls).
  bool fires(const Event& event);
  bool matches(const Event& event) const;

 private:
  Trigger trigger_;
  std::uint64_t seen_ = 0;
  std::uint64_t fired_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace maillab::faults
