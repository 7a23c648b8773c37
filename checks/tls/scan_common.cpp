#include "checks/tls/scan_common.hpp"

#include <algorithm>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

const std::vector<std::string>& protocol_version_names() {
    static const std::vector<std::string> names{"SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
    return names;
}

int version_rank(std::string_view version) {
    const auto& names = protocol_version_names();
    const auto wanted = ascii_lower(version);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (ascii_lower(names[i]) == wanted) return static_cast<int>(i);
    return -1;
}

std::vector<std::string> sorted_versions(std::vector<std::string> versions) {
    std::vector<std::string> out;
    for (const auto& v : versions)
        if (!contains_ci(out, v)) out.push_back(v);
    const auto key = [](const std::string& v) {
        const int r = version_rank(v);
        return r < 0 ? static_cast<int>(protocol_version_names().size()) : r;
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
    return out;
}

core::ParamSpec versions_param(std::string name, nlohmann::json default_value, std::string description) {
    return core::ParamSpec{.name = std::move(name),
                           .type = core::ParamType::string_list,
                           .description = std::move(description),
                           .default_value = std::move(default_value),
                           .choices = protocol_version_names()};
}

namespace {

const core::ProbeRecord* record_of(const core::CheckContext& ctx, const char* probe) {
    return ctx.facts.get(probe);
}

}  // namespace

core::Result<TlsVersionsFacts> load_versions_facts(const core::CheckContext& ctx) {
    const auto* record = record_of(ctx, kTlsVersionsProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no tls_versions facts for this target");
    return parse_tls_versions_facts(record->data);
}

core::Result<TlsSuitesFacts> load_suites_facts(const core::CheckContext& ctx) {
    const auto* record = record_of(ctx, kTlsSuitesProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no tls_suites facts for this target");
    return parse_tls_suites_facts(record->data);
}

std::vector<const VersionSuites*> select_versions(const TlsSuitesFacts& facts,
                                                  const std::vector<std::string>& versions) {
    std::vector<const VersionSuites*> out;
    for (const auto& v : facts.per_version)
        if (versions.empty() || contains_ci(versions, v.version)) out.push_back(&v);
    return out;
}

}  // namespace conformscan::checks::tls
