// Facts of the `tls_features` probe: extensions and behaviours of a TLS
// server as raw hellos show them. The extensions are read from a TLS 1.2 (or
// older) ServerHello, where they are in the clear; in TLS 1.3 they move into
// the encrypted EncryptedExtensions, so a TLS 1.3-only server has them listed
// in `not_applicable` instead of judged.
//   RFC 5746 (renegotiation_info), RFC 7627 (extended_master_secret),
//   RFC 7366 (encrypt_then_mac), RFC 5077 (session_ticket), RFC 6066 §8
//   (status_request), RFC 7301 (ALPN), RFC 6520 (heartbeat), RFC 3749 and
//   RFC 9325 §3.3 (compression), RFC 7507 (TLS_FALLBACK_SCSV),
//   RFC 8446 §4.1.3 (downgrade sentinel).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

// Feature names, as tls.extensions names them and as `not_applicable` lists them.
inline constexpr std::string_view kFeatSecureRenegotiation = "secure_renegotiation";
inline constexpr std::string_view kFeatExtendedMasterSecret = "extended_master_secret";
inline constexpr std::string_view kFeatEncryptThenMac = "encrypt_then_mac";
inline constexpr std::string_view kFeatSessionTicket = "session_ticket";
inline constexpr std::string_view kFeatOcspStapling = "ocsp_stapling";
inline constexpr std::string_view kFeatAlpnH2 = "alpn_h2";
inline constexpr std::string_view kFeatHeartbeat = "heartbeat";
inline constexpr std::string_view kFeatCompression = "compression";

// The extension features tls.extensions judges (not compression).
const std::vector<std::string>& extension_feature_names();

// Values of the tri-state (and unknown) string facts.
inline constexpr std::string_view kYes = "yes";
inline constexpr std::string_view kNo = "no";
inline constexpr std::string_view kNotApplicable = "not_applicable";
inline constexpr std::string_view kUnknown = "unknown";  // the server's answer was inconclusive

struct TlsFeaturesFacts {
    // The version the feature hellos offered: the highest accepted one up to
    // TLS 1.2 ("TLSv1.2", "TLSv1.1", ...); "" for a TLS 1.3-only server.
    std::string probed_version;
    bool secure_renegotiation = false;    // renegotiation_info in the ServerHello (RFC 5746)
    bool extended_master_secret = false;  // RFC 7627
    // "yes"/"no" when the server picked a CBC suite; "not_applicable" when it
    // accepts no CBC suite (RFC 7366 concerns CBC only) or speaks only TLS 1.3;
    // "unknown" when the CBC hello got no conclusive answer.
    std::string encrypt_then_mac = std::string(kNotApplicable);
    bool session_ticket = false;  // RFC 5077 extension echoed
    // status_request echoed in a TLS <= 1.2 ServerHello. A TLS 1.3 staple
    // travels encrypted: the `tls` probe's ocsp_stapled fact sees it.
    bool ocsp_stapling = false;
    std::vector<std::string> alpn;         // of "h2", "http/1.1": those the server selects when offered alone
    std::vector<std::string> compression;  // methods picked when offered DEFLATE + NULL: "deflate"
    // False when no hello offering DEFLATE got a ServerHello: compression then
    // is not known to be off (the reason is in notes).
    bool compression_observed = true;
    // RFC 8422 §5.2: the ec_point_formats list of the first ServerHello that
    // carried one ("uncompressed", "ansiX962_compressed_prime",
    // "ansiX962_compressed_char2", "format N"); servers send it only with an
    // ECC suite, so empty means no feature hello saw one, not "unsupported".
    std::vector<std::string> ec_point_formats;
    bool heartbeat = false;                // RFC 6520 extension echoed
    std::string heartbeat_mode;            // "peer_allowed_to_send", "peer_not_allowed_to_send", "mode N", ""
    // "honoured" (alert inappropriate_fallback), "not_honoured" (a ServerHello),
    // "not_applicable" (a single version accepted), "unknown" (another answer).
    std::string fallback_scsv = std::string(kNotApplicable);
    // "present", "absent" (a TLS 1.3 server negotiating TLS 1.2 without the
    // DOWNGRD sentinel), "not_applicable" (no TLS 1.3, or TLS 1.3 only).
    std::string downgrade_sentinel = std::string(kNotApplicable);
    std::vector<std::string> not_applicable;  // features the hellos could not observe
    std::vector<std::string> notes;           // why, and anything else worth knowing
    std::vector<std::string> hellos;  // one line per hello: "features: ServerHello TLSv1.2, suite 0xc02f"
    int connections = 0;

    [[nodiscard]] bool is_not_applicable(std::string_view feature) const;
};

void to_json(nlohmann::json& j, const TlsFeaturesFacts& f);
void from_json(const nlohmann::json& j, TlsFeaturesFacts& f);
// Never throws: saved reports may be old or edited.
core::Result<TlsFeaturesFacts> parse_tls_features_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
