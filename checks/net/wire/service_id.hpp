// Service identification by handshake: pure functions from the bytes a server
// sent (on connecting, or in answer to a harmless nudge) to the protocol they
// belong to. No sockets, no clocks: the `tcp` probe owns the I/O and hands the
// captured bytes here, and the unit tests feed recorded bytes.
//
// References: RFC 854/855 (telnet IAC option negotiation), RFC 959 §4.2 and
// RFC 2389 (FTP replies, FEAT), RFC 4217 §4 (AUTH TLS), RFC 5321 §4.2 (SMTP
// replies), RFC 3207 (STARTTLS), RFC 1939 and RFC 2449 (POP3, CAPA), RFC 2595
// §4 (STLS), RFC 9051 §7.1 (IMAP greetings, CAPABILITY), RFC 4253 §4.2 (SSH
// identification string), RFC 1282 (rlogin), rshd(8) (the rsh handshake),
// RFC 9112 §4 (HTTP status line), RFC 8446 §5.1 (TLS record header).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace conformscan::wire::net {

enum class Service { unknown, silent, telnet, ftp, smtp, pop3, imap, ssh, http, tls, rlogin, rsh };

// "telnet", "ftp", ... as recorded in the `tcp.service` fact.
std::string_view service_name(Service s);

// What the greeting (the bytes a server volunteers before the client says
// anything) reveals. A bare 220 greets in FTP and SMTP alike: `ambiguous_220`
// is set when neither the text nor the port decides, and the probe asks
// (EHLO answered with 250 means SMTP).
struct Greeting {
    Service service = Service::unknown;
    std::string detail;  // one line of evidence: the banner line, "IAC DO TERMINAL-TYPE ..."
    bool ambiguous_220 = false;
};

// `port` is a hint only for greetings the bytes leave open (220 on 21 is FTP).
Greeting classify_greeting(std::span<const std::uint8_t> bytes, std::uint16_t port);

// The nudges the probe sends to a server that waits for its client.
enum class Nudge { tls_client_hello, http_head, rlogin, rsh };
std::string_view nudge_name(Nudge n);

// The service the answer to a nudge reveals (unknown when it reveals none).
Service classify_reply(Nudge nudge, std::span<const std::uint8_t> bytes);

// The bytes of the rlogin and rsh nudges: the client half of the handshake
// with a local and remote user that exist nowhere and, for rsh, an empty
// command. From an unprivileged source port every rshd/rlogind refuses it
// ("\x01" and a message) or, for rlogin, acknowledges it with one NUL and
// asks for a password the probe never sends.
std::vector<std::uint8_t> rlogin_handshake();
std::vector<std::uint8_t> rsh_handshake();

// Telnet option negotiation at the start of a greeting, as "DO TERMINAL-TYPE",
// "WILL ECHO" ..., at most `max` of them; empty when the bytes hold no
// complete IAC WILL/WONT/DO/DONT triple.
std::vector<std::string> telnet_negotiation(std::span<const std::uint8_t> bytes, std::size_t max = 16);

// One reply of a line-based protocol with three-digit codes (FTP, SMTP):
// "nnn-text" continues, "nnn text" ends (RFC 959 §4.2, RFC 5321 §4.2.1).
struct CodedReply {
    int code = 0;
    std::vector<std::string> lines;  // text after the code and separator, CR LF removed
};
// The first complete reply in `bytes`; nullopt while it is incomplete or not a coded reply.
std::optional<CodedReply> parse_coded_reply(std::span<const std::uint8_t> bytes);
// True once `bytes` holds one complete coded reply (used to stop reading).
bool coded_reply_complete(std::span<const std::uint8_t> bytes);

// The EHLO keywords of an SMTP 250 reply (first word of each line after the
// first, upper-cased): {"PIPELINING", "SIZE", "STARTTLS", ...}.
std::vector<std::string> ehlo_keywords(const CodedReply& reply);
// The feature lines of an FTP 211 FEAT reply, trimmed: {"AUTH TLS", "PBSZ", ...}.
std::vector<std::string> ftp_features(const CodedReply& reply);
// RFC 4217 §6: a FEAT line "AUTH" naming TLS (or the older SSL mechanism).
bool ftp_features_offer_tls(const std::vector<std::string>& features);

// POP3 CAPA (RFC 2449 §5): the capability lines between "+OK" and ".";
// nullopt while incomplete, empty on -ERR.
std::optional<std::vector<std::string>> pop3_capabilities(std::span<const std::uint8_t> bytes);
// IMAP capabilities from an untagged "* CAPABILITY ..." line or a greeting's
// "[CAPABILITY ...]" response code, upper-cased; empty when there is none.
std::vector<std::string> imap_capabilities(std::span<const std::uint8_t> bytes);
// True once `bytes` holds a line starting with `tag` and a space (the tagged
// completion of an IMAP command).
bool imap_tagged_done(std::span<const std::uint8_t> bytes, std::string_view tag);

// TFTP (RFC 1350 §5): a read request for `filename` in octet mode, and the
// answer to it. Any well-formed DATA (opcode 3) or ERROR (opcode 5) means a
// TFTP server answers; `detail` says which: "ERROR 1: File not found".
std::vector<std::uint8_t> tftp_read_request(std::string_view filename);
struct TftpReply {
    int opcode = 0;  // 3 DATA, 5 ERROR
    std::string detail;
};
std::optional<TftpReply> parse_tftp_reply(std::span<const std::uint8_t> bytes);

// The first line of `bytes`, without its line end, at most `max` bytes, with
// every byte outside printable ASCII escaped (\xNN): evidence for a report.
std::string first_line(std::span<const std::uint8_t> bytes, std::size_t max = 200);

}  // namespace conformscan::wire::net
