#include "checks/net/service_identify.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "checks/net/starttls.hpp"
#include "checks/net/wire/service_id.hpp"
#include "checks/tls/raw_hello.hpp"
#include "checks/tls/wire/hello.hpp"

namespace conformscan::checks::net {

namespace {

using std::chrono::milliseconds;
namespace wn = wire::net;
namespace wt = wire::tls;
using Bytes = std::vector<std::uint8_t>;
using Done = std::function<bool(std::span<const std::uint8_t>)>;

// A server answers a capability query or a nudge at once; two seconds covers
// a slow box without making every silent port cost the full timeout.
constexpr milliseconds kReplyWait{2000};
// Once bytes are in, this much silence ends a reply whose end we cannot parse.
constexpr milliseconds kIdleGap{150};

Deadline reply_deadline(const core::ProbeOptions& options) {
    return deadline_after(std::min(options.timeout, kReplyWait));
}

bool send_text(TcpSocket& sock, std::string_view text, const core::ProbeOptions& options) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
    return sock.send_all(std::span(p, text.size()), reply_deadline(options)).ok();
}

// Reads until `done` says the reply is complete, the peer closes, the byte
// cap or the deadline.
Bytes read_until(TcpSocket& sock, const core::ProbeOptions& options, const Done& done) {
    Bytes out;
    std::uint8_t chunk[4096];
    const Deadline deadline = reply_deadline(options);
    while (out.size() < kMaxDialogBytes && !done(out)) {
        const std::size_t want = std::min(sizeof chunk, kMaxDialogBytes - out.size());
        auto n = sock.recv_some(std::span(chunk, want), deadline);
        if (!n || *n == 0) break;
        out.insert(out.end(), chunk, chunk + *n);
    }
    return out;
}

Bytes read_burst(TcpSocket& sock, const core::ProbeOptions& options) {
    auto r = sock.read_bounded(options.max_banner_bytes, reply_deadline(options), kIdleGap);
    return r ? std::move(r).value() : Bytes{};
}

std::optional<wn::CodedReply> command(TcpSocket& sock, std::string_view line,
                                      const core::ProbeOptions& options) {
    if (!send_text(sock, line, options)) return std::nullopt;
    auto bytes = read_until(sock, options, [](auto b) { return wn::coded_reply_complete(b); });
    return wn::parse_coded_reply(bytes);
}

std::string reply_line(const wn::CodedReply& r) {
    return fmt::format("{} {}", r.code, r.lines.empty() ? std::string() : r.lines.back());
}

void ftp_dialog(TcpSocket& sock, const core::Target& target, const core::ProbeOptions& options,
                const IdentifyRequest& request, TcpFacts& facts) {
    bool offered = false;
    // RFC 2389: FEAT lists AUTH TLS where RFC 4217 is implemented.
    if (auto feat = command(sock, "FEAT\r\n", options); feat && feat->code == 211) {
        facts.capabilities = wn::ftp_features(*feat);
        offered = wn::ftp_features_offer_tls(facts.capabilities);
    }
    if (!request.ftp_user.empty()) {
        // RFC 4217 §4: a server that requires TLS refuses USER before AUTH (530 or 534).
        if (auto user = command(sock, fmt::format("USER {}\r\n", request.ftp_user), options))
            facts.ftp_user_reply = reply_line(*user);
    }
    bool secured = false;
    if (!offered) {
        if (auto auth = command(sock, "AUTH TLS\r\n", options); auth && auth->code == 234) {
            offered = true;
            secured = true;  // the server now waits for a ClientHello: no cleartext QUIT
            facts.capabilities.push_back("AUTH TLS (234 to AUTH TLS)");
        }
    }
    if (!secured) (void)command(sock, "QUIT\r\n", options);
    facts.tls_offered = offered;
    (void)target;
}

void smtp_dialog(TcpSocket& sock, const core::ProbeOptions& options, TcpFacts& facts,
                 const wn::CodedReply& ehlo) {
    facts.capabilities = wn::ehlo_keywords(ehlo);
    facts.tls_offered = std::find(facts.capabilities.begin(), facts.capabilities.end(), "STARTTLS") !=
                        facts.capabilities.end();
    (void)command(sock, "QUIT\r\n", options);
}

void pop3_dialog(TcpSocket& sock, const core::ProbeOptions& options, TcpFacts& facts) {
    if (!send_text(sock, "CAPA\r\n", options)) return;
    auto bytes = read_until(sock, options, [](auto b) { return wn::pop3_capabilities(b).has_value(); });
    auto caps = wn::pop3_capabilities(bytes);
    if (!caps) return;
    facts.capabilities = *caps;
    // RFC 2595 §4: STLS.
    facts.tls_offered = std::find(caps->begin(), caps->end(), "STLS") != caps->end();
    (void)send_text(sock, "QUIT\r\n", options);
}

void imap_dialog(TcpSocket& sock, const Bytes& greeting, const core::ProbeOptions& options, TcpFacts& facts) {
    std::vector<std::string> caps;
    if (send_text(sock, "a1 CAPABILITY\r\n", options)) {
        auto bytes = read_until(sock, options, [](auto b) { return wn::imap_tagged_done(b, "a1"); });
        caps = wn::imap_capabilities(bytes);
    }
    if (caps.empty()) caps = wn::imap_capabilities(greeting);
    if (caps.empty()) return;
    facts.capabilities = caps;
    facts.tls_offered = std::find(caps.begin(), caps.end(), "STARTTLS") != caps.end();
    (void)send_text(sock, "a2 LOGOUT\r\n", options);
}

Bytes client_hello(const core::Target& target) {
    auto spec = tls::hello_for_version(wt::kTls13, target);
    spec.supported_versions = {wt::kTls13, wt::kTls12, wt::kTls11, wt::kTls10};
    spec.cipher_suites = tls::tls13_suite_codes();
    for (auto s : tls::legacy_suite_codes()) spec.cipher_suites.push_back(s);
    return wt::encode_client_hello_records(spec);
}

std::string http_head(const core::Target& target) {
    const std::string& name = target.sni.empty() ? target.host : target.sni;
    const std::string host = name.find(':') != std::string::npos ? fmt::format("[{}]", name) : name;
    return fmt::format(
        "HEAD / HTTP/1.0\r\nHost: {}:{}\r\nUser-Agent: conformscan\r\nConnection: close\r\n\r\n", host,
        target.port);
}

std::string tls_evidence(const Bytes& reply) {
    const std::string kind = reply[0] == 0x16 ? "handshake" : "alert";
    std::string out = fmt::format("TLS {} record, version 0x{:02x}{:02x}", kind, reply[1], reply[2]);
    if (reply[0] == 0x15 && reply.size() >= 7) out += fmt::format(", alert {} {}", reply[5], reply[6]);
    return out;
}

// Sends one nudge and classifies the answer.
wn::Service nudge(TcpSocket& sock, wn::Nudge n, const core::Target& target, const core::ProbeOptions& options,
                  Bytes& reply) {
    Bytes bytes;
    switch (n) {
        case wn::Nudge::tls_client_hello:
            bytes = client_hello(target);
            break;
        case wn::Nudge::http_head: {
            const auto text = http_head(target);
            bytes.assign(text.begin(), text.end());
            break;
        }
        case wn::Nudge::rlogin:
            bytes = wn::rlogin_handshake();
            break;
        case wn::Nudge::rsh:
            bytes = wn::rsh_handshake();
            break;
    }
    if (bytes.empty() || !sock.send_all(bytes, reply_deadline(options))) return wn::Service::unknown;
    reply = read_burst(sock, options);
    return wn::classify_reply(n, reply);
}

void identify_silent(TcpSocket& first, const core::Target& target, const core::ProbeOptions& options,
                     TcpFacts& facts) {
    std::vector<wn::Nudge> order;
    // RFC 1282 and rshd(8) on their own ports only: elsewhere NUL bytes mean nothing.
    if (target.port == 513) order.push_back(wn::Nudge::rlogin);
    if (target.port == 514) order.push_back(wn::Nudge::rsh);
    order.push_back(wn::Nudge::tls_client_hello);
    order.push_back(wn::Nudge::http_head);
    std::string other;  // the first unrecognised answer, as evidence
    bool used_first = false;
    for (auto n : order) {
        TcpSocket fresh;
        TcpSocket* sock = &first;
        if (used_first) {
            auto c = connect_target_raw(target, options);
            if (!c) break;
            fresh = std::move(c).value();
            sock = &fresh;
        }
        used_first = true;
        Bytes reply;
        const auto service = nudge(*sock, n, target, options, reply);
        if (service != wn::Service::unknown) {
            facts.service = std::string(wn::service_name(service));
            facts.identified_by = std::string(wn::nudge_name(n));
            facts.evidence = service == wn::Service::tls ? tls_evidence(reply) : wn::first_line(reply);
            if (service == wn::Service::tls) facts.tls_offered = true;
            if (service == wn::Service::http || service == wn::Service::rlogin || service == wn::Service::rsh)
                facts.tls_offered = false;
            return;
        }
        // A server that talks first but was slow (a telnetd that inetd is
        // still starting) sends its greeting after our nudge: classify it as one.
        if (const auto late = wn::classify_greeting(reply, target.port);
            late.service != wn::Service::unknown && late.service != wn::Service::silent) {
            facts.service = std::string(wn::service_name(late.service));
            facts.identified_by = fmt::format("late greeting (after {})", wn::nudge_name(n));
            facts.evidence = late.detail;
            if (late.service == wn::Service::telnet) {
                facts.capabilities = wn::telnet_negotiation(reply);
                facts.tls_offered = false;
            }
            return;
        }
        if (other.empty() && !reply.empty())
            other = fmt::format("{} answered: {}", wn::nudge_name(n), wn::first_line(reply));
    }
    facts.service = other.empty() ? "silent" : "unknown";
    facts.identified_by = "nudges";
    facts.evidence = other;
}

}  // namespace

IdentifyRequest identify_request(const core::Json& inputs) {
    IdentifyRequest r;
    if (!inputs.is_object()) return r;
    if (auto it = inputs.find("identify"); it != inputs.end() && it->is_boolean())
        r.dialogs = it->get<bool>();
    if (auto it = inputs.find("ftp_user"); it != inputs.end() && it->is_string()) {
        r.ftp_user = it->get<std::string>();
        // A user name on one line only: the probe never sends a line break of a profile's.
        if (r.ftp_user.find_first_of("\r\n") != std::string::npos) r.ftp_user.clear();
        if (!r.ftp_user.empty()) r.dialogs = true;
    }
    return r;
}

void identify_service(TcpSocket& first, const std::vector<std::uint8_t>& greeting, const core::Target& target,
                      const core::ProbeOptions& options, const IdentifyRequest& request, TcpFacts& facts) {
    const auto g = wn::classify_greeting(greeting, target.port);
    facts.service = std::string(wn::service_name(g.service));
    facts.identified_by = "greeting";
    facts.evidence = g.detail;
    if (g.service == wn::Service::telnet) {
        facts.capabilities = wn::telnet_negotiation(greeting);
        facts.tls_offered = false;
        return;
    }
    if (g.service == wn::Service::http) facts.tls_offered = false;
    if (!request.dialogs) return;
    switch (g.service) {
        case wn::Service::silent:
            identify_silent(first, target, options, facts);
            return;
        case wn::Service::ftp:
            ftp_dialog(first, target, options, request, facts);
            return;
        case wn::Service::pop3:
            pop3_dialog(first, options, facts);
            return;
        case wn::Service::imap:
            imap_dialog(first, greeting, options, facts);
            return;
        case wn::Service::smtp:
        case wn::Service::unknown: {
            if (g.service == wn::Service::unknown && !g.ambiguous_220) return;
            // RFC 5321 §4.1.1.1: EHLO with our own (reserved) name.
            auto ehlo = command(first, fmt::format("EHLO {}\r\n", kStarttlsClientName), options);
            if (ehlo && ehlo->code == 250) {
                if (g.ambiguous_220) {
                    facts.service = "smtp";
                    facts.identified_by = "greeting+ehlo";
                }
                smtp_dialog(first, options, facts, *ehlo);
            } else if (g.ambiguous_220 && ehlo) {
                // An LMTP server (RFC 2033 §4.1) refuses EHLO and answers LHLO;
                // an FTP server refuses both with a coded reply (500/502/530).
                auto lhlo = command(first, fmt::format("LHLO {}\r\n", kStarttlsClientName), options);
                if (lhlo && lhlo->code == 250) {
                    facts.service = "lmtp";
                    facts.identified_by = "greeting+lhlo";
                    smtp_dialog(first, options, facts, *lhlo);
                } else if (lhlo) {
                    facts.service = "ftp";
                    facts.identified_by = "greeting+ehlo";
                    ftp_dialog(first, target, options, request, facts);
                }
            }
            return;
        }
        default:
            return;
    }
}

}  // namespace conformscan::checks::net
