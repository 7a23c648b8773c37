#include "checks/tls/tls_scan_facts.hpp"

#include <exception>

#include <fmt/format.h>

namespace conformscan::checks::tls {

namespace {

using Json = nlohmann::json;

void require_object(const Json& j, const char* what) {
    if (!j.is_object()) throw Json::type_error::create(302, fmt::format("{} must be an object", what), &j);
}

// Absent or null keys keep the member's default, so facts saved by an older
// version (or trimmed by hand) still load; a present key of the wrong type is
// refused (get_to throws type_error), as in tls_facts.cpp.
template <typename T>
void read_optional(const Json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) it->get_to(out);
}

template <typename T>
core::Result<T> parse_as(const Json& j, const char* probe) {
    try {
        return j.get<T>();
    } catch (const std::exception& e) {
        return core::make_error("bad_facts", fmt::format("malformed {} facts: {}", probe, e.what()),
                                fmt::format("facts.{}", probe));
    }
}

}  // namespace

void to_json(Json& j, const ProtocolSupport& f) {
    j = Json{{"version", f.version}, {"accepted", f.accepted}, {"evidence", f.evidence}};
}

void from_json(const Json& j, ProtocolSupport& f) {
    require_object(j, "protocol");
    read_optional(j, "version", f.version);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "evidence", f.evidence);
}

void to_json(Json& j, const TlsVersionsFacts& f) {
    j = Json{{"protocols", f.protocols},
             {"accepted", f.accepted},
             {"highest", f.highest},
             {"connections", f.connections}};
}

void from_json(const Json& j, TlsVersionsFacts& f) {
    require_object(j, "tls_versions facts");
    read_optional(j, "protocols", f.protocols);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "highest", f.highest);
    read_optional(j, "connections", f.connections);
}

void to_json(Json& j, const SuiteFact& f) {
    j = Json{{"name", f.name}, {"code", f.code}};
}

void from_json(const Json& j, SuiteFact& f) {
    require_object(j, "suite");
    read_optional(j, "name", f.name);
    read_optional(j, "code", f.code);
}

void to_json(Json& j, const VersionSuites& f) {
    j = Json{{"version", f.version},
             {"suites", f.suites},
             {"preference", f.preference},
             {"complete", f.complete},
             {"note", f.note}};
}

void from_json(const Json& j, VersionSuites& f) {
    require_object(j, "per-version suites");
    read_optional(j, "version", f.version);
    read_optional(j, "suites", f.suites);
    read_optional(j, "preference", f.preference);
    read_optional(j, "complete", f.complete);
    read_optional(j, "note", f.note);
}

void to_json(Json& j, const TlsSuitesFacts& f) {
    j = Json{{"per_version", f.per_version}, {"accepted", f.accepted}, {"connections", f.connections}};
}

void from_json(const Json& j, TlsSuitesFacts& f) {
    require_object(j, "tls_suites facts");
    read_optional(j, "per_version", f.per_version);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsVersionsFacts> parse_tls_versions_facts(const Json& j) {
    return parse_as<TlsVersionsFacts>(j, "tls_versions");
}

core::Result<TlsSuitesFacts> parse_tls_suites_facts(const Json& j) {
    return parse_as<TlsSuitesFacts>(j, "tls_suites");
}

}  // namespace conformscan::checks::tls
