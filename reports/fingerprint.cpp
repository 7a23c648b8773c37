#include "reports/fingerprint.hpp"

#include <map>

#include <openssl/evp.h>

namespace conformscan::reports {

namespace {

constexpr std::size_t kFingerprintBytes = 16;

std::string hex_prefix(const unsigned char* bytes, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(kHex[bytes[i] >> 4]);
        out.push_back(kHex[bytes[i] & 0x0f]);
    }
    return out;
}

std::string fingerprint_of(const nlohmann::json& identity) {
    const auto text = identity.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len < kFingerprintBytes)
        return {};
    return hex_prefix(digest, kFingerprintBytes);
}

}  // namespace

nlohmann::json target_identity(const core::Target& target) {
    return nlohmann::json::array({target.service, target.host, target.port, target.sni, target.starttls});
}

std::string finding_fingerprint(const core::Target& target, std::string_view profile_id, std::string_view rule_id) {
    auto identity = nlohmann::json::array({"conformscan-finding/1"});
    for (auto& part : target_identity(target)) identity.push_back(part);
    identity.push_back(profile_id);
    identity.push_back(rule_id);
    return fingerprint_of(identity);
}

std::vector<std::string> result_fingerprints(const core::ScanReport& report) {
    std::map<std::string, const core::Target*, std::less<>> by_id;
    for (const auto& t : report.targets) by_id.emplace(t.target.id, &t.target);
    std::vector<std::string> out;
    out.reserve(report.results.size());
    for (const auto& r : report.results) {
        if (!r.fingerprint.empty()) {
            out.push_back(r.fingerprint);
        } else if (auto it = by_id.find(r.target_id); it != by_id.end()) {
            out.push_back(finding_fingerprint(*it->second, r.profile_id, r.rule_id));
        } else {
            out.push_back(fingerprint_of(
                nlohmann::json::array({"conformscan-finding/1", "target-id", r.target_id, r.profile_id, r.rule_id})));
        }
    }
    return out;
}

void assign_fingerprints(core::ScanReport& report) {
    auto prints = result_fingerprints(report);
    for (std::size_t i = 0; i < prints.size(); ++i) report.results[i].fingerprint = std::move(prints[i]);
}

}  // namespace conformscan::reports
