// Facts of the `tls_session` probe: what a TLS server does with sessions once
// a handshake has completed — resumption (RFC 5246 §7.4.1.2 session IDs,
// RFC 5077 tickets, RFC 8446 §2.2 PSK), client-initiated renegotiation
// (RFC 5246 §7.4.1.1) and 0-RTT early data (RFC 8446 §2.3, §4.2.10).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

inline constexpr const char* kTlsSessionProbe = "tls_session";

// Resumption method names, as the facts and tls.session_resumption name them.
inline constexpr std::string_view kResumeSessionId = "session_id";  // TLS <= 1.2 session cache
inline constexpr std::string_view kResumeTicket = "ticket";         // TLS <= 1.2 RFC 5077 ticket
inline constexpr std::string_view kResumeTls13Psk = "tls13_psk";    // TLS 1.3 resumption PSK (ticket)
const std::vector<std::string>& resumption_method_names();

// Values of the resumption states and of client_renegotiation / early_data.
inline constexpr std::string_view kStateYes = "yes";
inline constexpr std::string_view kStateNo = "no";
inline constexpr std::string_view kStateNotApplicable = "not_applicable";
inline constexpr std::string_view kStateUnknown = "unknown";

struct ResumptionFacts {
    // "yes": the server resumed; "no": it answered with a full handshake (or
    // gave nothing to resume with); "not_applicable": the version is not
    // spoken; "unknown": the attempt failed without an answer either way.
    std::string session_id = std::string(kStateNotApplicable);
    std::string ticket = std::string(kStateNotApplicable);
    std::string tls13_psk = std::string(kStateNotApplicable);
    bool session_id_issued = false;    // the TLS 1.2 ServerHello carried a session ID
    bool ticket_issued = false;        // a TLS 1.2 NewSessionTicket arrived
    long ticket_lifetime_hint = 0;     // seconds, RFC 5077 §3.3 (0: unspecified or none)
    bool tls13_ticket_issued = false;  // a TLS 1.3 NewSessionTicket arrived
    long tls13_ticket_lifetime = 0;    // seconds, RFC 8446 §4.6.1
};

struct TlsSessionFacts {
    std::string tls12_version;  // version of the TLS <= 1.2 connections ("" when none was possible)
    ResumptionFacts resumption;
    // "accepted" (the renegotiation handshake completed), "refused" (an alert
    // or the connection closed), "not_applicable" (no TLS <= 1.2), "unknown"
    // (no conclusive answer).
    std::string client_renegotiation = std::string(kStateNotApplicable);
    std::string client_renegotiation_evidence;  // "alert: warning no_renegotiation (100)", ...
    // RFC 8446 §4.6.1 max_early_data_size of the TLS 1.3 ticket.
    long max_early_data = 0;
    // "accepted" / "rejected" (SSL_get_early_data_status), "not_offered" (the
    // ticket allows none), "not_applicable" (no resumable TLS 1.3 ticket),
    // "unknown".
    std::string early_data = std::string(kStateNotApplicable);
    std::string early_data_sent;     // what was sent as early data, escaped ("HEAD / HTTP/1.1...")
    std::vector<std::string> steps;  // one line per connection, what it did and saw
    std::vector<std::string> notes;
    int connections = 0;
};

void to_json(nlohmann::json& j, const ResumptionFacts& f);
void from_json(const nlohmann::json& j, ResumptionFacts& f);
void to_json(nlohmann::json& j, const TlsSessionFacts& f);
void from_json(const nlohmann::json& j, TlsSessionFacts& f);
// Never throws: saved reports may be old or edited.
core::Result<TlsSessionFacts> parse_tls_session_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
