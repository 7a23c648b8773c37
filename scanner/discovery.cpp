#include "scanner/discovery.hpp"

#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace conformscan::scanner {

namespace {

constexpr const char* kTcp = "tcp";

// The target service an identified service becomes. Services that offer a
// STARTTLS upgrade keep their name and get the upgrade, so that TLS rules
// apply to them; unknown and silent ports are plain "tcp".
void apply_identification(core::Target& t, const core::Json& data) {
    const auto service = data.value("service", std::string("unknown"));
    const auto tls = data.find("tls_offered");
    const bool tls_offered = tls != data.end() && tls->is_boolean() && tls->get<bool>();
    t.auto_service = true;
    t.starttls.clear();
    if (service == "unknown" || service == "silent" || service.empty()) {
        t.service = "tcp";
    } else {
        t.service = service;
        if (tls_offered && core::is_starttls_protocol(service)) t.starttls = service;
    }
}

}  // namespace

core::Result<Discovery> discover_services(std::vector<core::Target> targets,
                                          const core::ProbeRegistry& probes, const ObserveOptions& options) {
    Discovery out;
    Plan plan;
    for (const auto& t : targets)
        if (t.service == "auto")
            plan.targets.push_back({t, {kTcp}, core::Json{{kTcp, {{"identify", true}}}}, {}});
    out.summary = core::Json{{"swept", plan.targets.size()},
                             {"open", core::Json::array()},
                             {"closed", core::Json::array()},
                             {"filtered", core::Json::array()},
                             {"error", core::Json::array()}};
    if (plan.targets.empty()) {
        out.targets = std::move(targets);
        return out;
    }
    if (probes.find(kTcp) == nullptr)
        return core::make_error("plan",
                                "service: auto targets need the tcp probe, which this build does not have");
    spdlog::info("service: auto: identifying {} address:port pairs", plan.targets.size());
    auto observe_options = options;
    observe_options.on_progress = nullptr;
    auto records = observe(plan, probes, observe_options);
    std::map<std::string, core::TargetRecord> by_id;
    for (auto& r : records) by_id.emplace(r.target.id, std::move(r));

    for (auto& t : targets) {
        if (t.service != "auto") {
            out.targets.push_back(std::move(t));
            continue;
        }
        auto it = by_id.find(t.id);
        const core::ProbeRecord* record = it == by_id.end() ? nullptr : it->second.facts.get(kTcp);
        if (record == nullptr || record->status == core::ProbeStatus::error) {
            out.summary["error"].push_back(
                {{"target", t.id}, {"error", record == nullptr ? "not observed" : record->error}});
            continue;
        }
        const auto state = record->data.value("state", std::string());
        if (state != "open") {
            // Closed and filtered ports are not targets: the summary is where they show.
            out.summary[state == "closed" ? "closed" : "filtered"].push_back(t.id);
            continue;
        }
        core::Target found = it->second.target;  // resolved address included
        apply_identification(found, record->data);
        out.summary["open"].push_back({{"target", found.id},
                                       {"service", found.service},
                                       {"identified_by", record->data.value("identified_by", "")},
                                       {"evidence", record->data.value("evidence", "")}});
        out.tcp_records.emplace(found.id, *record);
        out.targets.push_back(std::move(found));
    }
    return out;
}

std::string auto_fit_reason(const std::string& probe, const core::Target& target) {
    if (!target.auto_service || probe == kTcp || probe == "port_sweep") return {};
    const auto& s = target.service;
    if (probe.rfind("tls", 0) == 0) {
        if (s == "tls" || s == "https" || !target.starttls.empty()) return {};
        return fmt::format("service: auto identified {} on port {}, which offers no TLS for the {} probe", s,
                           target.port, probe);
    }
    if (probe == "http" && (s == "http" || s == "https")) return {};
    if (probe == s) return {};
    return fmt::format("service: auto identified {} on port {}; the {} probe does not fit it", s, target.port,
                       probe);
}

void reuse_discovery(Plan& plan, const Discovery& discovery) {
    for (auto& planned : plan.targets) {
        auto it = discovery.tcp_records.find(planned.target.id);
        if (it == discovery.tcp_records.end()) continue;
        // Discovery asked only for identification; a rule that wants more
        // (ftp_user) gets its own tcp run.
        const auto inputs = planned.inputs.value(kTcp, core::Json::object());
        bool covered = true;
        for (const auto& [key, value] : inputs.items())
            if (key != "identify") covered = false;
        if (covered) planned.observed.put(it->second);
    }
}

}  // namespace conformscan::scanner
