// Signed reports: Ed25519 keys (OpenSSL 3 EVP), a detached signature file
// next to report.json, and its verification.
//
// The signature file (report.json.sig) is a JSON object:
//
//   {"format": "conformscan-signature/1", "algorithm": "Ed25519",
//    "key_id": <hex SHA-256 of the DER SubjectPublicKeyInfo, 64 digits>,
//    "signed_file": "report.json", "signed_sha256": <hex>, "signed_size": <bytes>,
//    "scan_id", "tool_version", "openssl_version",
//    "profiles": [{"id", "version", "sha256"}...],
//    "tailoring": [{"profile", "sha256"}...]   (only when a tailoring file was applied),
//    "signed_at": <RFC 3339 UTC>,
//    "signature": <base64 of the 64-byte Ed25519 signature>}
//
// What is signed (pure Ed25519, RFC 8032, no pre-hash) is
//
//   "conformscan-signature/1\n" || canonical_json(every member but "signature")
//
// where canonical_json is compact JSON with object keys sorted by byte value
// and every non-ASCII character escaped as \uXXXX — Python's
// json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=True).
// signed_sha256 is one of those members, so the signature covers the exact
// bytes of the report and every metadata field: editing either fails.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <openssl/types.h>

#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"


namespace conformscan::reports {

inline constexpr const char* kSignatureFormat = "conformscan-signature/1";
inline constexpr const char* kSignatureSuffix = ".sig";

// An Ed25519 key (private or public) loaded through OpenSSL.
class Ed25519Key {
public:
    // Reads a PKCS#8 PEM private key (as keygen writes it); refuses anything
    // that is not Ed25519. Errors name the file.
    static core::Result<Ed25519Key> load_private(const std::filesystem::path& file);
    // Reads a SubjectPublicKeyInfo PEM public key; refuses anything not Ed25519.
    static core::Result<Ed25519Key> load_public(const std::filesystem::path& file);

    // Hex SHA-256 of the DER SubjectPublicKeyInfo (all 64 digits).
    [[nodiscard]] const std::string& key_id() const { return m_key_id; }
    [[nodiscard]] bool has_private() const { return m_private; }
    [[nodiscard]] EVP_PKEY* get() const { return m_key.get(); }

private:
    // Both loaders: read FILE (size-capped), parse the PEM, refuse a key that is not Ed25519.
    static core::Result<Ed25519Key> load(const std::filesystem::path& file, bool private_key);

    std::shared_ptr<EVP_PKEY> m_key;
    std::string m_key_id;
    bool m_private = false;
};

struct KeyPairFiles {
    std::filesystem::path private_key;  // PREFIX.key, PKCS#8 PEM, mode 0600
    std::filesystem::path public_key;   // PREFIX.pub, SubjectPublicKeyInfo PEM
    std::string key_id;
};

// Generates an Ed25519 key pair into PREFIX.key and PREFIX.pub. Refuses when
// either file exists; never leaves a partly written key behind.
core::Result<KeyPairFiles> generate_key_pair(const std::filesystem::path& prefix);

// The signature object (see the top of this file) for REPORT_BYTES, whose
// metadata comes from REPORT. `signed_file` is the report's file name.
core::Result<nlohmann::json> make_signature(std::string_view report_bytes, const core::ScanReport& report,
                                            const Ed25519Key& key, const std::string& signed_file);

// Writes REPORT_PATH + ".sig" atomically for the given report bytes (the exact
// bytes of REPORT_PATH).
core::Result<void> write_signature(const std::filesystem::path& report_path, std::string_view report_bytes,
                                   const core::ScanReport& report, const Ed25519Key& key);

// The bytes Ed25519 signs for a signature object (its "signature" member is ignored).
std::string signed_message(const nlohmann::json& signature_object);

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex_of(std::string_view bytes);

enum class VerifyStatus {
    ok,
    key_unreadable,       // the public key file cannot be read or is not Ed25519
    report_unreadable,    // the report file cannot be read
    signature_missing,    // no signature file
    signature_malformed,  // the signature file is not a well-formed conformscan signature (e.g. truncated)
    wrong_key,            // signed with another key (key ids differ)
    report_truncated,     // the report is shorter than the signed bytes (and so differs)
    report_modified,      // the report's bytes differ from the signed bytes
    signature_invalid,    // the Ed25519 signature does not verify: metadata edited or forged
};

// Stable lower-case name ("ok", "report_modified", ...), for JSON and tests.
const char* to_string(VerifyStatus s);

struct VerifyResult {
    VerifyStatus status = VerifyStatus::signature_missing;
    std::string message;  // one line naming the file and what is wrong (or "signature OK: ...")
    // From the signature file when it could be parsed (empty otherwise):
    std::string key_id;
    std::string signed_at;
    std::string tool_version;
    std::string scan_id;
    nlohmann::json signature;  // the parsed signature object; null when unreadable
    [[nodiscard]] bool ok() const { return status == VerifyStatus::ok; }
};

// Verifies REPORT against its detached signature (default: REPORT + ".sig")
// with the public key in PUBKEY (PEM). Never throws; every outcome is a status
// and a one-line message. This is what `report verify`, the HTML cover and
// `report aggregate` call.
VerifyResult verify_report(const std::filesystem::path& report, const std::filesystem::path& pubkey,
                           const std::filesystem::path& signature = {});
// The same with a key already loaded (aggregate verifies many reports with one key).
VerifyResult verify_report(const std::filesystem::path& report, const Ed25519Key& pubkey,
                           const std::filesystem::path& signature = {});
// The same on the report's bytes as the caller already read them from REPORT
// (which names the file in messages and gives the default signature path), so
// that what is verified is exactly what the caller renders or aggregates.
VerifyResult verify_report_bytes(std::string_view report_bytes, const std::filesystem::path& report,
                                 const Ed25519Key& pubkey, const std::filesystem::path& signature = {});

}  // namespace conformscan::reports
