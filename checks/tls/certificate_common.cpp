#include "checks/tls/certificate_common.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>

#include <fmt/format.h>

namespace conformscan::checks::tls {

core::ParamSpec scope_param(Scope default_scope) {
    return core::ParamSpec{.name = "scope",
                           .type = core::ParamType::string,
                           .description =
                               "Which presented certificates are judged: the leaf only, or every "
                               "certificate of the chain as sent.",
                           .default_value = std::string(to_string(default_scope)),
                           .choices = {"leaf", "chain"}};
}

Scope scope_of(const nlohmann::json& params) {
    auto it = params.find("scope");
    return it != params.end() && it->is_string() && *it == "chain" ? Scope::chain : Scope::leaf;
}

std::string_view to_string(Scope s) {
    return s == Scope::chain ? "chain" : "leaf";
}

core::Result<TlsFacts> load_tls_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kTlsProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no tls facts for this target");
    return parse_tls_facts(record->data);
}

core::Result<TlsFacts> load_tls_facts_with_chain(const core::CheckContext& ctx) {
    auto facts = load_tls_facts(ctx);
    if (facts && facts->chain.empty())
        return core::make_error("no_certificate", "the server presented no certificate");
    return facts;
}

std::vector<JudgedCertificate> select_certificates(const TlsFacts& facts, Scope scope) {
    std::vector<JudgedCertificate> out;
    const std::size_t n =
        scope == Scope::chain ? facts.chain.size() : std::min<std::size_t>(1, facts.chain.size());
    for (std::size_t i = 0; i < n; ++i) out.push_back({i, &facts.chain[i]});
    return out;
}

nlohmann::json certificate_ref(const JudgedCertificate& c) {
    return {{"depth", c.depth}, {"subject", c.cert->subject}};
}

std::string describe(const JudgedCertificate& c) {
    if (c.depth == 0) return fmt::format("the leaf certificate ({})", c.cert->subject);
    return fmt::format("the certificate at depth {} ({})", c.depth, c.cert->subject);
}

core::Result<core::TimePoint> certificate_time(const JudgedCertificate& c, std::string_view field) {
    const auto& text = field == "not_before" ? c.cert->not_before : c.cert->not_after;
    auto t = core::parse_time(text);
    if (!t)
        return core::make_error("bad_facts",
                                fmt::format("{} of {}: {}", field, describe(c), t.error().message),
                                fmt::format("tls.chain[{}].{}", c.depth, field));
    return t;
}

long whole_days(core::TimePoint from, core::TimePoint to) {
    const auto seconds = (to - from).count();
    return static_cast<long>(std::floor(static_cast<double>(seconds) / kSecondsPerDay));
}

std::string days_text(long n) {
    return fmt::format("{} {}", n, n == 1 || n == -1 ? "day" : "days");
}

std::string format_date(core::TimePoint t) {
    return core::format_time(t).substr(0, 10);
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return out;
}

bool contains_ci(const std::vector<std::string>& list, std::string_view value) {
    const auto wanted = ascii_lower(value);
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& e) { return ascii_lower(e) == wanted; });
}

std::vector<std::string> string_list(const nlohmann::json& params, const char* key) {
    std::vector<std::string> out;
    auto it = params.find(key);
    if (it == params.end() || !it->is_array()) return out;
    for (const auto& e : *it)
        if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}

std::function<core::Outcome(const core::CheckContext&, const nlohmann::json&)> guarded(RuleFn rule) {
    return [rule](const core::CheckContext& ctx, const nlohmann::json& params) -> core::Outcome {
        try {
            return rule(ctx, params);
        } catch (const std::exception& e) {
            return core::Outcome::error(fmt::format("internal error while judging tls facts: {}", e.what()));
        }
    };
}

}  // namespace conformscan::checks::tls
