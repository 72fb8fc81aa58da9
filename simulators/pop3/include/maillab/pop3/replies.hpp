#pragma once
// Every reply line maillab pop3d sends, as named constants. The Python tests read this
// file too (tests/e2e/replies.py parses the `inline constexpr` lines), so the C++ and the
// Python tests expect the same bytes. The seed documents' replies are quoted exactly.
#include <string_view>

namespace maillab::pop3::reply {

// Seeds 000/001/003, telnet steps 2-6.
inline constexpr std::string_view kBanner = "+OK mail-host.fabrikam.com server type and version server ready";
inline constexpr std::string_view kUserOk = "+OK";
inline constexpr std::string_view kLogonOk = "+OK User successfully logged on.";
inline constexpr std::string_view kLogonFailure = "-ERR Logon failure: Unknown user name or bad password.";
inline constexpr std::string_view kEmptyDrop = "+OK 0 0";
inline constexpr std::string_view kQuit = "+OK Connection to host lost.";
// Seed 004: the connector's log shows a bare "+OK" after RETR.
inline constexpr std::string_view kRetrOk = "+OK";
inline constexpr std::string_view kTopOk = "+OK";

inline constexpr std::string_view kNoop = "+OK";
inline constexpr std::string_view kCapa = "+OK Capability list follows";
inline constexpr std::string_view kListFollows = "+OK scan listing follows";
inline constexpr std::string_view kUidlFollows = "+OK unique-id listing follows";
inline constexpr std::string_view kAuthMechanisms = "+OK SASL mechanisms follow";
inline constexpr std::string_view kAuthContinue = "+ ";
inline constexpr std::string_view kAuthLoginUser = "+ VXNlcm5hbWU6";  // "Username:"
inline constexpr std::string_view kAuthLoginPass = "+ UGFzc3dvcmQ6";  // "Password:"

inline constexpr std::string_view kUnknownCommand = "-ERR Unknown command.";
inline constexpr std::string_view kWrongState = "-ERR Command not valid in this state.";
inline constexpr std::string_view kSyntax = "-ERR Syntax error in parameters.";
inline constexpr std::string_view kNoSuchMessage = "-ERR No such message.";
inline constexpr std::string_view kAlreadyDeleted = "-ERR Message already deleted.";
inline constexpr std::string_view kPassWithoutUser = "-ERR Send USER first.";
inline constexpr std::string_view kLineTooLong = "-ERR Line too long.";
inline constexpr std::string_view kBadCharacters = "-ERR Invalid characters in command.";
inline constexpr std::string_view kTooManyErrors = "-ERR Too many errors; closing connection.";
inline constexpr std::string_view kInUse = "-ERR [IN-USE] Unable to lock maildrop: another session is active.";
inline constexpr std::string_view kTooManySessions = "-ERR [SYS/TEMP] Too many sessions; try again later.";
inline constexpr std::string_view kUpdateFailed = "-ERR [SYS/TEMP] Some deleted messages were not removed.";
inline constexpr std::string_view kMessageUnreadable = "-ERR [SYS/TEMP] Unable to read message.";
inline constexpr std::string_view kMaildropUnreadable = "-ERR [SYS/TEMP] Unable to read maildrop.";
inline constexpr std::string_view kApopDisabled = "-ERR APOP is not enabled on this server.";
inline constexpr std::string_view kUserDisabled = "-ERR USER/PASS is not enabled on this server.";
inline constexpr std::string_view kAuthUnknownMechanism = "-ERR Unrecognized authentication mechanism.";
inline constexpr std::string_view kAuthBadBase64 = "-ERR Invalid base64 data.";
inline constexpr std::string_view kAuthCancelled = "-ERR AUTH cancelled.";

// RFC 2595 section 4 (STLS): its example replies. RFC 2595 gives no wording for a server
// that requires TLS before logon; this one follows RFC 3206's [AUTH] response code.
inline constexpr std::string_view kStlsOk = "+OK Begin TLS negotiation";
inline constexpr std::string_view kTlsActive = "-ERR Command not permitted when TLS active";
inline constexpr std::string_view kTlsRequired = "-ERR [AUTH] Command not permitted before TLS: send STLS first.";

}  // namespace maillab::pop3::reply
