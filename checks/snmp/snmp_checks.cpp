#include "checks/snmp/snmp_checks.hpp"

#include <exception>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace conformscan::checks::snmp {

using Json = nlohmann::json;

core::Result<SnmpFacts> load_snmp_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kSnmpProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no snmp facts for this target");
    return parse_snmp_facts(record->data);
}

core::ParamSpec on_silence_param() {
    return core::ParamSpec{
        .name = "on_silence",
        .type = core::ParamType::string,
        .description =
            "When SNMP answers on no version (silence, or ICMP port unreachable): `pass` (the default: "
            "nothing "
            "that answers can break the rule; a device with SNMP off is the goal) or `error` (for an "
            "inventory "
            "that says SNMP must be there, so that a scan that saw nothing is not reported clean).",
        .default_value = "pass",
        .choices = {"pass", "error"}};
}

std::string silence_message(const SnmpFacts& facts) {
    std::map<std::string, std::size_t> counts;
    for (const auto& a : facts.communities) ++counts[a.outcome];
    ++counts[facts.v3.outcome];
    std::vector<std::string> parts;
    for (const auto& [outcome, n] : counts) parts.push_back(fmt::format("{} {}", n, outcome));
    return fmt::format(
        "SNMP did not answer on v1, v2c or v3 ({} requests: {}; each tried up to {} times, {} ms each)",
        facts.communities.size() + 1, fmt::join(parts, ", "), facts.max_tries, facts.wait_ms);
}

Json outcomes_evidence(const SnmpFacts& facts) {
    Json out = Json::array();
    for (const auto& a : facts.communities) {
        Json e{{"version", a.version}, {"community", a.community}, {"outcome", a.outcome}};
        if (a.masked) e["fingerprint"] = a.fingerprint;
        if (a.sys_descr) e["sys_descr"] = *a.sys_descr;
        if (!a.detail.empty()) e["detail"] = a.detail;
        out.push_back(std::move(e));
    }
    Json v3{{"version", "v3"}, {"outcome", facts.v3.outcome}};
    if (!facts.v3.engine_id.empty()) v3["engine_id"] = facts.v3.engine_id;
    if (!facts.v3.detail.empty()) v3["detail"] = facts.v3.detail;
    out.push_back(std::move(v3));
    return out;
}

void register_snmp_checks(core::CheckRegistry& registry) {
    core::must_add(registry, community_check());
    core::must_add(registry, version_check());
}

}  // namespace conformscan::checks::snmp
