#include "reports/diff.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "reports/fingerprint.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;

// Probe data that measures the work done rather than what was observed: the
// connection count, and timings (handshake_ms, ...), which differ every run.
bool volatile_key(const std::string& key, int depth) {
    if (depth == 0 && key == "connections") return true;
    return key.size() > 3 && key.compare(key.size() - 3, 3, "_ms") == 0;
}

struct Indexed {
    const core::ScanReport* report = nullptr;
    std::map<std::string, const core::RuleResult*> results;       // by fingerprint
    std::map<std::string, const core::TargetRecord*> by_identity;  // identity JSON text
    std::map<std::string, const core::TargetRecord*> by_id;
    std::set<std::pair<std::string, std::string>> rules;  // (profile, rule)
};

core::Result<Indexed> index(const core::ScanReport& report, std::string_view side) {
    Indexed ix;
    ix.report = &report;
    for (const auto& t : report.targets) {
        ix.by_identity.emplace(target_identity(t.target).dump(), &t);
        ix.by_id.emplace(t.target.id, &t);
    }
    const auto prints = result_fingerprints(report);
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        const auto& r = report.results[i];
        if (!ix.results.emplace(prints[i], &r).second)
            return core::make_error("report", fmt::format("{} report has two results with fingerprint {} (target {}, "
                                                          "profile {}, rule {})",
                                                          side, prints[i], r.target_id, r.profile_id, r.rule_id));
        ix.rules.emplace(r.profile_id, r.rule_id);
    }
    return ix;
}

const core::TargetRecord* target_of(const Indexed& ix, const core::RuleResult& r) {
    auto it = ix.by_id.find(r.target_id);
    return it == ix.by_id.end() ? nullptr : it->second;
}

std::string identity_of(const Indexed& ix, const core::RuleResult& r) {
    const auto* t = target_of(ix, r);
    return t ? target_identity(t->target).dump() : Json::array({"target-id", r.target_id}).dump();
}

Json shorten(const Json& v, std::size_t max_chars) {
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.size() > max_chars) {
            // Cut on a UTF-8 character boundary.
            std::size_t cut = max_chars;
            while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
            return s.substr(0, cut) + "…";
        }
        return v;
    }
    if (v.is_array() || v.is_object()) {
        auto text = v.dump();
        if (text.size() > max_chars) return shorten(Json(text), max_chars);
    }
    return v;
}

// Leaves of a probe's data by fact path. Arrays of scalars are one value (a
// list of accepted suites reads better whole than element by element);
// arrays holding objects are walked by index (tls.chain[0].key.bits).
void flatten(const Json& v, const std::string& path, std::map<std::string, Json>& out, int depth = 0) {
    if (depth > 32) {
        out[path] = v;
        return;
    }
    if (v.is_object()) {
        for (const auto& [k, child] : v.items()) {
            if (volatile_key(k, depth)) continue;
            flatten(child, path + "." + k, out, depth + 1);
        }
        if (v.empty()) out[path] = v;
        return;
    }
    if (v.is_array()) {
        const bool scalars = std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_primitive(); });
        if (scalars) {
            out[path] = v;
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) flatten(v[i], fmt::format("{}[{}]", path, i), out, depth + 1);
        return;
    }
    out[path] = v;
}

Json record_state(const core::ProbeRecord* r) {
    if (r == nullptr) return nullptr;
    if (r->status == core::ProbeStatus::ok) return "observed";
    return fmt::format("error: {}", r->error);
}

void diff_probe(const std::string& probe, const core::TargetRecord& old_t, const core::TargetRecord& new_t,
                const DiffOptions& options, ResultChange& change) {
    const auto* a = old_t.facts.get(probe);
    const auto* b = new_t.facts.get(probe);
    auto add = [&](std::string path, Json old_value, Json new_value) {
        if (change.facts.size() >= options.max_fact_changes) {
            ++change.facts_omitted;
            return;
        }
        change.facts.push_back({probe, std::move(path), shorten(old_value, options.max_value_chars),
                                shorten(new_value, options.max_value_chars)});
    };
    if (a == nullptr && b == nullptr) return;
    const bool both_ok = a && b && a->status == core::ProbeStatus::ok && b->status == core::ProbeStatus::ok;
    if (!both_ok) {
        auto sa = record_state(a), sb = record_state(b);
        if (sa != sb) add(probe, std::move(sa), std::move(sb));
        return;
    }
    std::map<std::string, Json> fa, fb;
    flatten(a->data, probe, fa);
    flatten(b->data, probe, fb);
    auto ia = fa.begin();
    auto ib = fb.begin();
    while (ia != fa.end() || ib != fb.end()) {
        if (ib == fb.end() || (ia != fa.end() && ia->first < ib->first)) {
            add(ia->first, ia->second, nullptr);
            ++ia;
        } else if (ia == fa.end() || ib->first < ia->first) {
            add(ib->first, nullptr, ib->second);
            ++ib;
        } else {
            if (ia->second != ib->second) add(ia->first, ia->second, ib->second);
            ++ia;
            ++ib;
        }
    }
}

// The facts behind a change: the probes the rule read when the results say
// so, else (older reports) every probe of the target.
void diff_facts(const core::RuleResult* old_r, const core::RuleResult* new_r, const core::TargetRecord* old_t,
                const core::TargetRecord* new_t, const DiffOptions& options, ResultChange& change) {
    if (old_t == nullptr || new_t == nullptr) return;
    std::set<std::string> probes;
    for (const auto* r : {old_r, new_r})
        if (r) probes.insert(r->probes.begin(), r->probes.end());
    if (!probes.empty()) {
        change.facts_basis = "rule";
    } else {
        change.facts_basis = "target";
        for (const auto* t : {old_t, new_t})
            for (const auto& [name, _] : t->facts.records()) probes.insert(name);
    }
    change.probes_compared.assign(probes.begin(), probes.end());
    for (const auto& p : probes) diff_probe(p, *old_t, *new_t, options, change);
}

ResultChange make_change(const std::string& fingerprint, const core::RuleResult* old_r, const core::RuleResult* new_r,
                         const Indexed& old_ix, const Indexed& new_ix, const DiffOptions& options) {
    const auto& any = new_r ? *new_r : *old_r;
    ResultChange c;
    c.fingerprint = fingerprint;
    c.target_id = any.target_id;
    c.profile_id = any.profile_id;
    c.rule_id = any.rule_id;
    c.title = any.title;
    c.title_i18n = any.i18n;
    c.severity = any.severity;
    const auto* old_t = old_r ? target_of(old_ix, *old_r) : nullptr;
    const auto* new_t = new_r ? target_of(new_ix, *new_r) : nullptr;
    // The target as it is on the other side, for a result present on one side only.
    if (!old_t && new_r) {
        auto it = old_ix.by_identity.find(identity_of(new_ix, *new_r));
        if (it != old_ix.by_identity.end()) old_t = it->second;
    }
    if (!new_t && old_r) {
        auto it = new_ix.by_identity.find(identity_of(old_ix, *old_r));
        if (it != new_ix.by_identity.end()) new_t = it->second;
    }
    if (const auto* t = new_t ? new_t : old_t) c.target_name = t->target.name;
    if (old_r) {
        c.old_status = old_r->status;
        c.old_message = old_r->message;
    }
    if (new_r) {
        c.new_status = new_r->status;
        c.new_message = new_r->message;
    }
    diff_facts(old_r, new_r, old_t, new_t, options, c);
    return c;
}

DiffSide side_of(const core::ScanReport& r) {
    DiffSide s;
    s.scan_id = r.scan_id;
    s.operator_name = r.operator_name;
    s.mode = r.mode;
    s.started_at = core::format_time(r.started_at);
    s.as_of = core::format_time(r.as_of);
    s.tool_version = r.tool_version;
    auto summary = core::summarize(r);
    s.summary = {{"results", summary["results"]},
                 {"failed_by_severity", summary["failed_by_severity"]},
                 {"targets", summary["targets"]},
                 {"conformance_percent", summary["conformance_percent"]},
                 {"conformance_percent_without_waivers", summary["conformance_percent_without_waivers"]},
                 {"per_profile", summary["per_profile"]}};
    return s;
}

std::map<std::string, std::pair<std::string, std::string>> profile_versions(const core::ScanReport& r) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    if (!r.profiles.is_array()) return out;
    for (const auto& p : r.profiles)
        if (p.is_object() && p.contains("id") && p["id"].is_string())
            out[p["id"].get<std::string>()] = {p.value("version", ""), p.value("sha256", "")};
    return out;
}

void sort_changes(std::vector<ResultChange>& v) {
    std::sort(v.begin(), v.end(), [](const ResultChange& a, const ResultChange& b) {
        return std::make_tuple(-core::severity_rank(a.severity), a.target_id, a.profile_id, a.rule_id) <
               std::make_tuple(-core::severity_rank(b.severity), b.target_id, b.profile_id, b.rule_id);
    });
}

}  // namespace

core::Result<ReportDiff> diff_reports(const core::ScanReport& old_report, const core::ScanReport& new_report,
                                      const DiffOptions& options) {
    auto old_ix = index(old_report, "the old");
    if (!old_ix) return old_ix.error();
    auto new_ix = index(new_report, "the new");
    if (!new_ix) return new_ix.error();

    ReportDiff d;
    d.old_side = side_of(old_report);
    d.new_side = side_of(new_report);

    const auto old_profiles = profile_versions(old_report);
    const auto new_profiles = profile_versions(new_report);
    std::set<std::string> profile_ids;
    for (const auto& [id, _] : old_profiles) profile_ids.insert(id);
    for (const auto& [id, _] : new_profiles) profile_ids.insert(id);
    for (const auto& id : profile_ids) {
        DiffProfile p{id, {}, {}, {}, {}};
        if (auto it = old_profiles.find(id); it != old_profiles.end()) std::tie(p.old_version, p.old_sha256) = it->second;
        if (auto it = new_profiles.find(id); it != new_profiles.end()) std::tie(p.new_version, p.new_sha256) = it->second;
        if (p.old_version != p.new_version || p.old_sha256 != p.new_sha256 || !old_profiles.count(id) ||
            !new_profiles.count(id))
            d.profiles_changed.push_back(std::move(p));
    }

    for (const auto& [identity, t] : new_ix->by_identity)
        if (!old_ix->by_identity.count(identity))
            d.targets_added.push_back({t->target.id, t->target.name, target_identity(t->target)});
    for (const auto& [identity, t] : old_ix->by_identity)
        if (!new_ix->by_identity.count(identity))
            d.targets_removed.push_back({t->target.id, t->target.name, target_identity(t->target)});

    auto rule_ref = [](const Indexed& ix, const std::pair<std::string, std::string>& key) {
        DiffRule rule{key.first, key.second, {}, core::Severity::medium};
        for (const auto& r : ix.report->results)
            if (r.profile_id == key.first && r.rule_id == key.second) {
                rule.title = r.title;
                rule.severity = r.severity;
                rule.title_i18n = r.i18n;
                break;
            }
        return rule;
    };
    for (const auto& key : new_ix->rules)
        if (!old_ix->rules.count(key)) d.rules_added.push_back(rule_ref(*new_ix, key));
    for (const auto& key : old_ix->rules)
        if (!new_ix->rules.count(key)) d.rules_removed.push_back(rule_ref(*old_ix, key));

    using core::Status;
    for (const auto& [fp, n] : new_ix->results) {
        auto it = old_ix->results.find(fp);
        const core::RuleResult* o = it == old_ix->results.end() ? nullptr : it->second;
        if (o == nullptr) {
            // Only with an added target or rule (or a result the old report
            // lacked): listed when it fails; otherwise the addition says it.
            if (n->status == Status::fail) d.new_failures.push_back(make_change(fp, nullptr, n, *old_ix, *new_ix, options));
            continue;
        }
        if (o->status == n->status) {
            if (n->status == Status::fail)
                d.still_failing.push_back(make_change(fp, o, n, *old_ix, *new_ix, options));
            else
                ++d.unchanged;
            continue;
        }
        auto change = make_change(fp, o, n, *old_ix, *new_ix, options);
        if (o->status == Status::pass && n->status == Status::fail)
            d.regressions.push_back(std::move(change));
        else if (o->status == Status::fail && n->status == Status::pass)
            d.fixed.push_back(std::move(change));
        else if (n->status == Status::fail)
            d.new_failures.push_back(std::move(change));
        else
            d.other_changes.push_back(std::move(change));
    }
    // Results that are gone while their target and rule remain.
    for (const auto& [fp, o] : old_ix->results) {
        if (new_ix->results.count(fp)) continue;
        const bool target_kept = new_ix->by_identity.count(identity_of(*old_ix, *o)) > 0;
        const bool rule_kept = new_ix->rules.count({o->profile_id, o->rule_id}) > 0;
        if (target_kept && rule_kept) d.other_changes.push_back(make_change(fp, o, nullptr, *old_ix, *new_ix, options));
    }
    for (auto* v : {&d.new_failures, &d.regressions, &d.fixed, &d.still_failing, &d.other_changes}) sort_changes(*v);
    return d;
}

}  // namespace conformscan::reports
