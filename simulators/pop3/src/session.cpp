#include "maillab/pop3/session.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "maillab/base/ascii.hpp"
#include "maillab/base/codec.hpp"
#include "maillab/net/reply_emitter.hpp"
#include "maillab/pop3/replies.hpp"
#include "maillab/pop3/wire.hpp"

namespace maillab::pop3 {
namespace {

using ascii::upper;

bool is_digits(std::string_view s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Of digits only (is_digits checked), without a temporary string per command.
std::uint64_t number_of(std::string_view digits) {
  std::uint64_t n = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return n;
}

bool takes_message_number(std::string_view verb) {
  return verb == "RETR" || verb == "TOP" || verb == "DELE" || verb == "LIST" || verb == "UIDL";
}

std::shared_ptr<const std::string> shared(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

}  // namespace

Session::Session(const SessionConfig& config, Mailboxes& mailboxes, faults::FaultTable& faults, std::uint64_t id,
                 std::shared_ptr<net::Transcript> transcript)
    : config_(config),
      mailboxes_(mailboxes),
      faults_(faults),
      id_(id),
      transcript_(transcript ? std::move(transcript) : std::make_shared<net::Transcript>(id, config.transcript)),
      tls_active_(net::tls_active_from_start(config.tls)) {}

Session::~Session() { abort(); }

void Session::abort() {
  if (maildrop_) maildrop_->unlock(id_);
  maildrop_.reset();
  state_ = State::Closed;
}

std::vector<Action> Session::start() {
  std::vector<Action> out;
  timestamp_ = "<" + std::to_string(id_) + "." + config_.apop_nonce + "@" + config_.hostname + ">";
  auto verdict = faults_.on_reply({"connect", 0, {}});
  Reply banner{config_.banner.empty() ? std::string(reply::kBanner) : config_.banner};
  if (config_.apop) banner.status += " " + timestamp_;
  emit(std::move(banner), verdict, out);
  return out;
}

void Session::secured() {
  tls_active_ = true;
  upgrading_ = false;
  buffer_.clear();
  pending_.clear();
  discarding_ = false;
  sasl_ = Sasl::None;
  have_user_ = false;
  user_.clear();
}

std::vector<Action> Session::feed(std::string_view bytes) {
  std::vector<Action> out;
  // RFC 3207 4.2 (and RFC 2595): bytes sent after STLS, before the handshake, are not
  // commands of the TLS session; they are dropped, never replayed after it.
  if (upgrading_) return out;
  if (waiting_) {
    pending_.append(bytes);
    return out;
  }
  std::size_t pos = 0;
  while (pos < bytes.size() && !finished() && !waiting_ && !upgrading_) {
    auto nl = bytes.find('\n', pos);
    if (discarding_) {
      if (nl == std::string_view::npos) return out;
      discarding_ = false;
      pos = nl + 1;
      continue;
    }
    if (nl == std::string_view::npos) {
      buffer_.append(bytes.substr(pos));
      if (buffer_.size() > config_.max_line) {
        buffer_.clear();
        discarding_ = true;
        transcript_->add('C', "[line longer than " + std::to_string(config_.max_line) + " octets]");
        emit(Reply{std::string(reply::kLineTooLong), nullptr, false, true}, {}, out);
      }
      return out;
    }
    buffer_.append(bytes.substr(pos, nl + 1 - pos));
    pos = nl + 1;
    if (buffer_.size() > config_.max_line) {
      buffer_.clear();
      transcript_->add('C', "[line longer than " + std::to_string(config_.max_line) + " octets]");
      emit(Reply{std::string(reply::kLineTooLong), nullptr, false, true}, {}, out);
      continue;
    }
    std::string text = std::move(buffer_);
    buffer_.clear();
    text.pop_back();  // LF
    if (!text.empty() && text.back() == '\r') text.pop_back();
    line(text, out);
  }
  if (waiting_ && !upgrading_) pending_.append(bytes.substr(pos));
  return out;
}

void Session::line(std::string_view text, std::vector<Action>& out) {
  transcript_->client(text, sasl_ == Sasl::None ? net::ClientLine::Command : net::ClientLine::SaslResponse);
  if (net::has_control_chars(text)) {
    sasl_ = Sasl::None;
    emit(Reply{std::string(reply::kBadCharacters), nullptr, false, true}, {}, out);
    return;
  }
  std::string verb;
  std::string_view args;
  if (sasl_ != Sasl::None) {
    verb = "AUTH";
  } else {
    auto space = text.find(' ');
    verb = upper(text.substr(0, space));
    if (space != std::string_view::npos) args = text.substr(space + 1);
    // PASS takes the rest of the line as it is: a password may end in a space.
    if (verb != "PASS") args = trim_right(args);
  }
  int number = 0;
  if (takes_message_number(verb)) {
    auto first = args.substr(0, args.find(' '));
    if (is_digits(first)) number = static_cast<int>(number_of(first));
  }
  auto verdict = faults_.on_reply({verb, number, user_});
  if (net::verdict_answers(verdict)) {
    sasl_ = Sasl::None;
    emit(Reply(), verdict, out);
    return;
  }
  emit(sasl_ != Sasl::None ? sasl_step(text) : dispatch(verb, args), verdict, out);
}

void Session::emit(Reply r, const faults::Verdict& v, std::vector<Action>& out) {
  if (r.work) return defer(std::move(r.work), v, out);
  switch (net::emit_reply({r.status + "\r\n", r.body, r.close}, v, *transcript_, out)) {
    case net::After::Closed:
      abort();
      return;
    case net::After::Stalled:
      stalled_ = true;
      return;
    case net::After::Continue:
      break;
  }
  if (r.start_tls) out.emplace_back(Action::Kind::StartTls);
  if (r.protocol_error && !net::verdict_answers(v) && ++errors_ >= config_.max_errors) error_limit(out);
}

void Session::defer(Work work, const faults::Verdict& v, std::vector<Action>& out) {
  waiting_ = true;
  auto finish = std::make_shared<std::function<Reply()>>();
  Action a(Action::Kind::Work);
  a.job = [work = std::move(work), finish] {
    *finish = work();
    return std::string();
  };
  a.then = [this, finish, v](const std::string&) {
    std::vector<Action> more;
    waiting_ = false;
    if (state_ == State::Closed) return more;  // aborted meanwhile: nothing to say, no one to hear
    emit((*finish)(), v, more);
    if (!waiting_ && !pending_.empty()) {
      std::string rest = std::move(pending_);
      pending_.clear();
      for (auto& a2 : feed(rest)) more.push_back(std::move(a2));
    }
    return more;
  };
  out.push_back(std::move(a));
}

void Session::error_limit(std::vector<Action>& out) {
  transcript_->add('S', std::string(reply::kTooManyErrors));
  out.emplace_back(Action::Kind::Send, std::string(reply::kTooManyErrors) + "\r\n");
  out.emplace_back(Action::Kind::Close);
  abort();
}

Session::Reply Session::dispatch(const std::string& verb, std::string_view args) {
  using Handler = Reply (Session::*)(std::string_view);
  struct Entry {
    std::string_view verb;
    Handler handler;
    bool in_authorization;
    bool in_transaction;
  };
  static constexpr Entry kTable[] = {
      {"USER", &Session::handle_USER, true, false}, {"PASS", &Session::handle_PASS, true, false},
      {"APOP", &Session::handle_APOP, true, false}, {"AUTH", &Session::handle_AUTH, true, false},
      {"CAPA", &Session::handle_CAPA, true, true},  {"QUIT", &Session::handle_QUIT, true, true},
      {"STAT", &Session::handle_STAT, false, true}, {"LIST", &Session::handle_LIST, false, true},
      {"RETR", &Session::handle_RETR, false, true}, {"TOP", &Session::handle_TOP, false, true},
      {"DELE", &Session::handle_DELE, false, true}, {"NOOP", &Session::handle_NOOP, false, true},
      {"RSET", &Session::handle_RSET, false, true}, {"UIDL", &Session::handle_UIDL, false, true},
      {"STLS", &Session::handle_STLS, true, false},
  };
  for (const auto& e : kTable) {
    if (e.verb != verb) continue;
    // A server without TLS, or one whose offer a fault withdrew, does not know STLS.
    if (verb == "STLS" && (config_.tls == net::TlsMode::Off || (!tls_active_ && !offers_tls(verb)))) break;
    bool allowed = state_ == State::Authorization ? e.in_authorization : e.in_transaction;
    if (!allowed) return Reply{std::string(reply::kWrongState), nullptr, false, true};
    if (refused_before_tls(verb)) return Reply{std::string(reply::kTlsRequired)};
    return (this->*e.handler)(args);
  }
  return Reply{std::string(reply::kUnknownCommand), nullptr, false, true};
}

// ---- AUTHORIZATION ----------------------------------------------------------------

bool Session::refused_before_tls(std::string_view verb) const {
  return config_.tls == net::TlsMode::Required && !tls_active_ &&
         (verb == "USER" || verb == "PASS" || verb == "APOP" || verb == "AUTH");
}

bool Session::offers_tls(std::string_view verb) const {
  if (tls_active_ || (config_.tls != net::TlsMode::Offered && config_.tls != net::TlsMode::Required)) return false;
  return !faults_.on_tls({verb, 0, user_}, faults::TlsStage::Offer).not_offered;
}

Session::Reply Session::handle_STLS(std::string_view args) {
  if (tls_active_) return Reply{std::string(reply::kTlsActive), nullptr, false, true};
  if (!args.empty()) return Reply{std::string(reply::kSyntax), nullptr, false, true};
  upgrading_ = true;
  Reply ok{std::string(reply::kStlsOk)};
  ok.start_tls = true;
  return ok;
}

Session::Reply Session::handle_USER(std::string_view args) {
  if (!config_.user_pass) return Reply{std::string(reply::kUserDisabled), nullptr, false, true};
  if (args.empty() || args.find(' ') != std::string_view::npos)
    return Reply{std::string(reply::kSyntax), nullptr, false, true};
  user_ = std::string(args);
  have_user_ = true;
  return Reply{std::string(reply::kUserOk)};
}

Session::Reply Session::handle_PASS(std::string_view args) {
  if (!config_.user_pass) return Reply{std::string(reply::kUserDisabled), nullptr, false, true};
  if (!have_user_) return Reply{std::string(reply::kPassWithoutUser), nullptr, false, true};
  have_user_ = false;
  return log_on(user_, args, false);
}

Session::Reply Session::handle_APOP(std::string_view args) {
  if (!config_.apop) return Reply{std::string(reply::kApopDisabled), nullptr, false, true};
  auto space = args.find(' ');
  if (space == std::string_view::npos || space == 0 || args.size() - space - 1 != 32)
    return Reply{std::string(reply::kSyntax), nullptr, false, true};
  std::string digest = ascii::lower(args.substr(space + 1));
  return log_on(std::string(args.substr(0, space)), digest, true);
}

Session::Reply Session::handle_AUTH(std::string_view args) {
  if (args.empty()) {
    return Reply{std::string(reply::kAuthMechanisms), shared("PLAIN\r\nLOGIN\r\n.\r\n")};
  }
  auto space = args.find(' ');
  std::string mech = upper(args.substr(0, space));
  std::string_view initial = space == std::string_view::npos ? std::string_view{} : args.substr(space + 1);
  if (mech == "PLAIN") {
    sasl_ = Sasl::PlainResponse;
    return initial.empty() ? Reply{std::string(reply::kAuthContinue)} : sasl_step(initial);
  }
  if (mech == "LOGIN") {
    sasl_ = Sasl::LoginUser;
    return initial.empty() ? Reply{std::string(reply::kAuthLoginUser)} : sasl_step(initial);
  }
  return Reply{std::string(reply::kAuthUnknownMechanism), nullptr, false, true};
}

Session::Reply Session::sasl_step(std::string_view text) {
  Sasl step = sasl_;
  sasl_ = Sasl::None;
  if (text == "*") return Reply{std::string(reply::kAuthCancelled)};
  auto decoded = text == "=" ? std::optional<std::string>("") : base64_decode(text);
  if (!decoded) return Reply{std::string(reply::kAuthBadBase64), nullptr, false, true};
  switch (step) {
    case Sasl::PlainResponse: {
      auto first = decoded->find('\0');
      auto second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
      if (second == std::string::npos) return Reply{std::string(reply::kLogonFailure), nullptr, false, true};
      std::string authzid = decoded->substr(0, first);
      std::string authcid = decoded->substr(first + 1, second - first - 1);
      if (!authzid.empty() && authzid != authcid)
        return Reply{std::string(reply::kLogonFailure), nullptr, false, true};
      return log_on(authcid, std::string_view(*decoded).substr(second + 1), false);
    }
    case Sasl::LoginUser:
      user_ = *decoded;
      sasl_ = Sasl::LoginPass;
      return Reply{std::string(reply::kAuthLoginPass)};
    case Sasl::LoginPass:
      return log_on(user_, *decoded, false);
    case Sasl::None:
      break;
  }
  return Reply{std::string(reply::kAuthCancelled)};
}

Session::Reply Session::log_on(const std::string& user, std::string_view secret, bool apop_digest) {
  auto md = mailboxes_.find(user);
  bool ok = md && (apop_digest ? md5_hex(timestamp_ + md->password()) == secret : md->check_password(secret));
  auto plan = faults_.on_lock({"PASS", 0, user});
  if (!ok || plan.reject_login) return Reply{std::string(reply::kLogonFailure), nullptr, false, true};
  if (!md->try_lock(id_)) return Reply{std::string(reply::kInUse)};
  maildrop_ = md;  // abort() gives the lock back even while the scan runs
  Reply scan;
  scan.work = [this, md, plan, user, &faults = faults_]() -> std::function<Reply()> {
    std::optional<std::vector<Message>> messages;
    try {
      if (plan.take) md->take(*plan.take, id_);
      auto stored = md->snapshot();
      if (plan.hide_all) stored.clear();
      messages = read_messages(std::move(stored), faults, user);
    } catch (const std::exception&) {
      // The maildrop cannot be read: the continuation says so.
    }
    return [this, user, messages = std::move(messages)]() mutable { return logged_on(user, std::move(messages)); };
  };
  return scan;
}

std::vector<Session::Message> Session::read_messages(std::vector<StoredMessage> stored, faults::FaultTable& faults,
                                                     const std::string& user) {
  std::vector<Message> messages;
  messages.reserve(stored.size());
  bool content_faults = !faults.empty();
  for (std::size_t k = 0; k < stored.size(); ++k) {
    auto size = stored[k].size;
    Message m{std::move(stored[k]), nullptr, size};
    if (content_faults) {
      try {
        std::string original = m.stored.text();
        std::string text = original;
        faults.on_content({"RETR", static_cast<int>(k + 1), user}, text);
        if (text != original) {
          m.size = text.size();
          m.corrupted = shared(to_wire(text));
        }
      } catch (const std::exception&) {
        // Unreadable now; RETR will say so.
      }
    }
    messages.push_back(std::move(m));
  }
  return messages;
}

Session::Reply Session::logged_on(const std::string& user, std::optional<std::vector<Message>> messages) {
  if (!messages) {
    maildrop_->unlock(id_);
    maildrop_.reset();
    return Reply{std::string(reply::kMaildropUnreadable)};
  }
  messages_ = std::move(*messages);
  user_ = user;
  state_ = State::Transaction;
  return Reply{std::string(reply::kLogonOk)};
}

// ---- TRANSACTION ------------------------------------------------------------------

std::size_t Session::drop_count() const {
  return static_cast<std::size_t>(std::count_if(messages_.begin(), messages_.end(), [](auto& m) { return !m.deleted; }));
}

std::uint64_t Session::drop_size() const {
  std::uint64_t total = 0;
  for (auto& m : messages_)
    if (!m.deleted) total += m.size;
  return total;
}

Session::Message* Session::message_arg(std::string_view arg, Reply& error) {
  if (!is_digits(arg)) {
    error = Reply{std::string(reply::kSyntax), nullptr, false, true};
    return nullptr;
  }
  auto n = number_of(arg);
  if (n == 0 || n > messages_.size()) {
    error = Reply{std::string(reply::kNoSuchMessage)};
    return nullptr;
  }
  if (messages_[n - 1].deleted) {
    error = Reply{std::string(reply::kAlreadyDeleted)};
    return nullptr;
  }
  return &messages_[n - 1];
}

Session::Reply Session::handle_STAT(std::string_view args) {
  if (!args.empty()) return Reply{std::string(reply::kSyntax), nullptr, false, true};
  return Reply{"+OK " + std::to_string(drop_count()) + " " + std::to_string(drop_size())};
}

Session::Reply Session::handle_LIST(std::string_view args) {
  if (!args.empty()) {
    Reply error;
    auto* m = message_arg(args, error);
    if (!m) return error;
    return Reply{"+OK " + std::string(args) + " " + std::to_string(m->size)};
  }
  std::string body;
  for (std::size_t k = 0; k < messages_.size(); ++k)
    if (!messages_[k].deleted) body += std::to_string(k + 1) + " " + std::to_string(messages_[k].size) + "\r\n";
  body += ".\r\n";
  return Reply{"+OK " + std::to_string(drop_count()) + " messages (" + std::to_string(drop_size()) + " octets)",
               shared(std::move(body))};
}

Session::Reply Session::handle_RETR(std::string_view args) {
  Reply error;
  auto* m = message_arg(args, error);
  if (!m) return error;
  return serve(*m, std::nullopt);
}

Session::Reply Session::handle_TOP(std::string_view args) {
  auto space = args.find(' ');
  if (space == std::string_view::npos || !is_digits(args.substr(space + 1)))
    return Reply{std::string(reply::kSyntax), nullptr, false, true};
  Reply error;
  auto* m = message_arg(args.substr(0, space), error);
  if (!m) return error;
  return serve(*m, number_of(args.substr(space + 1)));
}

Session::Reply Session::serve(const Message& m, std::optional<std::uint64_t> top_lines) {
  if (auto wire = m.wire()) return serve_wire(std::move(wire), m.size, top_lines);
  Reply read;
  read.work = [stored = m.stored, size = m.size, top_lines]() -> std::function<Reply()> {
    try {
      return [wire = stored.load(), size, top_lines] { return serve_wire(wire, size, top_lines); };
    } catch (const std::exception&) {
      return [] { return Reply{std::string(reply::kMessageUnreadable)}; };
    }
  };
  return read;
}

Session::Reply Session::serve_wire(std::shared_ptr<const std::string> wire, std::uint64_t size,
                                   std::optional<std::uint64_t> top_lines) {
  if (!top_lines) return Reply{std::string(reply::kRetrOk), std::move(wire)};
  return Reply{std::string(reply::kTopOk), shared(top_of(from_wire(*wire, size), *top_lines))};
}

Session::Reply Session::handle_DELE(std::string_view args) {
  Reply error;
  auto* m = message_arg(args, error);
  if (!m) return error;
  m->deleted = true;
  return Reply{"+OK message " + std::string(args) + " deleted"};
}

Session::Reply Session::handle_NOOP(std::string_view args) {
  if (!args.empty()) return Reply{std::string(reply::kSyntax), nullptr, false, true};
  return Reply{std::string(reply::kNoop)};
}

Session::Reply Session::handle_RSET(std::string_view args) {
  if (!args.empty()) return Reply{std::string(reply::kSyntax), nullptr, false, true};
  for (auto& m : messages_) m.deleted = false;
  return Reply{"+OK maildrop has " + std::to_string(drop_count()) + " messages (" + std::to_string(drop_size()) +
               " octets)"};
}

Session::Reply Session::handle_UIDL(std::string_view args) {
  if (!args.empty()) {
    Reply error;
    auto* m = message_arg(args, error);
    if (!m) return error;
    return Reply{"+OK " + std::string(args) + " " + m->stored.uid};
  }
  std::string body;
  for (std::size_t k = 0; k < messages_.size(); ++k)
    if (!messages_[k].deleted) body += std::to_string(k + 1) + " " + messages_[k].stored.uid + "\r\n";
  body += ".\r\n";
  return Reply{std::string(reply::kUidlFollows), shared(std::move(body))};
}

Session::Reply Session::handle_CAPA(std::string_view args) {
  if (!args.empty()) return Reply{std::string(reply::kSyntax), nullptr, false, true};
  // Before a required STLS only STLS logs on, so USER and SASL are not listed yet.
  bool offer_tls = offers_tls("CAPA");
  bool logon_now = !refused_before_tls("USER");
  std::string body = "TOP\r\nUIDL\r\n";
  if (config_.user_pass && logon_now) body += "USER\r\n";
  if (logon_now) body += "SASL PLAIN LOGIN\r\n";
  if (offer_tls) body += "STLS\r\n";
  body += "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nEXPIRE NEVER\r\nIMPLEMENTATION maillab\r\n.\r\n";
  return Reply{std::string(reply::kCapa), shared(std::move(body))};
}

Session::Reply Session::handle_QUIT(std::string_view args) {
  if (!args.empty()) return Reply{std::string(reply::kSyntax), nullptr, false, true};
  if (state_ == State::Authorization) return Reply{std::string(reply::kQuit), nullptr, true};
  state_ = State::Update;
  std::vector<std::string> uids;
  for (auto& m : messages_)
    if (m.deleted) uids.push_back(m.stored.uid);
  if (uids.empty()) return Reply{std::string(reply::kQuit), nullptr, true};
  Reply update;
  update.work = [md = maildrop_, uids = std::move(uids), id = id_]() -> std::function<Reply()> {
    bool ok = md->commit(uids, id, DepartureReason::Retrieved);
    return [ok] { return Reply{std::string(ok ? reply::kQuit : reply::kUpdateFailed), nullptr, true}; };
  };
  return update;
}

}  // namespace maillab::pop3
