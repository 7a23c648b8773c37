#include "checks/http/http_checks.hpp"

#include <exception>

#include <fmt/format.h>

namespace conformscan::checks::http {

using Json = nlohmann::json;

core::Result<HttpFacts> load_http_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kHttpProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no http facts for this target");
    return parse_http_facts(record->data);
}

core::ParamSpec response_param() {
    return core::ParamSpec{.name = "response",
                           .type = core::ParamType::string,
                           .description =
                               "Which response to judge: `first`, the target's own answer to GET /, or "
                               "`final`, the last response of its same-host redirect chain.",
                           .default_value = "first",
                           .choices = {"first", "final"}};
}

const HttpResponse& pick_response(const HttpFacts& facts, const Json& params) {
    return params.value("response", "first") == "final" ? facts.chain.back() : facts.chain.front();
}

bool is_https(const HttpResponse& r) {
    return r.url.rfind("https://", 0) == 0;
}

std::vector<std::string> header_values(const HttpResponse& r, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& h : r.headers)
        if (h.name == name) out.push_back(h.value);
    return out;
}

Json chain_evidence(const HttpFacts& facts) {
    Json chain = Json::array();
    for (const auto& r : facts.chain) {
        Json hop{{"url", r.url}, {"status", r.status}};
        if (!r.location.empty()) {
            hop["location"] = r.location;
            hop["followed"] = r.followed;
        }
        if (!r.note.empty()) hop["note"] = r.note;
        chain.push_back(std::move(hop));
    }
    return chain;
}

void register_http_checks(core::CheckRegistry& registry) {
    core::must_add(registry, redirect_to_https_check());
    core::must_add(registry, hsts_check());
    core::must_add(registry, headers_check());
    core::must_add(registry, cookies_check());
}

}  // namespace conformscan::checks::http
