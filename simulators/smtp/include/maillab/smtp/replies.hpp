#pragma once
// Every reply maillab smtpd sends, as named constants (the Python tests read this file
// too). Seed 004's log lines are quoted exactly.
#include <string_view>

namespace maillab::smtp::reply {

// Seed 004, the POP3 connector's log of Exchange's answers.
inline constexpr std::string_view kSenderOk = "250 2.1.0 Sender OK";
inline constexpr std::string_view kRecipientOk = "250 2.1.5 Recipient OK";
// Exchange sends "...end with <CRLF>.<CRLF>"; the seed's HTML lost the brackets. The seed wins.
inline constexpr std::string_view kStartMailInput = "354 Start mail input; end with .";
inline constexpr std::string_view kSenderDenied = "554 5.1.0 Sender denied";

inline constexpr std::string_view kQueued = "250 2.6.0 Queued mail for delivery";
inline constexpr std::string_view kChunkOk = "250 2.6.0 CHUNK received OK";
inline constexpr std::string_view kResetOk = "250 2.0.0 Resetting";
inline constexpr std::string_view kNoopOk = "250 2.0.0 OK";
inline constexpr std::string_view kVrfy = "252 2.1.5 Cannot VRFY user, but will take message for this address";
inline constexpr std::string_view kAuthOk = "235 2.7.0 Authentication successful.";
inline constexpr std::string_view kAuthLoginUser = "334 VXNlcm5hbWU6";  // "Username:"
inline constexpr std::string_view kAuthLoginPass = "334 UGFzc3dvcmQ6";  // "Password:"
inline constexpr std::string_view kAuthContinue = "334 ";
inline constexpr std::string_view kEtrn = "250 2.0.0 Queuing started";

inline constexpr std::string_view kUnrecognized = "500 5.3.3 Unrecognized command";
inline constexpr std::string_view kLineTooLong = "500 5.5.2 Line too long";
inline constexpr std::string_view kBadCharacters = "500 5.5.2 Invalid characters in command";
inline constexpr std::string_view kSyntax = "501 5.5.4 Invalid arguments";
inline constexpr std::string_view kBadAddress = "501 5.5.4 Invalid Address";
inline constexpr std::string_view kNotImplemented = "502 5.3.3 Command not implemented";
inline constexpr std::string_view kHelloFirst = "503 5.5.2 Send hello first";
inline constexpr std::string_view kNeedMail = "503 5.5.2 Need mail command";
inline constexpr std::string_view kNeedRcpt = "503 5.5.2 Need Rcpt command";
inline constexpr std::string_view kNestedMail = "503 5.5.2 Sender already specified";
inline constexpr std::string_view kBdatMix = "503 5.5.2 BDAT and DATA cannot be mixed";
inline constexpr std::string_view kAlreadyAuthenticated = "503 5.5.2 Already authenticated";
inline constexpr std::string_view kAuthMechanism = "504 5.7.4 Unrecognized authentication type";
inline constexpr std::string_view kNotAuthenticated = "530 5.7.3 Client was not authenticated";
inline constexpr std::string_view kAuthFailed = "535 5.7.3 Authentication unsuccessful";
inline constexpr std::string_view kAuthCancelled = "501 5.7.0 Authentication cancelled";
inline constexpr std::string_view kUnableToRelay = "550 5.7.1 Unable to relay";
inline constexpr std::string_view kUserUnknown = "550 5.1.1 User unknown";
inline constexpr std::string_view kTooLarge = "552 5.3.4 Message size exceeds fixed maximum message size";
inline constexpr std::string_view kTooManyRecipients = "452 4.5.3 Too many recipients";
inline constexpr std::string_view kBadParameter = "555 5.5.4 Unsupported option";
inline constexpr std::string_view kTooManyErrors = "421 4.7.0 Too many errors, closing transmission channel";
inline constexpr std::string_view kLocalError = "451 4.3.0 Local error in processing";  // the store failed
// RFC 3207 section 4: its replies to STARTTLS, and the refusal before it when TLS is required.
inline constexpr std::string_view kReadyToStartTls = "220 2.0.0 Ready to start TLS";
inline constexpr std::string_view kStartTlsSyntax = "501 5.5.4 Syntax error (no parameters allowed)";
inline constexpr std::string_view kTlsNotAvailable = "454 4.7.0 TLS not available due to temporary reason";
inline constexpr std::string_view kMustStartTls = "530 5.7.0 Must issue a STARTTLS command first";
inline constexpr std::string_view kTlsAlreadyActive = "503 5.5.1 TLS already active";
inline constexpr std::string_view kTooManySessions = "421 4.3.2 Too many connections, try again later";

}  // namespace maillab::smtp::reply
