#include "checks/snmp/snmp_facts.hpp"

#include <algorithm>
#include <array>

#include <openssl/evp.h>

#include "scanner/core/byte_reader.hpp"
#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::snmp {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

namespace {

// Communities published as factory defaults (CVE-1999-0516/-0517 name
// public and private; the rest are vendor defaults listed in public
// hardening guides). Shown in clear: they are not secrets.
constexpr std::array<const char*, 20> kWellKnown = {
    "public", "private", "community", "cisco",   "admin", "manager", "monitor", "snmp", "snmpd", "secret",
    "read",   "write",   "test",      "default", "guest", "ILMI",    "system",  "all",  "ro",    "rw"};

template <typename T>
void put_optional(Json& j, const char* key, const std::optional<T>& v) {
    if (v) j[key] = *v;
}

template <typename T>
void get_optional(const Json& j, const char* key, std::optional<T>& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) out = it->get<T>();
}

}  // namespace

std::string community_fingerprint(const std::string& community) {
    const std::string input = "conformscan-snmp-community:" + community;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len < 4)
        return {};
    return core::to_hex(std::span<const std::uint8_t>(digest, 4));
}

bool is_well_known_community(const std::string& community) {
    return std::find(kWellKnown.begin(), kWellKnown.end(), community) != kWellKnown.end();
}

std::string community_label(const std::string& community) {
    return is_well_known_community(community) ? community : "<masked>";
}

void to_json(Json& j, const CommunityAttempt& a) {
    j = Json{{"version", a.version},
             {"community", a.community},
             {"masked", a.masked},
             {"fingerprint", a.fingerprint},
             {"outcome", a.outcome},
             {"answered", a.answered},
             {"error_status", a.error_status},
             {"value_type", a.value_type},
             {"tries", a.tries},
             {"detail", a.detail}};
    put_optional(j, "sys_descr", a.sys_descr);
}
void from_json(const Json& j, CommunityAttempt& a) {
    require_object(j, "an snmp community attempt");
    j.at("version").get_to(a.version);
    j.at("fingerprint").get_to(a.fingerprint);
    read_optional(j, "community", a.community);
    read_optional(j, "masked", a.masked);
    read_optional(j, "outcome", a.outcome);
    read_optional(j, "answered", a.answered);
    read_optional(j, "error_status", a.error_status);
    read_optional(j, "value_type", a.value_type);
    read_optional(j, "tries", a.tries);
    read_optional(j, "detail", a.detail);
    get_optional(j, "sys_descr", a.sys_descr);
}

void to_json(Json& j, const V3Discovery& v) {
    j = Json{{"outcome", v.outcome}, {"answered", v.answered}, {"engine_id", v.engine_id}, {"pdu", v.pdu},
             {"report", v.report},   {"tries", v.tries},       {"detail", v.detail}};
    put_optional(j, "engine_boots", v.engine_boots);
    put_optional(j, "engine_time", v.engine_time);
    put_optional(j, "report_value", v.report_value);
}
void from_json(const Json& j, V3Discovery& v) {
    require_object(j, "snmp v3 discovery");
    read_optional(j, "outcome", v.outcome);
    read_optional(j, "answered", v.answered);
    read_optional(j, "engine_id", v.engine_id);
    read_optional(j, "pdu", v.pdu);
    read_optional(j, "report", v.report);
    read_optional(j, "tries", v.tries);
    read_optional(j, "detail", v.detail);
    get_optional(j, "engine_boots", v.engine_boots);
    get_optional(j, "engine_time", v.engine_time);
    get_optional(j, "report_value", v.report_value);
}

void to_json(Json& j, const SnmpFacts& f) {
    j = Json{{"communities", f.communities}, {"v3", f.v3},
             {"answered", f.answered},       {"versions_answered", f.versions_answered},
             {"exchanges", f.exchanges},     {"wait_ms", f.wait_ms},
             {"max_tries", f.max_tries}};
}
void from_json(const Json& j, SnmpFacts& f) {
    require_object(j, "snmp facts");
    j.at("communities").get_to(f.communities);
    j.at("v3").get_to(f.v3);
    read_optional(j, "answered", f.answered);
    read_optional(j, "versions_answered", f.versions_answered);
    read_optional(j, "exchanges", f.exchanges);
    read_optional(j, "wait_ms", f.wait_ms);
    read_optional(j, "max_tries", f.max_tries);
}

core::Result<SnmpFacts> parse_snmp_facts(const Json& j) {
    return core::fact_json::parse_facts<SnmpFacts>(j, kSnmpProbe);
}

}  // namespace conformscan::checks::snmp
