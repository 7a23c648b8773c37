#include "scanner/tailoring.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/digest.hpp"
#include "scanner/rule_parser.hpp"
#include "scanner/yaml_params.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

namespace {

using yaml::Fields;
using Json = nlohmann::json;

constexpr std::string_view kCode = "bad_tailoring";
const std::vector<std::string_view> kTopKeys = {"tailoring", "modify", "drop", "add"};
const std::vector<std::string_view> kHeaderKeys = {"id", "profile", "title", "version", "description"};
const std::vector<std::string_view> kModifyKeys = {"rule", "reason", "severity", "with"};
const std::vector<std::string_view> kDropKeys = {"rule", "reason"};

bool is_tailoring_id(std::string_view s) {
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (s.empty() || !lower_or_digit(s[0])) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

// The list under `key` (absent: empty); each item a mapping.
core::Result<std::vector<YAML::Node>> items(const yaml::Context& ctx, const Fields& top, std::string_view key) {
    std::vector<YAML::Node> out;
    const auto* e = top.find(key);
    if (e == nullptr) return out;
    if (!e->value.IsSequence()) return ctx.error(Fields::mark_of(*e), key, "expected a list");
    for (const auto& item : e->value) out.push_back(item);
    return out;
}

std::vector<core::Rule>::iterator find_rule(core::Profile& p, const std::string& id) {
    return std::find_if(p.rules.begin(), p.rules.end(), [&](const core::Rule& r) { return r.id == id; });
}

core::Result<void> unknown_rule(const yaml::Context& ctx, const Fields& f, const core::Profile& p,
                                const std::string& id) {
    return ctx.error(Fields::mark_of(*f.find("rule")), f.path_of("rule"),
                     fmt::format("profile '{}' {} has no rule '{}' (it may have been dropped above); "
                                 "see `conformscan profiles show {} --resolved`",
                                 p.id, p.version, id, p.id));
}

struct Applied {
    Json modified = Json::array();
    Json dropped = Json::array();
    Json added = Json::array();
};

core::Result<void> modify(const yaml::Context& ctx, const YAML::Node& node, const YAML::Mark& fallback,
                          const std::string& path, const std::string& tailoring_id,
                          const core::CheckRegistry& checks, core::Profile& p, Applied& applied) {
    auto f = Fields::read(ctx, node, fallback, path, kModifyKeys);
    if (!f) return f.error();
    auto id = f->required_text(ctx, "rule", "the id of a rule of the profile");
    if (!id) return id.error();
    auto reason = f->required_text(ctx, "reason", "why the rule is changed");
    if (!reason) return reason.error();
    auto it = find_rule(p, *id);
    if (it == p.rules.end()) return unknown_rule(ctx, *f, p, *id);
    if (f->find("severity") == nullptr && f->find("with") == nullptr)
        return ctx.error(f->mark(), path, "nothing to change: give severity, with, or both (or drop the rule)");
    core::Rule rule = *it;
    std::vector<std::string> changes;
    if (const auto* s = f->find("severity")) {
        auto text = yaml::to_string(ctx, s->value, Fields::mark_of(*s), f->path_of("severity"));
        if (!text) return text.error();
        auto severity = core::severity_from_string(*text);
        if (!severity)
            return ctx.error(Fields::mark_of(*s), f->path_of("severity"),
                             fmt::format("expected one of critical, high, medium, low, info; got {}",
                                         yaml::quote(*text)));
        if (*severity != rule.severity)
            changes.push_back(fmt::format("severity: {} -> {}", core::to_string(rule.severity), *text));
        rule.severity = *severity;
    }
    if (const auto* w = f->find("with")) {
        const auto* check = checks.find(rule.check);
        if (check == nullptr)
            return ctx.error(w->key_mark, f->path_of("with"),
                             fmt::format("rule '{}' uses check '{}', which is not in this build", rule.id,
                                         rule.check));
        auto params = yaml::override_params(ctx, *check, rule.params, w->value, w->key_mark, f->path_of("with"),
                                            changes);
        if (!params) return params.error();
        rule.params = std::move(*params);
    }
    rule.tailored = {{"tailoring", tailoring_id},
                     {"action", "modified"},
                     {"reason", *reason},
                     {"changes", changes},
                     {"defined_in", ctx.where(f->mark())}};
    *it = std::move(rule);
    applied.modified.push_back({{"rule", *id}, {"reason", *reason}, {"changes", changes}});
    return {};
}

core::Result<void> drop(const yaml::Context& ctx, const YAML::Node& node, const YAML::Mark& fallback,
                        const std::string& path, core::Profile& p, Applied& applied) {
    auto f = Fields::read(ctx, node, fallback, path, kDropKeys);
    if (!f) return f.error();
    auto id = f->required_text(ctx, "rule", "the id of a rule of the profile");
    if (!id) return id.error();
    auto reason = f->required_text(ctx, "reason", "why the rule does not apply");
    if (!reason) return reason.error();
    auto it = find_rule(p, *id);
    if (it == p.rules.end()) return unknown_rule(ctx, *f, p, *id);
    p.rules.erase(it);
    applied.dropped.push_back({{"rule", *id}, {"reason", *reason}});
    return {};
}

core::Result<void> add(const yaml::Context& ctx, const YAML::Node& node, const YAML::Mark& fallback,
                       const std::string& path, const std::string& tailoring_id, const core::CheckRegistry& checks,
                       core::Profile& p, Applied& applied) {
    auto rule = parse_rule(ctx, node, fallback, path, checks);
    if (!rule) return rule.error();
    if (find_rule(p, rule->id) != p.rules.end())
        return ctx.error(node.Mark(), path + ".id",
                         fmt::format("profile '{}' already has a rule '{}'; change it under modify: instead",
                                     p.id, rule->id));
    rule->from_profile = tailoring_id;
    rule->tailored = {{"tailoring", tailoring_id}, {"action", "added"}, {"defined_in", rule->defined_in}};
    applied.added.push_back(rule->id);
    p.rules.push_back(std::move(*rule));
    return {};
}

}  // namespace

core::Result<void> apply_tailoring(const std::filesystem::path& file, const core::CheckRegistry& checks,
                                   std::vector<core::Profile>& profiles) {
    const yaml::Context ctx(file.string(), std::string(kCode));
    auto doc = yaml::load_document(ctx, file, "tailoring");
    if (!doc) return doc.error();
    try {
        auto top = Fields::read(ctx, doc->root, YAML::Mark::null_mark(), "", kTopKeys);
        if (!top) return top.error();
        const auto* h = top->find("tailoring");
        if (h == nullptr) return top->missing(ctx, "tailoring", "a mapping with id and profile");
        auto header = Fields::read(ctx, h->value, h->key_mark, "tailoring", kHeaderKeys);
        if (!header) return header.error();
        auto id = header->required_text(ctx, "id", "a name for this tailoring");
        if (!id) return id.error();
        if (!is_tailoring_id(*id))
            return ctx.error(Fields::mark_of(*header->find("id")), "tailoring.id",
                             fmt::format("expected lower-case letters, digits, '.', '_' or '-'; got {}",
                                         yaml::quote(*id)));
        auto profile_id = header->required_text(ctx, "profile", "the id of the profile it tailors");
        if (!profile_id) return profile_id.error();
        auto target = std::find_if(profiles.begin(), profiles.end(),
                                   [&](const core::Profile& p) { return p.id == *profile_id; });
        if (target == profiles.end()) {
            std::vector<std::string> ids;
            for (const auto& p : profiles) ids.push_back(p.id);
            return ctx.error(Fields::mark_of(*header->find("profile")), "tailoring.profile",
                             fmt::format("profile '{}' is not among the profiles of this run ({}); give it with "
                                         "--profile",
                                         *profile_id, fmt::join(ids, ", ")));
        }
        if (!target->tailoring.is_null())
            return ctx.error(Fields::mark_of(*header->find("profile")), "tailoring.profile",
                             fmt::format("profile '{}' is already tailored by {}; one tailoring file per profile",
                                         *profile_id, target->tailoring.value("path", "")));
        std::string title, version, description;
        if (auto r = header->optional_string(ctx, "title", title); !r) return r.error();
        if (auto r = header->optional_string(ctx, "version", version); !r) return r.error();
        if (auto r = header->optional_string(ctx, "description", description); !r) return r.error();
        if (top->find("modify") == nullptr && top->find("drop") == nullptr && top->find("add") == nullptr)
            return ctx.error(h->key_mark, "", "a tailoring file needs at least one of modify, drop or add");

        // Work on a copy: the profile changes only when the whole file applies.
        core::Profile p = *target;
        Applied applied;
        std::vector<std::string> touched;  // one change per rule, so the file reads unambiguously
        auto once = [&](const YAML::Node& item, const std::string& path) -> core::Result<void> {
            if (!item.IsMap() || !item["rule"] || !item["rule"].IsScalar()) return {};
            const auto rule_id = item["rule"].Scalar();
            if (std::find(touched.begin(), touched.end(), rule_id) != touched.end())
                return ctx.error(item["rule"].Mark(), path + ".rule",
                                 fmt::format("rule '{}' is modified or dropped twice in this file", rule_id));
            touched.push_back(rule_id);
            return {};
        };
        auto mods = items(ctx, *top, "modify");
        if (!mods) return mods.error();
        for (std::size_t i = 0; i < mods->size(); ++i) {
            const auto path = yaml::index_path("modify", i);
            if (auto r = once((*mods)[i], path); !r) return r.error();
            if (auto r = modify(ctx, (*mods)[i], top->find("modify")->key_mark, path, *id, checks, p, applied); !r)
                return r.error();
        }
        auto drops = items(ctx, *top, "drop");
        if (!drops) return drops.error();
        for (std::size_t i = 0; i < drops->size(); ++i) {
            const auto path = yaml::index_path("drop", i);
            if (auto r = once((*drops)[i], path); !r) return r.error();
            if (auto r = drop(ctx, (*drops)[i], top->find("drop")->key_mark, path, p, applied); !r) return r.error();
        }
        auto adds = items(ctx, *top, "add");
        if (!adds) return adds.error();
        for (std::size_t i = 0; i < adds->size(); ++i) {
            if (auto r = add(ctx, (*adds)[i], top->find("add")->key_mark, yaml::index_path("add", i), *id, checks,
                             p, applied);
                !r)
                return r.error();
        }
        Json info = {{"id", *id},
                     {"path", file.string()},
                     {"sha256", sha256_hex(doc->bytes)},
                     {"modified", applied.modified},
                     {"dropped", applied.dropped},
                     {"added", applied.added}};
        if (!title.empty()) info["title"] = title;
        if (!version.empty()) info["version"] = version;
        if (!description.empty()) info["description"] = description;
        p.tailoring = std::move(info);
        *target = std::move(p);
    } catch (const YAML::Exception& e) {
        return ctx.error(e.mark, "", fmt::format("cannot read the tailoring file: {}", e.msg));
    }
    return {};
}

}  // namespace conformscan::scanner
