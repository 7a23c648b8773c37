#include "reports/report_view.hpp"

#include <fmt/format.h>

namespace conformscan::reports {

namespace {

std::string i18n_text(const core::RuleResult& r, std::string_view lang, const char* field, const std::string& en) {
    if (lang.empty() || lang == "en" || !r.i18n.is_object()) return en;
    const auto it = r.i18n.find(std::string(lang));
    if (it == r.i18n.end() || !it->is_object()) return en;
    const auto text = it->find(field);
    if (text == it->end() || !text->is_string() || text->get<std::string>().empty()) return en;
    return text->get<std::string>();
}

}  // namespace

const core::Target* find_target(const core::ScanReport& report, std::string_view id) {
    for (const auto& t : report.targets)
        if (t.target.id == id) return &t.target;
    return nullptr;
}

const nlohmann::json* find_profile(const core::ScanReport& report, std::string_view id) {
    if (!report.profiles.is_array()) return nullptr;
    for (const auto& p : report.profiles)
        if (p.is_object() && p.value("id", "") == id) return &p;
    return nullptr;
}

std::string localized_title(const core::RuleResult& r, std::string_view lang) {
    return i18n_text(r, lang, "title", r.title);
}

std::string localized_summary(const core::RuleResult& r, std::string_view lang) {
    return i18n_text(r, lang, "summary", r.guideline.summary);
}

std::string reference_text(const core::Reference& ref) {
    auto s = ref.clause.empty() ? ref.document : fmt::format("{} §{}", ref.document, ref.clause);
    if (!ref.verified) s += " (clause unverified)";
    return s;
}

std::string references_joined(const core::RuleResult& r) {
    std::string out;
    for (const auto& ref : r.references) {
        if (!out.empty()) out += "; ";
        out += reference_text(ref);
    }
    return out;
}

std::string target_uri(const core::Target& t) {
    std::string scheme;
    for (char c : t.service) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '-' || c == '.';
        if (ok) scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    // RFC 3986 §3.1: a scheme starts with a letter.
    if (scheme.empty() || !(scheme.front() >= 'a' && scheme.front() <= 'z')) scheme = "tcp";
    return fmt::format("{}://{}", scheme, t.id.empty() ? core::make_target_id(t.host, t.port) : t.id);
}

std::string target_label(const core::Target& t) {
    return t.name.empty() ? t.id : fmt::format("{} ({})", t.id, t.name);
}

std::string compact_json(const nlohmann::json& value, std::size_t max_bytes) {
    auto text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (max_bytes == 0 || text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    text.resize(cut);
    return text + "…";
}

}  // namespace conformscan::reports
