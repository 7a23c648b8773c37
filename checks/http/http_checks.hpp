// Check types over `http` facts: http.redirect_to_https, http.hsts,
// http.headers, http.cookies; and the helpers they share.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/http/http_facts.hpp"
#include "scanner/core/guarded.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::http {

void register_http_checks(core::CheckRegistry& registry);

core::CheckDescriptor redirect_to_https_check();
core::CheckDescriptor hsts_check();
core::CheckDescriptor headers_check();
core::CheckDescriptor cookies_check();

// ---- shared by the check files ----------------------------------------------

core::Result<HttpFacts> load_http_facts(const core::CheckContext& ctx);
// The `response` parameter: "first" (the target's own answer) or "final"
// (the last response of the same-host redirect chain).
core::ParamSpec response_param();
const HttpResponse& pick_response(const HttpFacts& facts, const nlohmann::json& params);
bool is_https(const HttpResponse& r);
// Every value of header `name` (lower-case) in the response, in order.
std::vector<std::string> header_values(const HttpResponse& r, const std::string& name);
// The chain as evidence: url, status, location, followed, note per response.
nlohmann::json chain_evidence(const HttpFacts& facts);
// Rules never throw: anything unforeseen becomes an error result.
using core::guarded;

}  // namespace conformscan::checks::http
