// snmp.community: no community from the list answers on SNMPv1 or SNMPv2c.
// A community is a cleartext password (RFC 3584 §5.2.1 does no more than
// compare strings); a well-known one (CVE-1999-0517 public, CVE-1999-0516
// private) gives anyone read access, and write access where it is a
// write community. X.805 §6.1 access control, §8.1 management plane.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/snmp/snmp_checks.hpp"
#include "checks/snmp/snmp_probe.hpp"

namespace conformscan::checks::snmp {

namespace {

using core::Outcome;
using Json = nlohmann::json;

std::vector<std::string> list_param(const Json& params, const char* key,
                                    const std::vector<std::string>& fallback) {
    return params.contains(key) && params[key].is_array() ? params[key].get<std::vector<std::string>>()
                                                          : fallback;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_snmp_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto communities = list_param(params, "communities", default_communities());
    const auto versions = list_param(params, "versions", {"v1", "v2c"});

    Json answered = Json::array();
    std::vector<std::string> answered_text;
    std::vector<std::string> not_tried;
    std::vector<std::string> labels;
    for (const auto& community : communities) {
        const auto label = community_label(community);
        const auto fp = community_fingerprint(community);
        labels.push_back(label == "<masked>" ? fmt::format("<masked {}>", fp) : label);
        for (const auto& version : versions) {
            const auto it = std::find_if(
                facts->communities.begin(), facts->communities.end(),
                [&](const CommunityAttempt& a) { return a.fingerprint == fp && a.version == version; });
            if (it == facts->communities.end()) {
                not_tried.push_back(fmt::format("{} on {}", labels.back(), version));
                continue;
            }
            if (!it->answered) continue;
            Json e{
                {"community", it->community}, {"version", it->version}, {"error_status", it->error_status}};
            if (it->masked) e["fingerprint"] = it->fingerprint;
            if (it->sys_descr) e["sys_descr"] = *it->sys_descr;
            answered.push_back(std::move(e));
            answered_text.push_back(fmt::format(
                "'{}' on {}{}", labels.back(), version,
                it->sys_descr ? fmt::format(" (sysDescr \"{}\")", *it->sys_descr) : std::string{}));
        }
    }
    const Json expected{
        {"communities_answering", Json::array()}, {"communities", labels}, {"versions", versions}};
    const Json observed{{"answered", answered},
                        {"versions_answered", facts->versions_answered},
                        {"requests", outcomes_evidence(*facts)}};
    if (!answered.empty())
        return Outcome::fail(fmt::format("SNMP answers with community {}", fmt::join(answered_text, ", ")),
                             observed, expected);
    if (!not_tried.empty())
        return Outcome::error(
            fmt::format("the snmp facts do not cover {} (they come from a scan with another "
                        "community list); scan again with this profile",
                        fmt::join(not_tried, ", ")),
            observed);
    if (!facts->answered) {
        if (params.value("on_silence", "pass") == "error")
            return Outcome::error(silence_message(*facts), observed);
        return Outcome::pass(fmt::format("no community answers: {}", silence_message(*facts)), observed,
                             expected);
    }
    return Outcome::pass(
        fmt::format("none of the {} communities answers on {} (SNMP answers on {})", communities.size(),
                    fmt::join(versions, ", "), fmt::join(facts->versions_answered, ", ")),
        observed, expected);
}

Json probe_inputs(const Json& params) {
    return Json{{kSnmpProbe, {{"communities", list_param(params, "communities", default_communities())}}}};
}

}  // namespace

core::CheckDescriptor community_check() {
    core::CheckDescriptor d;
    d.name = "snmp.community";
    d.title = "No SNMP community from the list answers";
    d.description =
        "Sends an SNMPv1 and an SNMPv2c GET of sysDescr.0 with each listed community; fails when any "
        "answers, "
        "with the community, the version and the sysDescr as evidence. Communities other than well-known "
        "defaults are masked in facts and evidence (shown as <masked FINGERPRINT>, the first 8 hex digits of "
        "SHA-256 of \"conformscan-snmp-community:\" + the community). Silence passes unless on_silence: "
        "error.";
    d.facts = {kSnmpProbe};
    d.params = {
        core::ParamSpec{.name = "communities",
                        .type = core::ParamType::string_list,
                        .description = "Communities to try (each costs two requests, more when silent).",
                        .default_value = Json::array({"public", "private"})},
        core::ParamSpec{.name = "versions",
                        .type = core::ParamType::string_list,
                        .description = "Versions on which an answering community fails the rule.",
                        .default_value = Json::array({"v1", "v2c"}),
                        .choices = {"v1", "v2c"}},
        on_silence_param()};
    d.examples = {"{}", "{communities: [public, private, cisco, community]}", "{on_silence: error}"};
    d.validate = [](const Json& params) -> core::Result<void> {
        const auto c = list_param(params, "communities", default_communities());
        if (c.empty())
            return core::make_error("bad_param", "communities: give at least one community", "communities");
        if (c.size() > 32) return core::make_error("bad_param", "communities: at most 32", "communities");
        for (const auto& s : c)
            if (s.size() > 255)
                return core::make_error("bad_param", "communities: a community of more than 255 bytes",
                                        "communities");
        return {};
    };
    d.probe_inputs = probe_inputs;
    d.evaluate = guarded("snmp.community", evaluate);
    return d;
}

}  // namespace conformscan::checks::snmp
