// snmp.version: where SNMP answers, only the allowed versions answer, and
// SNMPv3 does. SNMPv1 and v2c authenticate by a cleartext community and
// encrypt nothing; SNMPv3 USM (RFC 3414) authenticates and, with authPriv,
// encrypts (RFC 3826 AES). X.805 §6.2 authentication, §6.4 confidentiality,
// §8.1 management plane.
//
// What the probe can see: v3 by engine discovery, which every v3 agent
// answers (RFC 3414 §4); v1 and v2c only through a community that answers,
// so a v2c agent whose community is not in the list looks silent on v2c.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/snmp/snmp_checks.hpp"

namespace conformscan::checks::snmp {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_snmp_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto allowed = params.value("allowed", std::vector<std::string>{"v3"});
    const bool require_v3 = params.value("require_v3", true);

    Json by_version = Json::object();
    std::vector<std::string> answered;
    for (const char* version : {"v1", "v2c"}) {
        Json who = Json::array();
        for (const auto& a : facts->communities) {
            if (!a.answered || a.version != version) continue;
            Json e{{"community", a.community}};
            if (a.masked) e["fingerprint"] = a.fingerprint;
            if (a.sys_descr) e["sys_descr"] = *a.sys_descr;
            who.push_back(std::move(e));
        }
        if (!who.empty()) {
            answered.emplace_back(version);
            by_version[version] = std::move(who);
        }
    }
    if (facts->v3.answered) {
        answered.emplace_back("v3");
        Json v3{{"engine_id", facts->v3.engine_id}};
        if (facts->v3.engine_boots) v3["engine_boots"] = *facts->v3.engine_boots;
        by_version["v3"] = std::move(v3);
    }
    const Json observed{
        {"versions_answered", answered}, {"answered", by_version}, {"requests", outcomes_evidence(*facts)}};
    const Json expected{{"allowed", allowed}, {"require_v3", require_v3}};

    if (answered.empty()) {
        if (params.value("on_silence", "pass") == "error")
            return Outcome::error(silence_message(*facts), observed);
        return Outcome::pass(silence_message(*facts), observed, expected);
    }
    std::vector<std::string> forbidden;
    for (const auto& v : answered)
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) forbidden.push_back(v);
    if (!forbidden.empty()) {
        std::vector<std::string> what;
        for (const auto& v : forbidden) {
            if (v == "v3") {
                what.push_back("v3");
                continue;
            }
            std::vector<std::string> names;
            for (const auto& e : by_version[v])
                names.push_back(e.contains("fingerprint")
                                    ? fmt::format("<masked {}>", e.at("fingerprint").get<std::string>())
                                    : e.at("community").get<std::string>());
            what.push_back(fmt::format("{} (community {})", v, fmt::join(names, ", ")));
        }
        return Outcome::fail(
            fmt::format("SNMP answers on {}; allowed: {}", fmt::join(what, ", "),
                        allowed.empty() ? "none" : fmt::format("{}", fmt::join(allowed, ", "))),
            observed, expected);
    }
    if (require_v3 && !facts->v3.answered)
        return Outcome::fail(fmt::format("SNMP answers on {} but SNMPv3 does not answer engine discovery",
                                         fmt::join(answered, ", ")),
                             observed, expected);
    return Outcome::pass(
        fmt::format("SNMP answers only on {}{}", fmt::join(answered, ", "),
                    facts->v3.answered ? fmt::format(" (engine id {})", facts->v3.engine_id) : std::string{}),
        observed, expected);
}

}  // namespace

core::CheckDescriptor version_check() {
    core::CheckDescriptor d;
    d.name = "snmp.version";
    d.title = "SNMPv1 and v2c are off; SNMPv3 answers where SNMP does";
    d.description =
        "Fails when SNMP answers on a version not in `allowed` (v1 and v2c are seen only through a community "
        "the snmp probe tries: the snmp.community rules' lists, else public and private), or when it answers "
        "on some version but SNMPv3 does not answer engine discovery (require_v3). Silence passes unless "
        "on_silence: error.";
    d.facts = {kSnmpProbe};
    d.params = {core::ParamSpec{.name = "allowed",
                                .type = core::ParamType::string_list,
                                .description = "Versions that may answer.",
                                .default_value = Json::array({"v3"}),
                                .choices = {"v1", "v2c", "v3"}},
                core::ParamSpec{.name = "require_v3",
                                .type = core::ParamType::boolean,
                                .description = "Where SNMP answers at all, SNMPv3 must answer too.",
                                .default_value = true},
                on_silence_param()};
    d.examples = {"{}", "{allowed: [v2c, v3]}", "{allowed: [v3], on_silence: error}"};
    d.evaluate = guarded("snmp.version", evaluate);
    return d;
}

}  // namespace conformscan::checks::snmp
