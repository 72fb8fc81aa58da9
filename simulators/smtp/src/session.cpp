#include "maillab/smtp/session.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "maillab/base/ascii.hpp"
#include "maillab/base/codec.hpp"
#include "maillab/net/reply_emitter.hpp"
#include "maillab/smtp/replies.hpp"

namespace maillab::smtp {
namespace {

using ascii::upper;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    auto next = s.find(' ', pos);
    if (next == std::string_view::npos) next = s.size();
    if (next > pos) out.push_back(s.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

// "FROM:<a@b> K=V ..." -> the address and the parameters; nullopt when malformed.
// Spaces after the colon are tolerated: seed 004's connector sends "MAIL FROM: <>".
struct PathArgs {
  std::string address;
  std::vector<std::pair<std::string, std::string>> params;
};
std::optional<PathArgs> parse_path(std::string_view args, std::string_view keyword) {
  if (args.size() < keyword.size() || upper(args.substr(0, keyword.size())) != keyword) return std::nullopt;
  args = trim(args.substr(keyword.size()));
  if (args.empty() || args.front() != '<') return std::nullopt;
  auto close = args.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  PathArgs out;
  out.address = std::string(args.substr(1, close - 1));
  if (auto colon = out.address.find(':'); !out.address.empty() && out.address.front() == '@' && colon != std::string::npos)
    out.address = out.address.substr(colon + 1);  // a source route is ignored (RFC 5321 C)
  for (auto w : words(args.substr(close + 1))) {
    auto eq = w.find('=');
    out.params.emplace_back(upper(w.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(w.substr(eq + 1)));
  }
  return out;
}

bool valid_mailbox(std::string_view a) {
  auto at = a.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
         std::none_of(a.begin(), a.end(), [](char c) { return c == ' ' || c == '<' || c == '>' || c < 0x21; });
}

}  // namespace

Session::Session(const SessionConfig& config, World& world, faults::FaultTable& faults, std::uint64_t id,
                 net::Peer peer)
    : config_(config),
      world_(world),
      faults_(faults),
      peer_(std::move(peer)),
      transcript_(std::make_shared<net::Transcript>(id, config.transcript)),
      tls_active_(net::tls_active_from_start(config.tls)) {}

void Session::secured() {
  tls_active_ = true;
  upgrading_ = false;
  greeted_ = false;
  authenticated_ = false;
  user_.clear();
  auth_user_.clear();
  reset_transaction();
  mode_ = Mode::Command;
  buffer_.clear();
  discarding_ = false;
  line_flushed_ = false;
  bdat_refusal_.clear();
}

bool Session::offers_tls(std::string_view verb) const {
  if (tls_active_ || (config_.tls != net::TlsMode::Offered && config_.tls != net::TlsMode::Required)) return false;
  return !faults_.on_tls({verb, 0, user_}, faults::TlsStage::Offer).not_offered;
}

std::vector<Action> Session::start() {
  std::vector<Action> out;
  auto verdict = faults_.on_reply({"connect", 0, {}});
  respond(line(greeting(world_.profile(), world_.hostname())), verdict, out);
  return out;
}

std::vector<Action> Session::feed(std::string_view bytes) {
  std::vector<Action> out;
  // RFC 3207 4.2: bytes pipelined after STARTTLS, before the handshake, are dropped, never
  // taken as commands of the TLS session (the command injection of CVE-2011-0411).
  std::size_t pos = 0;
  while (pos < bytes.size() && !finished() && !upgrading_) {
    if (mode_ == Mode::Bdat) {
      auto n = std::min<std::uint64_t>(bdat_left_, bytes.size() - pos);
      add_data(bytes.substr(pos, n));
      pos += n;
      bdat_left_ -= n;
      if (bdat_left_ == 0) chunk_done(faults_.on_reply({"BDAT", 0, user_, envelope_.from, &envelope_.recipients}), out);
      continue;
    }
    if (mode_ == Mode::Data && buffer_.empty() && !line_flushed_ && bytes[pos] != '.') {
      // At a line's start, every line up to the next one that starts with "." (stuffed,
      // or the end of the data) goes into the message as it is, in one piece.
      auto dot = bytes.find("\n.", pos);
      auto last = dot != std::string_view::npos ? dot : bytes.rfind('\n');
      if (last != std::string_view::npos && last >= pos) {
        add_data(bytes.substr(pos, last + 1 - pos));
        pos = last + 1;
        continue;
      }
    }
    auto nl = bytes.find('\n', pos);
    if (mode_ == Mode::Data) {
      bool complete = nl != std::string_view::npos;
      auto end = complete ? nl + 1 : bytes.size();
      take_data_line(bytes.substr(pos, end - pos), complete, out);
      pos = end;
      continue;
    }
    if (discarding_) {
      if (nl == std::string_view::npos) break;
      discarding_ = false;
      pos = nl + 1;
      continue;
    }
    auto end = nl == std::string_view::npos ? bytes.size() : nl + 1;
    buffer_.append(bytes.substr(pos, end - pos));
    pos = end;
    if (buffer_.size() > config_.max_command_line) {
      buffer_.clear();
      discarding_ = nl == std::string_view::npos;
      transcript_->add('C', "[line longer than " + std::to_string(config_.max_command_line) + " octets]");
      respond(line(reply::kLineTooLong, true), {}, out);
      continue;
    }
    if (nl == std::string_view::npos) break;
    std::string text = std::move(buffer_);
    buffer_.clear();
    text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    command(text, out);
  }
  return out;
}

void Session::take_data_line(std::string_view segment, bool complete, std::vector<Action>& out) {
  // Data lines are not bounded like command lines; a long one streams into the message in
  // pieces, and only a line's first octet and a lone "." matter.
  static constexpr std::size_t kPiece = 4096;
  if (!complete) {
    buffer_.append(segment);
    if (buffer_.size() >= kPiece) {
      if (!line_flushed_ && buffer_.front() == '.') buffer_.erase(0, 1);
      add_data(buffer_);
      buffer_.clear();
      line_flushed_ = true;
    }
    return;
  }
  // The common case, a whole line in one read, is taken without a copy.
  std::string joined;
  std::string_view l = segment;
  if (!buffer_.empty()) {
    joined = std::move(buffer_);
    buffer_.clear();
    joined.append(segment);
    l = joined;
  }
  if (!line_flushed_ && (l == ".\r\n" || l == ".\n")) {
    mode_ = Mode::Command;
    end_of_message(out);
    return;
  }
  if (!line_flushed_ && !l.empty() && l.front() == '.') l.remove_prefix(1);
  line_flushed_ = false;
  add_data(l);
}

void Session::add_data(std::string_view bytes) {
  if (too_big_ || !bdat_refusal_.empty()) return;
  if (data_.size() + bytes.size() > size_limit_) {
    too_big_ = true;  // keep reading to the end, keep nothing, answer 552 then
    std::string().swap(data_);
    return;
  }
  data_.append(bytes);
}

void Session::end_of_message(std::vector<Action>& out) {
  ++messages_;
  auto verdict = faults_.on_reply({".", static_cast<int>(messages_), user_, envelope_.from, &envelope_.recipients});
  if (net::verdict_answers(verdict)) {
    reset_transaction();  // refused (or dropped) at the final dot: nothing is stored
    respond(Reply{}, verdict, out);
    return;
  }
  if (too_big_) {
    reset_transaction();
    respond(line(reply::kTooLarge), verdict, out);
    return;
  }
  // Storing touches the disk: it is Work for the transport (the session stays sans-I/O),
  // and the reply follows it.
  Action work(Action::Kind::Work);
  work.job = [&world = world_, envelope = std::move(envelope_), data = std::move(data_)]() -> std::string {
    try {
      return world.deliver(envelope, data);
    } catch (const std::exception&) {
      return {};
    }
  };
  work.then = [this, verdict](const std::string& id) {
    std::vector<Action> replies;
    respond(id.empty() ? line(reply::kLocalError)
                       : line("250 2.6.0 <" + id + "@" + world_.hostname() + "> Queued mail for delivery"),
            verdict, replies);
    return replies;
  };
  reset_transaction();
  out.push_back(std::move(work));
}

void Session::reset_transaction() {
  have_mail_ = false;
  envelope_ = Envelope{};
  std::string().swap(data_);
  too_big_ = false;
  bdat_ = false;
  bdat_left_ = 0;
  bdat_last_ = false;
}

void Session::respond(Reply r, const faults::Verdict& v, std::vector<Action>& out) {
  switch (net::emit_reply({r.text, nullptr, r.close}, v, *transcript_, out)) {
    case net::After::Closed:
      closed_ = true;
      return;
    case net::After::Stalled:
      stalled_ = true;
      return;
    case net::After::Continue:
      break;
  }
  if (r.start_tls) out.emplace_back(Action::Kind::StartTls);
  if (r.protocol_error && !net::verdict_answers(v) && ++errors_ >= config_.max_errors) {
    transcript_->add('S', std::string(reply::kTooManyErrors));
    out.emplace_back(Action::Kind::Send, std::string(reply::kTooManyErrors) + "\r\n");
    out.emplace_back(Action::Kind::Close);
    closed_ = true;
  }
}

void Session::command(std::string_view text, std::vector<Action>& out) {
  bool auth_data = mode_ == Mode::AuthPlain || mode_ == Mode::AuthLoginUser || mode_ == Mode::AuthLoginPass;
  transcript_->client(text, auth_data ? net::ClientLine::SaslResponse : net::ClientLine::Command);
  if (net::has_control_chars(text)) {
    mode_ = Mode::Command;
    respond(line(reply::kBadCharacters, true), {}, out);
    return;
  }
  std::string verb;
  std::string_view args;
  if (auth_data) {
    verb = "AUTH";
  } else {
    auto space = text.find(' ');
    verb = upper(text.substr(0, space));
    if (space != std::string_view::npos) args = trim(text.substr(space + 1));
  }
  auto verdict = faults_.on_reply({verb, 0, user_, envelope_.from});
  if (net::verdict_answers(verdict)) {
    if (auth_data) mode_ = Mode::Command;
    respond(Reply{}, verdict, out);
    return;
  }
  Reply r = auth_data ? auth_step(text) : dispatch(verb, args);
  if (!r.text.empty()) {
    respond(std::move(r), verdict, out);
  } else if (mode_ == Mode::Bdat && bdat_left_ == 0) {
    chunk_done(verdict, out);  // BDAT 0: nothing to read
  }
}

void Session::chunk_done(const faults::Verdict& verdict, std::vector<Action>& out) {
  mode_ = Mode::Command;
  if (!bdat_refusal_.empty()) {
    auto refusal = std::exchange(bdat_refusal_, {});
    respond(line(refusal, true), {}, out);
  } else if (bdat_last_) {
    end_of_message(out);
  } else {
    respond(line(reply::kChunkOk), verdict, out);
  }
}

Session::Reply Session::dispatch(const std::string& verb, std::string_view args) {
  using Handler = Reply (Session::*)(std::string_view);
  static constexpr std::pair<std::string_view, Handler> kTable[] = {
      {"HELO", &Session::handle_HELO}, {"EHLO", &Session::handle_EHLO}, {"MAIL", &Session::handle_MAIL},
      {"RCPT", &Session::handle_RCPT}, {"DATA", &Session::handle_DATA}, {"BDAT", &Session::handle_BDAT},
      {"RSET", &Session::handle_RSET}, {"NOOP", &Session::handle_NOOP}, {"QUIT", &Session::handle_QUIT},
      {"VRFY", &Session::handle_VRFY}, {"HELP", &Session::handle_HELP}, {"AUTH", &Session::handle_AUTH},
      {"ETRN", &Session::handle_ETRN}, {"STARTTLS", &Session::handle_STARTTLS},
  };
  if (config_.tls == net::TlsMode::Required && !tls_active_ && (verb == "MAIL" || verb == "AUTH"))
    return line(reply::kMustStartTls);
  for (const auto& [name, handler] : kTable)
    if (name == verb) return (this->*handler)(args);
  if (verb == "TURN" || verb == "ATRN" || verb == "EXPN") return line(reply::kNotImplemented);
  return line(reply::kUnrecognized, true);
}

Session::Reply Session::handle_HELO(std::string_view args) {
  if (args.empty() || args.find(' ') != std::string_view::npos) return line(reply::kSyntax, true);
  reset_transaction();
  greeted_ = true;
  return line("250 " + world_.hostname() + " Hello [" + peer_.address + "]");
}

Session::Reply Session::handle_EHLO(std::string_view args) {
  if (args.empty() || args.find(' ') != std::string_view::npos) return line(reply::kSyntax, true);
  reset_transaction();
  greeted_ = true;
  return Reply{multiline("250", ehlo_lines(world_.profile(), world_.hostname(), peer_.address, world_.size_limit(),
                                           offers_tls("EHLO")))};
}

Session::Reply Session::handle_MAIL(std::string_view args) {
  if (!greeted_) return line(reply::kHelloFirst, true);
  if (have_mail_) return line(reply::kNestedMail, true);
  if (!authenticated_ && !world_.anonymous_access()) return line(reply::kNotAuthenticated);
  auto path = parse_path(args, "FROM:");
  if (!path || (!path->address.empty() && !valid_mailbox(path->address))) return line(reply::kBadAddress, true);
  Envelope env;
  env.from = path->address;
  for (const auto& [key, value] : path->params) {
    if (key == "SIZE") {
      if (!is_digits(value)) return line(reply::kSyntax, true);
      if (std::stoull(value) > world_.size_limit()) return line(reply::kTooLarge);
    } else if (key == "BODY") {
      auto v = upper(value);
      if (v != "7BIT" && v != "8BITMIME" && v != "BINARYMIME") return line(reply::kSyntax, true);
      bdat_ = v == "BINARYMIME";  // BINARYMIME needs BDAT (RFC 3030)
    } else if (key == "RET") {
      auto v = upper(value);
      if (v != "FULL" && v != "HDRS") return line(reply::kSyntax, true);
      env.ret = v;
    } else if (key == "ENVID") {
      env.envid = value;
    } else if (key != "AUTH") {
      return line(reply::kBadParameter, true);
    }
  }
  envelope_ = std::move(env);
  have_mail_ = true;
  return line(reply::kSenderOk);
}

Session::Reply Session::handle_RCPT(std::string_view args) {
  if (!have_mail_) return line(reply::kNeedMail, true);
  auto path = parse_path(args, "TO:");
  if (!path || !valid_mailbox(path->address)) return line(reply::kBadAddress, true);
  std::string notify;
  for (const auto& [key, value] : path->params) {
    if (key == "NOTIFY") {
      notify = upper(value);
    } else if (key != "ORCPT") {
      return line(reply::kBadParameter, true);
    }
  }
  if (envelope_.recipients.size() >= world_.max_recipients()) return line(reply::kTooManyRecipients);
  switch (world_.check_recipient(path->address)) {
    case World::Recipient::Relay:
      return line(std::string(reply::kUnableToRelay) + " for " + path->address);
    case World::Recipient::Unknown:
      return line(reply::kUserUnknown);
    case World::Recipient::Accept:
      break;
  }
  envelope_.recipients.push_back(path->address);
  envelope_.notify.push_back(notify);
  return line(reply::kRecipientOk);
}

Session::Reply Session::handle_DATA(std::string_view args) {
  if (!args.empty()) return line(reply::kSyntax, true);
  if (!have_mail_) return line(reply::kNeedMail, true);
  if (envelope_.recipients.empty()) return line(reply::kNeedRcpt, true);
  if (bdat_) return line(reply::kBdatMix, true);
  mode_ = Mode::Data;
  line_flushed_ = false;
  size_limit_ = world_.size_limit();
  return line(reply::kStartMailInput);
}

Session::Reply Session::handle_BDAT(std::string_view args) {
  auto w = words(args);
  if (w.empty() || w.size() > 2 || !is_digits(w[0]) || (w.size() == 2 && upper(w[1]) != "LAST"))
    return line(reply::kSyntax, true);
  bdat_left_ = std::stoull(std::string(w[0]));
  bdat_last_ = w.size() == 2;
  mode_ = Mode::Bdat;
  size_limit_ = world_.size_limit();
  // RFC 3030: a refused BDAT's chunk is still read, so the stream stays in step.
  if (!have_mail_ || envelope_.recipients.empty()) {
    bdat_refusal_ = have_mail_ ? reply::kNeedRcpt : reply::kNeedMail;
    bdat_last_ = false;
  } else {
    bdat_ = true;
  }
  return Reply{};  // answered when the chunk is in
}

Session::Reply Session::handle_RSET(std::string_view args) {
  if (!args.empty()) return line(reply::kSyntax, true);
  reset_transaction();
  return line(reply::kResetOk);
}

Session::Reply Session::handle_NOOP(std::string_view) { return line(reply::kNoopOk); }

Session::Reply Session::handle_QUIT(std::string_view) {
  reset_transaction();
  return Reply{"221 2.0.0 " + world_.hostname() + " Service closing transmission channel\r\n", true};
}

Session::Reply Session::handle_VRFY(std::string_view args) {
  if (args.empty()) return line(reply::kSyntax, true);
  return line(reply::kVrfy);
}

Session::Reply Session::handle_HELP(std::string_view) {
  return Reply{"214-This server supports the following commands:\r\n"
               "214 HELO EHLO STARTTLS RCPT DATA RSET MAIL QUIT HELP AUTH TURN ETRN BDAT VRFY\r\n"};
}

Session::Reply Session::handle_ETRN(std::string_view args) {
  if (args.empty()) return line(reply::kSyntax, true);
  return line(reply::kEtrn);
}

Session::Reply Session::handle_STARTTLS(std::string_view args) {
  if (config_.tls == net::TlsMode::Off) return line(reply::kNotImplemented);
  if (tls_active_) return line(reply::kTlsAlreadyActive, true);
  if (!offers_tls("STARTTLS")) return line(reply::kNotImplemented);  // withdrawn by a fault
  if (!args.empty()) return line(reply::kStartTlsSyntax, true);
  upgrading_ = true;
  Reply ready = line(reply::kReadyToStartTls);
  ready.start_tls = true;
  return ready;
}

Session::Reply Session::handle_AUTH(std::string_view args) {
  if (!greeted_) return line(reply::kHelloFirst, true);
  if (authenticated_) return line(reply::kAlreadyAuthenticated, true);
  if (have_mail_) return line(reply::kNestedMail, true);
  auto w = words(args);
  if (w.empty() || w.size() > 2) return line(reply::kSyntax, true);
  auto mech = upper(w[0]);
  if (mech == "PLAIN") {
    mode_ = Mode::AuthPlain;
    return w.size() == 2 ? auth_step(w[1]) : line(reply::kAuthContinue);
  }
  if (mech == "LOGIN") {
    mode_ = Mode::AuthLoginUser;
    return w.size() == 2 ? auth_step(w[1]) : line(reply::kAuthLoginUser);
  }
  return line(reply::kAuthMechanism, true);
}

Session::Reply Session::auth_step(std::string_view text) {
  Mode step = mode_;
  mode_ = Mode::Command;
  if (text == "*") return line(reply::kAuthCancelled);
  auto decoded = text == "=" ? std::optional<std::string>("") : base64_decode(text);
  if (!decoded) return line("501 5.5.2 Cannot Base64-Decode Client Response", true);
  auto finish = [&](const std::string& user, std::string_view password) {
    if (!world_.check_login(user, password)) return line(reply::kAuthFailed, true);
    authenticated_ = true;
    user_ = user;
    return line(reply::kAuthOk);
  };
  switch (step) {
    case Mode::AuthPlain: {
      auto a = decoded->find('\0');
      auto b = a == std::string::npos ? std::string::npos : decoded->find('\0', a + 1);
      if (b == std::string::npos) return line(reply::kAuthFailed, true);
      return finish(decoded->substr(a + 1, b - a - 1), std::string_view(*decoded).substr(b + 1));
    }
    case Mode::AuthLoginUser:
      auth_user_ = *decoded;
      mode_ = Mode::AuthLoginPass;
      return line(reply::kAuthLoginPass);
    case Mode::AuthLoginPass:
      return finish(auth_user_, *decoded);
    default:
      return line(reply::kAuthCancelled);
  }
}

}  // namespace maillab::smtp
