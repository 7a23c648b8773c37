#include "scanner/waivers.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/digest.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

namespace {

using yaml::Fields;

constexpr std::string_view kCode = "bad_waivers";
constexpr std::size_t kMaxWaivers = 10000;
const std::vector<std::string_view> kTopKeys = {"waivers"};
const std::vector<std::string_view> kWaiverKeys = {"id",           "rule",        "profile",     "targets",
                                                   "tags",         "kind",        "justification", "requested_by",
                                                   "approved_by",  "approved_on", "expires_on"};

struct Loaded {
    Waiver waiver;
    YAML::Mark rule_mark;
    YAML::Mark profile_mark;
};

core::Result<Loaded> read_waiver(const yaml::Context& ctx, const YAML::Node& node, const YAML::Mark& fallback,
                                 std::size_t index) {
    auto f = Fields::read(ctx, node, fallback, yaml::index_path("waivers", index), kWaiverKeys);
    if (!f) return f.error();
    Loaded out;
    Waiver& w = out.waiver;
    w.defined_in = ctx.where(f->mark());
    auto id = f->required_text(ctx, "id", "a unique waiver id, e.g. W-2026-001");
    if (!id) return id.error();
    w.id = *id;
    auto rule = f->required_text(ctx, "rule", "a rule id or a glob such as X509-KEY-*");
    if (!rule) return rule.error();
    w.rule = *rule;
    out.rule_mark = Fields::mark_of(*f->find("rule"));
    if (auto r = f->optional_string(ctx, "profile", w.profile); !r) return r.error();
    if (const auto* p = f->find("profile")) out.profile_mark = Fields::mark_of(*p);
    auto targets = f->optional_string_list(ctx, "targets");
    if (!targets) return targets.error();
    w.targets = std::move(*targets);
    auto tags = f->optional_string_list(ctx, "tags");
    if (!tags) return tags.error();
    w.tags = std::move(*tags);
    auto kind = f->required_text(ctx, "kind", fmt::format("one of {}", fmt::join(waiver_kinds(), ", ")));
    if (!kind) return kind.error();
    if (std::find(waiver_kinds().begin(), waiver_kinds().end(), *kind) == waiver_kinds().end())
        return ctx.error(Fields::mark_of(*f->find("kind")), f->path_of("kind"),
                         fmt::format("expected one of {}; got {}", fmt::join(waiver_kinds(), ", "), yaml::quote(*kind)));
    w.kind = *kind;
    for (auto [key, slot, expected] :
         {std::tuple{"justification", &w.justification, "why the finding is accepted"},
          std::tuple{"requested_by", &w.requested_by, "who asked for the waiver"},
          std::tuple{"approved_by", &w.approved_by, "who approved it"}}) {
        auto text = f->required_text(ctx, key, expected);
        if (!text) return text.error();
        *slot = *text;
    }
    auto approved = f->required_text(ctx, "approved_on", "the approval date, e.g. 2026-11-01");
    if (!approved) return approved.error();
    const auto approved_mark = Fields::mark_of(*f->find("approved_on"));
    auto approved_on = core::parse_time(*approved);
    if (!approved_on) return ctx.error(approved_mark, f->path_of("approved_on"), approved_on.error().message);
    w.approved_on = *approved_on;
    auto expires = f->required_text(ctx, "expires_on", "a time with its offset, e.g. 2027-01-31T23:59:59+03:00");
    if (!expires) return expires.error();
    const auto expires_mark = Fields::mark_of(*f->find("expires_on"));
    // A bare date would be read as UTC midnight: the issuer's timezone must be written.
    if (expires->size() <= 10)
        return ctx.error(expires_mark, f->path_of("expires_on"),
                         fmt::format("give a time with an explicit offset, e.g. {}T23:59:59+00:00; got {}",
                                     expires->substr(0, 10), yaml::quote(*expires)));
    auto expires_on = core::parse_time(*expires, true);
    if (!expires_on) return ctx.error(expires_mark, f->path_of("expires_on"), expires_on.error().message);
    w.expires_on = *expires_on;
    w.expires_on_text = *expires;
    if (w.expires_on < w.approved_on)
        return ctx.error(expires_mark, f->path_of("expires_on"), "must not be before approved_on");
    return out;
}

core::Result<WaiverFile> read_file(const yaml::Context& ctx, const yaml::Document& doc,
                                   const std::vector<core::Profile>& profiles) {
    auto top = Fields::read(ctx, doc.root, YAML::Mark::null_mark(), "", kTopKeys);
    if (!top) return top.error();
    const auto* list = top->find("waivers");
    if (list == nullptr) return top->missing(ctx, "waivers", "a list of waivers");
    if (!list->value.IsSequence()) return ctx.error(Fields::mark_of(*list), "waivers", "expected a list of waivers");
    if (list->value.size() > kMaxWaivers)
        return ctx.error(Fields::mark_of(*list), "waivers", fmt::format("more than {} waivers", kMaxWaivers));
    WaiverFile out;
    std::map<std::string, std::string> seen;  // id -> where
    std::size_t index = 0;
    for (const auto& item : list->value) {
        auto loaded = read_waiver(ctx, item, Fields::mark_of(*list), index++);
        if (!loaded) return loaded.error();
        auto& w = loaded->waiver;
        if (auto it = seen.find(w.id); it != seen.end())
            return ctx.error(item.Mark(), yaml::index_path("waivers", index - 1) + ".id",
                             fmt::format("waiver id '{}' is already used at {}", w.id, it->second));
        seen.emplace(w.id, w.defined_in);
        // A waiver for a rule that does not exist is an error, not silence.
        bool profile_found = w.profile.empty();
        bool rule_found = false;
        std::vector<std::string> ids;
        for (const auto& p : profiles) {
            ids.push_back(p.id);
            if (!w.profile.empty() && !glob_match(w.profile, p.id)) continue;
            profile_found = true;
            for (const auto& r : p.rules)
                if (glob_match(w.rule, r.id)) rule_found = true;
        }
        if (!profile_found)
            return ctx.error(loaded->profile_mark, yaml::index_path("waivers", index - 1) + ".profile",
                             fmt::format("no loaded profile matches '{}' (loaded: {})", w.profile, fmt::join(ids, ", ")));
        if (!rule_found)
            return ctx.error(loaded->rule_mark, yaml::index_path("waivers", index - 1) + ".rule",
                             fmt::format("no rule of the loaded profiles ({}) matches '{}'", fmt::join(ids, ", "), w.rule));
        out.waivers.push_back(std::move(w));
    }
    return out;
}

bool covers(const Waiver& w, const core::RuleResult& r, const core::Target* target) {
    if (!glob_match(w.rule, r.rule_id)) return false;
    if (!w.profile.empty() && !glob_match(w.profile, r.profile_id)) return false;
    if (!w.targets.empty()) {
        const bool named = std::any_of(w.targets.begin(), w.targets.end(), [&](const std::string& p) {
            return glob_match(p, r.target_id) || (target != nullptr && !target->name.empty() && glob_match(p, target->name));
        });
        if (!named) return false;
    }
    if (!w.tags.empty()) {
        if (target == nullptr) return false;
        const bool tagged = std::any_of(w.tags.begin(), w.tags.end(), [&](const std::string& t) {
            return std::find(target->tags.begin(), target->tags.end(), t) != target->tags.end();
        });
        if (!tagged) return false;
    }
    return true;
}

}  // namespace

const std::vector<std::string_view>& waiver_kinds() {
    static const std::vector<std::string_view> kKinds = {"risk-accepted", "false-positive", "compensating-control",
                                                         "not-applicable"};
    return kKinds;
}

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matcher with one backtrack point for the last '*'.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

core::Result<WaiverFile> load_waivers(const std::filesystem::path& file, const std::vector<core::Profile>& profiles) {
    const yaml::Context ctx(file.string(), std::string(kCode));
    return yaml::read_document(ctx, file, "waiver file", [&](const yaml::Document& doc) -> core::Result<WaiverFile> {
        auto out = read_file(ctx, doc, profiles);
        if (!out) return out.error();
        out->path = file.string();
        out->sha256 = sha256_hex(doc.bytes);
        return out;
    });
}

nlohmann::json waiver_json(const Waiver& w) {
    nlohmann::json j{{"id", w.id},
                     {"rule", w.rule},
                     {"kind", w.kind},
                     {"justification", w.justification},
                     {"requested_by", w.requested_by},
                     {"approved_by", w.approved_by},
                     {"approved_on", core::format_time(w.approved_on)},
                     {"expires_on", w.expires_on_text},
                     {"defined_in", w.defined_in}};
    if (!w.profile.empty()) j["profile"] = w.profile;
    if (!w.targets.empty()) j["targets"] = w.targets;
    if (!w.tags.empty()) j["tags"] = w.tags;
    return j;
}

nlohmann::json apply_waivers(const WaiverFile& file, core::ScanReport& report) {
    std::map<std::string, const core::Target*> targets;
    for (const auto& t : report.targets) targets.emplace(t.target.id, &t.target);
    std::vector<int> applied(file.waivers.size(), 0);
    std::vector<int> blocked(file.waivers.size(), 0);  // results an expired waiver would have covered
    for (auto& r : report.results) {
        if (r.status != core::Status::fail && r.status != core::Status::error) continue;
        const auto it = targets.find(r.target_id);
        const core::Target* target = it == targets.end() ? nullptr : it->second;
        for (std::size_t i = 0; i < file.waivers.size(); ++i) {
            const auto& w = file.waivers[i];
            if (!covers(w, r, target)) continue;
            if (report.as_of > w.expires_on || report.as_of < w.approved_on) {
                ++blocked[i];
                r.waiver = {{"id", w.id}, {"expired", report.as_of > w.expires_on},
                            {"expires_on", w.expires_on_text}, {"not_applied", true}};
                continue;  // a later waiver in force may still cover it
            }
            ++applied[i];
            r.waiver = waiver_json(w);
            r.waiver["real_status"] = std::string(core::to_string(r.status));
            r.status = core::Status::waived;
            break;
        }
    }
    nlohmann::json active = nlohmann::json::array();
    nlohmann::json expired = nlohmann::json::array();
    nlohmann::json unused = nlohmann::json::array();
    for (std::size_t i = 0; i < file.waivers.size(); ++i) {
        const auto& w = file.waivers[i];
        auto j = waiver_json(w);
        if (report.as_of > w.expires_on) {
            j["results"] = blocked[i];
            expired.push_back(std::move(j));
        } else if (applied[i] > 0) {
            j["results"] = applied[i];
            active.push_back(std::move(j));
        } else {
            unused.push_back(w.id);
        }
    }
    return {{"file", file.path},   {"sha256", file.sha256}, {"as_of", core::format_time(report.as_of)},
            {"active", active},    {"expired", expired},    {"unused", unused}};
}

}  // namespace conformscan::scanner
