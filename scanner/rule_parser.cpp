#include "scanner/rule_parser.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "scanner/yaml_params.hpp"

namespace conformscan::scanner {

namespace {

using yaml::Fields;

const std::vector<std::string_view> kRuleKeys = {
    "id",    "title", "description", "severity",  "dimension", "layer", "plane",          "applies_to",
    "check", "with",  "references",  "guideline", "cwe",       "cve",   "effective_from", "effective_until"};
const std::vector<std::string_view> kSeverities = {"critical", "high", "medium", "low", "info"};
// ITU-T X.805 §6 security dimensions, §7 layers, §8 planes.
const std::vector<std::string_view> kDimensions = {
    "access-control",         "authentication", "non-repudiation", "data-confidentiality",
    "communication-security", "data-integrity", "availability",    "privacy"};
const std::vector<std::string_view> kLayers = {"infrastructure", "services", "applications"};
const std::vector<std::string_view> kPlanes = {"management", "control", "end-user"};
const std::vector<std::string_view> kReferenceKeys = {"document", "clause", "url", "verified", "note"};
const std::vector<std::string_view> kAppliesToKeys = {"services", "tags", "ports"};

bool is_rule_id(std::string_view s) {
    if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

bool is_service_word(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool all_digits(std::string_view s, std::size_t min_len) {
    return s.size() >= min_len && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
}

bool is_cwe(std::string_view s) {
    return s.substr(0, 4) == "CWE-" && all_digits(s.substr(4), 1);
}

// CVE-YYYY-NNNN with four or more digits in the sequence number (CVE ID syntax, 2014).
bool is_cve(std::string_view s) {
    return s.size() > 9 && s.substr(0, 4) == "CVE-" && all_digits(s.substr(4, 4), 4) && s[8] == '-' &&
           all_digits(s.substr(9), 4);
}

core::Result<void> one_of(const yaml::Context& ctx, const Fields& f, std::string_view key,
                          const std::vector<std::string_view>& choices, std::string& out) {
    const auto* e = f.find(key);
    if (e == nullptr) return {};
    auto s = yaml::to_string(ctx, e->value, Fields::mark_of(*e), f.path_of(key));
    if (!s) return s.error();
    if (std::find(choices.begin(), choices.end(), *s) == choices.end())
        return ctx.error(
            Fields::mark_of(*e), f.path_of(key),
            fmt::format("expected one of {}; got {}", fmt::join(choices, ", "), yaml::quote(*s)));
    out = std::move(*s);
    return {};
}

core::Result<void> read_applies_to(const yaml::Context& ctx, const Fields& rule, core::AppliesTo& out) {
    const auto* e = rule.find("applies_to");
    if (e == nullptr) return {};
    auto f = Fields::read(ctx, e->value, e->key_mark, rule.path_of("applies_to"), kAppliesToKeys);
    if (!f) return f.error();
    if (const auto* s = f->find("services")) {
        auto list = yaml::to_string_list(ctx, s->value, Fields::mark_of(*s), f->path_of("services"));
        if (!list) return list.error();
        for (std::size_t i = 0; i < list->size(); ++i)
            if (!is_service_word((*list)[i]))
                return ctx.error(s->value[i].Mark(), yaml::index_path(f->path_of("services"), i),
                                 fmt::format("expected a service name of a-z, 0-9 and '-'; got {}",
                                             yaml::quote((*list)[i])));
        out.services = std::move(*list);
    }
    if (const auto* t = f->find("tags")) {
        auto list = yaml::to_string_list(ctx, t->value, Fields::mark_of(*t), f->path_of("tags"));
        if (!list) return list.error();
        out.tags = std::move(*list);
    }
    if (const auto* p = f->find("ports")) {
        auto list = yaml::to_int_list(ctx, p->value, Fields::mark_of(*p), f->path_of("ports"), 1, 65535);
        if (!list) return list.error();
        for (auto port : *list) out.ports.push_back(static_cast<std::uint16_t>(port));
    }
    return {};
}

core::Result<core::Reference> read_reference(const yaml::Context& ctx, const YAML::Node& node,
                                             const YAML::Mark& fallback, const std::string& path) {
    auto f = Fields::read(ctx, node, fallback, path, kReferenceKeys);
    if (!f) return f.error();
    core::Reference ref;
    auto document = f->required_string(ctx, "document");
    if (!document) return document.error();
    ref.document = std::move(*document);
    auto clause = f->required_string(ctx, "clause");
    if (!clause) return clause.error();
    ref.clause = std::move(*clause);
    if (auto r = f->optional_string(ctx, "url", ref.url); !r) return r.error();
    if (auto r = f->optional_string(ctx, "note", ref.note); !r) return r.error();
    if (const auto* v = f->find("verified")) {
        auto b = yaml::to_bool(ctx, v->value, Fields::mark_of(*v), f->path_of("verified"));
        if (!b) return b.error();
        ref.verified = *b;
    }
    return ref;
}

core::Result<void> read_references(const yaml::Context& ctx, const Fields& rule,
                                   std::vector<core::Reference>& out) {
    const auto* e = rule.find("references");
    const auto path = rule.path_of("references");
    if (e == nullptr)
        return rule.missing(ctx, "references", "a list of {document, clause} citing the requirement");
    if (!e->value.IsSequence() || e->value.size() == 0)
        return ctx.error(Fields::mark_of(*e), path, "expected a non-empty list of {document, clause}");
    std::size_t i = 0;
    for (const auto& item : e->value) {
        auto ref = read_reference(ctx, item, Fields::mark_of(*e), yaml::index_path(path, i++));
        if (!ref) return ref.error();
        out.push_back(std::move(*ref));
    }
    return {};
}

core::Result<void> read_guideline(const yaml::Context& ctx, const Fields& rule, core::Guideline& out,
                                  nlohmann::json& i18n) {
    const auto* e = rule.find("guideline");
    if (e == nullptr)
        return rule.missing(ctx, "guideline", "a mapping with a summary and per-software fixes");
    std::vector<std::string_view> keys{"summary"};
    const auto& software = guideline_software();
    keys.insert(keys.end(), software.begin(), software.end());
    auto f = Fields::read(ctx, e->value, e->key_mark, rule.path_of("guideline"), keys);
    if (!f) return f.error();
    if (auto r = read_text(ctx, *f, "summary", true, out.summary, i18n, "summary"); !r) return r.error();
    for (const auto& entry : f->entries()) {
        if (entry.key == "summary" || entry.value.IsNull()) continue;
        auto fix = yaml::to_string(ctx, entry.value, Fields::mark_of(entry), f->path_of(entry.key));
        if (!fix) return fix.error();
        out.fixes[entry.key] = std::move(*fix);
    }
    return {};
}

core::Result<void> read_ids(const yaml::Context& ctx, const Fields& rule, std::string_view key,
                            bool (*valid)(std::string_view), std::string_view form,
                            std::vector<std::string>& out) {
    const auto* e = rule.find(key);
    if (e == nullptr) return {};
    auto list = yaml::to_string_list(ctx, e->value, Fields::mark_of(*e), rule.path_of(key));
    if (!list) return list.error();
    std::size_t i = 0;
    for (const auto& item : *list) {
        if (!valid(item)) {
            const auto& node = e->value[i];
            return ctx.error(node.Mark(), yaml::index_path(rule.path_of(key), i),
                             fmt::format("expected {}; got {}", form, yaml::quote(item)));
        }
        ++i;
    }
    out = std::move(*list);
    return {};
}

core::Result<void> read_time(const yaml::Context& ctx, const Fields& rule, std::string_view key,
                             std::optional<core::TimePoint>& out) {
    const auto* e = rule.find(key);
    if (e == nullptr) return {};
    auto text = yaml::to_string(ctx, e->value, Fields::mark_of(*e), rule.path_of(key));
    if (!text) return text.error();
    auto t = core::parse_time(*text);
    if (!t) return ctx.error(Fields::mark_of(*e), rule.path_of(key), t.error().message);
    out = *t;
    return {};
}

}  // namespace

const std::vector<std::string_view>& text_languages() {
    static const std::vector<std::string_view> kLanguages = {"en", "fr", "es", "ar", "ru", "zh"};
    return kLanguages;
}

core::Result<void> read_text(const yaml::Context& ctx, const Fields& f, std::string_view key, bool required,
                             std::string& en, nlohmann::json& i18n, std::string_view field) {
    const auto* e = f.find(key);
    if (e == nullptr) {
        if (required) return f.missing(ctx, key, "a string, or a mapping by language with at least en");
        return {};
    }
    if (!e->value.IsMap()) {
        auto text = yaml::to_string(ctx, e->value, Fields::mark_of(*e), f.path_of(key));
        if (!text) return text.error();
        if (text->empty()) return ctx.error(Fields::mark_of(*e), f.path_of(key), "must not be empty");
        en = std::move(*text);
        return {};
    }
    auto by_lang = Fields::read(ctx, e->value, e->key_mark, f.path_of(key), text_languages());
    if (!by_lang) return by_lang.error();
    if (by_lang->find("en") == nullptr)
        return by_lang->missing(ctx, "en", "the English text (other languages are optional)");
    for (const auto& entry : by_lang->entries()) {
        auto text = yaml::to_string(ctx, entry.value, Fields::mark_of(entry), by_lang->path_of(entry.key));
        if (!text) return text.error();
        if (text->empty()) return ctx.error(Fields::mark_of(entry), by_lang->path_of(entry.key), "must not be empty");
        if (entry.key == "en")
            en = std::move(*text);
        else
            i18n[entry.key][std::string(field)] = std::move(*text);
    }
    return {};
}

const std::vector<std::string_view>& guideline_software() {
    static const std::vector<std::string_view> kSoftware = {
        "nginx",   "apache",   "lighttpd",   "haproxy", "iis",      "tomcat",  "openssh",
        "postfix", "dovecot",  "exim",       "vsftpd",  "net_snmp", "openssl", "cisco_ios",
        "junos",   "routeros", "huawei_vrp", "fortios", "windows",  "java",    "general"};
    return kSoftware;
}

core::Result<core::Rule> parse_rule(const yaml::Context& ctx, const YAML::Node& node,
                                    const YAML::Mark& fallback, const std::string& path,
                                    const core::CheckRegistry& checks) {
    auto f = Fields::read(ctx, node, fallback, path, kRuleKeys);
    if (!f) return f.error();
    core::Rule rule;
    rule.defined_in = ctx.where(f->mark());

    auto id = f->required_string(ctx, "id");
    if (!id) return id.error();
    if (!is_rule_id(*id))
        return ctx.error(
            Fields::mark_of(*f->find("id")), f->path_of("id"),
            fmt::format("expected letters, digits, '.', '_' or '-', starting with a letter or digit; got {}",
                        yaml::quote(*id)));
    rule.id = std::move(*id);
    if (auto r = read_text(ctx, *f, "title", true, rule.title, rule.i18n, "title"); !r) return r.error();
    if (auto r = read_text(ctx, *f, "description", false, rule.description, rule.i18n, "description"); !r)
        return r.error();

    if (f->find("severity") == nullptr)
        return f->missing(ctx, "severity", "one of critical, high, medium, low, info");
    std::string severity;
    if (auto r = one_of(ctx, *f, "severity", kSeverities, severity); !r) return r.error();
    rule.severity = core::severity_from_string(severity).value_or(core::Severity::medium);
    rule.severity_given = true;
    if (auto r = one_of(ctx, *f, "dimension", kDimensions, rule.dimension); !r) return r.error();
    if (auto r = one_of(ctx, *f, "layer", kLayers, rule.layer); !r) return r.error();
    if (auto r = one_of(ctx, *f, "plane", kPlanes, rule.plane); !r) return r.error();
    if (auto r = read_applies_to(ctx, *f, rule.applies_to); !r) return r.error();

    const auto* check_entry = f->find("check");
    if (check_entry == nullptr) return f->missing(ctx, "check", "a check type such as tls.protocol_versions");
    auto check = yaml::to_string(ctx, check_entry->value, Fields::mark_of(*check_entry), f->path_of("check"));
    if (!check) return check.error();
    const auto* descriptor = checks.find(*check);
    if (descriptor == nullptr)
        return ctx.error(
            Fields::mark_of(*check_entry), f->path_of("check"),
            fmt::format("unknown check type {}; see `conformscan checks list`", yaml::quote(*check)));
    rule.check = std::move(*check);

    const auto* with = f->find("with");
    const auto with_mark = with != nullptr ? with->key_mark : f->mark();
    auto params = yaml::check_params(ctx, *descriptor, with != nullptr ? with->value : YAML::Node(),
                                     with_mark, f->path_of("with"));
    if (!params) return params.error();
    rule.params = std::move(*params);

    if (auto r = read_references(ctx, *f, rule.references); !r) return r.error();
    if (auto r = read_guideline(ctx, *f, rule.guideline, rule.i18n); !r) return r.error();
    if (auto r = read_ids(ctx, *f, "cwe", is_cwe, "CWE-<number>", rule.cwe); !r) return r.error();
    if (auto r = read_ids(ctx, *f, "cve", is_cve, "CVE-<year>-<number>", rule.cve); !r) return r.error();
    if (auto r = read_time(ctx, *f, "effective_from", rule.effective_from); !r) return r.error();
    if (auto r = read_time(ctx, *f, "effective_until", rule.effective_until); !r) return r.error();
    if (rule.effective_from && rule.effective_until && *rule.effective_until < *rule.effective_from)
        return ctx.error(Fields::mark_of(*f->find("effective_until")), f->path_of("effective_until"),
                         "must not be before effective_from");
    return rule;
}

}  // namespace conformscan::scanner
