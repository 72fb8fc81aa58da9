#pragma once
// A message as the connector keeps it in Incoming Mail: the envelope as pickup-directory
// header lines (x-sender, x-receiver), then the message exactly as downloaded. Copying
// such a file into PickUp delivers it, which is the manual test KB 885685 prescribes.
//
// And the CDO stage's judgement of a message: what makes it corrupt.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::connector {

struct Envelope {
  std::string sender;  // "" is the null reverse-path, as seed 004's `MAIL FROM: <>`
  std::vector<std::string> recipients;
};

std::string envelope_header(const Envelope& envelope);

struct ParsedFile {
  Envelope envelope;
  std::size_t message_offset = 0;  // first byte of the message after the envelope lines
};
// nullopt when the file does not start with an envelope (not one of ours, or damaged).
std::optional<ParsedFile> parse_envelope(std::string_view file_text);

// Why a message cannot be handed on, or nullopt when it is sound. Looks for what the POP3
// fault model can do to a message: NUL bytes, bare LF line ends, a header line that is not
// a field (no header/body separator), 8-bit bytes in the header, a multipart body whose
// boundary never appears or is never closed.
std::optional<std::string> find_corruption(std::string_view message);

// The addresses of the To and Cc fields (global mailboxes route on them), lower case.
std::vector<std::string> header_recipients(std::string_view message);

// Bytes above 0x7F anywhere (BODY=8BITMIME is declared for them).
bool has_8bit(std::string_view message);

// A file-name-safe spelling of a UIDL (hex) and back.
std::string encode_uid(std::string_view uid);
std::optional<std::string> decode_uid(std::string_view hex);

}  // namespace maillab::connector
