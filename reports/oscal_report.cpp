#include "reports/oscal_report.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "reports/report_view.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;

// uuid5(NAMESPACE_URL, "https://conformscan/oscal"): the namespace of every uuid
// conformscan derives for OSCAL documents.
constexpr std::array<unsigned char, 16> kNamespace = {0xbc, 0x50, 0x12, 0x37, 0xc0, 0x2d, 0x54, 0x13,
                                                      0x8f, 0x55, 0x78, 0x45, 0x67, 0xb6, 0x3c, 0xa4};
// Properties outside OSCAL's own namespace carry this one (OSCAL props: ns is a URI).
constexpr std::string_view kNs = "urn:conformscan";

Json prop(std::string_view name, std::string_view value, bool own_ns = true) {
    Json p = {{"name", name}, {"value", value}};
    if (own_ns) p["ns"] = kNs;
    return p;
}

// OSCAL's string type is non-empty without surrounding space: empty values are left out.
void add_prop(Json& props, std::string_view name, std::string_view value) {
    if (!value.empty() && value.find_first_not_of(" \t\r\n") != std::string_view::npos) props.push_back(prop(name, value));
}

// OSCAL's token type starts with a letter or '_'; a profile's rule id may start with a digit.
std::string oscal_token(const std::string& id) {
    return !id.empty() && id.front() >= '0' && id.front() <= '9' ? "_" + id : id;
}

std::string probe_summary(const core::TargetRecord& t) {
    std::string out;
    for (const auto& [name, rec] : t.facts.records()) {
        if (!out.empty()) out += ", ";
        out += rec.status == core::ProbeStatus::ok ? fmt::format("{} (ok)", name)
                                                   : fmt::format("{} (error: {})", name, rec.error);
    }
    return out.empty() ? "no probe ran" : out;
}

}  // namespace

std::string name_uuid(std::string_view name) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) == 1 &&
                    EVP_DigestUpdate(ctx, kNamespace.data(), kNamespace.size()) == 1 &&
                    EVP_DigestUpdate(ctx, name.data(), name.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx, md.data(), &len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok || len < 16) throw std::runtime_error("SHA-1 is not available from OpenSSL");
    md[6] = static_cast<unsigned char>((md[6] & 0x0F) | 0x50);  // RFC 9562 §5.5: version 5
    md[8] = static_cast<unsigned char>((md[8] & 0x3F) | 0x80);  // variant 10
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                       md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12],
                       md[13], md[14], md[15]);
}

Json to_oscal(const core::ScanReport& report, const OscalOptions& options) {
    const auto& scan = report.scan_id;
    auto uuid_of = [&](std::string_view kind, std::string_view name = {}) {
        return name_uuid(fmt::format("{}/{}/{}", scan, kind, name));
    };

    Json items = Json::array();
    Json observations = Json::array();
    for (std::size_t i = 0; i < report.targets.size(); ++i) {
        const auto& rec = report.targets[i];
        const auto& t = rec.target;
        const auto item_uuid = uuid_of("inventory-item", t.id);
        Json props = Json::array({prop("asset-id", t.id, false), prop("uri", target_uri(t)),
                                  prop("port", std::to_string(t.port))});
        add_prop(props, "service", t.service);
        add_prop(props, "address", t.address);
        items.push_back({{"uuid", item_uuid}, {"description", target_label(t)}, {"props", props}});
        observations.push_back(
            {{"uuid", uuid_of("observation", t.id)},
             {"title", fmt::format("Probes of {}", target_label(t))},
             {"description", fmt::format("conformscan observed {}: {}", target_uri(t), probe_summary(rec))},
             {"methods", Json::array({"TEST"})},
             {"subjects", Json::array({{{"subject-uuid", item_uuid},
                                        {"type", "inventory-item"},
                                        {"title", target_label(t)}}})},
             {"relevant-evidence", Json::array({{{"href", fmt::format("{}#/targets/{}/facts", options.source, i)},
                                                 {"description", "The facts the probes collected, in the "
                                                                 "canonical report"}}})},
             {"collected", core::format_time(report.started_at)}});
    }

    Json findings = Json::array();
    for (const auto& r : report.results) {
        if (r.status != core::Status::fail && r.status != core::Status::waived) continue;
        Json props = Json::array({prop("severity", core::to_string(r.severity)), prop("profile", r.profile_id),
                                  prop("result-status", core::to_string(r.status))});
        std::string remarks;
        if (!r.references.empty()) remarks += "Cites: " + references_joined(r) + ".";
        const auto fix = localized_summary(r, options.lang);
        if (!fix.empty()) remarks += (remarks.empty() ? "" : "\n") + std::string("Fix: ") + fix;
        Json status = {{"state", "not-satisfied"}};
        if (r.status == core::Status::waived && r.waiver.is_object()) {
            add_prop(props, "waiver-id", r.waiver.value("id", ""));
            add_prop(props, "waiver-kind", r.waiver.value("kind", ""));
            status["remarks"] = fmt::format("Waived by {} ({}, approved by {}, expires {}): {}",
                                            r.waiver.value("id", ""), r.waiver.value("kind", ""),
                                            r.waiver.value("approved_by", ""), r.waiver.value("expires_on", ""),
                                            r.waiver.value("justification", ""));
        }
        Json f = {{"uuid", uuid_of("finding", fmt::format("{}/{}/{}", r.profile_id, r.rule_id, r.target_id))},
                  {"title", fmt::format("{}: {}", r.rule_id, localized_title(r, options.lang))},
                  {"description", r.message.empty() ? r.title : r.message},
                  {"props", props},
                  {"target", {{"type", "objective-id"},
                              {"target-id", oscal_token(r.rule_id)},
                              {"title", localized_title(r, options.lang)},
                              {"status", status}}},
                  {"related-observations", Json::array({{{"observation-uuid", uuid_of("observation", r.target_id)}}})}};
        if (!remarks.empty()) f["remarks"] = remarks;
        findings.push_back(std::move(f));
    }

    Json selections = Json::array();
    for (const auto& p : report.profiles) {
        if (!p.is_object()) continue;
        const auto id = p.value("id", "");
        Json controls = Json::array();
        std::vector<std::string> seen;
        for (const auto& r : report.results)
            if (r.profile_id == id && std::find(seen.begin(), seen.end(), r.rule_id) == seen.end()) {
                seen.push_back(r.rule_id);
                controls.push_back({{"control-id", oscal_token(r.rule_id)}});
            }
        Json sel = {{"description", fmt::format("Profile {} {} (sha256 {})", id, p.value("version", ""),
                                                p.value("sha256", ""))}};
        if (controls.empty()) sel["include-all"] = Json::object();
        else sel["include-controls"] = controls;
        selections.push_back(std::move(sel));
    }
    if (selections.empty()) selections.push_back({{"include-all", Json::object()}});

    Json result = {{"uuid", uuid_of("result")},
                   {"title", fmt::format("conformscan {} {}", report.mode, scan)},
                   {"description", fmt::format("Rules judged as of {} against {} target(s)",
                                               core::format_time(report.as_of), report.targets.size())},
                   {"start", core::format_time(report.started_at)},
                   {"end", core::format_time(report.finished_at)},
                   {"props", Json::array({prop("scan-id", scan), prop("mode", report.mode),
                                          prop("as-of", core::format_time(report.as_of))})},
                   {"reviewed-controls", {{"control-selections", selections}}},
                   {"observations", observations}};
    if (!items.empty()) result["local-definitions"] = {{"inventory-items", items}};
    if (!findings.empty()) result["findings"] = findings;

    Json metadata = {{"title", fmt::format("conformscan assessment results: {} {}", report.mode, scan)},
                     {"last-modified", core::format_time(report.finished_at)},
                     {"version", report.tool_version.empty() ? "unknown" : report.tool_version},
                     {"oscal-version", kOscalVersion},
                     {"props", Json::array({prop("tool", fmt::format("conformscan {}", report.tool_version))})}};
    add_prop(metadata["props"], "openssl", report.openssl_version);
    return {{"assessment-results",
             {{"uuid", uuid_of("assessment-results")},
              {"metadata", metadata},
              {"import-ap", {{"href", options.source},
                             {"remarks", "The scope, targets and profiles of the canonical conformscan report "
                                         "stand in for an assessment plan."}}},
              {"results", Json::array({result})}}}};
}

std::string render_oscal(const core::ScanReport& report, const OscalOptions& options) {
    return to_oscal(report, options).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace conformscan::reports
