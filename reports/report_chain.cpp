#include "reports/report_chain.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace conformscan::reports {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxReportBytes = 512ull * 1024 * 1024;  // as json_report.cpp
constexpr std::size_t kMaxChainLength = 100000;

core::Result<std::string> read_bytes(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) return core::make_error("io", fmt::format("cannot read {}: {}", file.string(), ec.message()));
    if (size > kMaxReportBytes)
        return core::make_error("io", fmt::format("{} is larger than {} bytes", file.string(), kMaxReportBytes));
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::make_error("io", fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// The scan id, start time, config digest and previous_report of a report's
// JSON, without requiring the rest of it to parse (a chain check must not
// depend on this build reading every field of an older report).
struct Header {
    std::string scan_id;
    std::string started_at;
    std::string config_digest;
    nlohmann::json previous;
};

std::optional<Header> header_of(const std::string& bytes) {
    auto j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("scan") || !j["scan"].is_object()) return std::nullopt;
    const auto& scan = j["scan"];
    const auto text = [](const nlohmann::json& o, const char* key) {
        return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
    };
    Header h;
    h.scan_id = text(scan, "id");
    if (h.scan_id.empty()) return std::nullopt;
    h.started_at = text(scan, "started_at");
    h.config_digest = text(j, "config_digest");
    if (j.contains("previous_report")) h.previous = j["previous_report"];
    return h;
}

// A scan id becomes a file name: only [A-Za-z0-9._-], never "." or "..".
bool safe_file_stem(const std::string& s) {
    if (s.empty() || s.size() > 128 || s == "." || s == "..") return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

// previous_report.path: relative, inside the out directory, no ".." — or,
// for the per-scan directories of `scan --config` (OUT/reports/<scan>/), one
// leading ".." to a sibling directory: "../<scan>/report.json".
bool safe_relative(const fs::path& p) {
    if (p.empty() || p.is_absolute()) return false;
    std::size_t index = 0;
    for (const auto& part : p) {
        if (part.string().empty() || part == "." || (part == ".." && index != 0)) return false;
        ++index;
    }
    // "../x" alone would name a file beside the report's directory, not one inside a sibling directory.
    return *p.begin() != ".." || index >= 3;
}

core::Result<void> move_file(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) return core::make_error("io", fmt::format("cannot move {} to {}: {}", from.string(), to.string(), ec.message()));
    return {};
}

}  // namespace

std::string config_digest(const nlohmann::json& inputs) {
    return sha256_hex_of("conformscan-config/1\n" +
                         inputs.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
}

nlohmann::json judged_with(const core::ScanReport& report) {
    nlohmann::json profiles = nlohmann::json::array();
    for (const auto& p : report.profiles) {
        if (!p.is_object()) continue;
        nlohmann::json parents = nlohmann::json::array();
        for (const auto& parent : p.value("parents", nlohmann::json::array())) parents.push_back(parent.value("sha256", ""));
        nlohmann::json entry = {{"id", p.value("id", "")}, {"version", p.value("version", "")},
                                {"sha256", p.value("sha256", "")}, {"parents", parents}};
        if (p.contains("tailoring") && p["tailoring"].is_object())
            entry["tailoring_sha256"] = p["tailoring"].value("sha256", "");
        profiles.push_back(std::move(entry));
    }
    std::sort(profiles.begin(), profiles.end(),
              [](const nlohmann::json& a, const nlohmann::json& b) { return a["id"] < b["id"]; });
    nlohmann::json out = {{"profiles", profiles}};
    out["waivers_sha256"] = report.waivers.is_object() ? report.waivers.value("sha256", "") : "";
    return out;
}

core::Result<nlohmann::json> archive_previous_report(const fs::path& out_dir, const std::string& digest) {
    const auto current = out_dir / "report.json";
    std::error_code ec;
    if (!fs::exists(current, ec)) return nlohmann::json();
    auto bytes = read_bytes(current);
    if (!bytes) return bytes.error();
    const auto sha = sha256_hex_of(*bytes);
    const auto header = header_of(*bytes);
    const bool readable = header && safe_file_stem(header->scan_id);
    const auto name = readable ? header->scan_id + ".json" : "unreadable-" + sha.substr(0, 16) + ".json";
    const auto rel = fs::path(kHistoryDir) / name;
    fs::create_directories(out_dir / kHistoryDir, ec);
    if (ec) return core::make_error("io", fmt::format("cannot create {}: {}", (out_dir / kHistoryDir).string(), ec.message()));
    if (auto m = move_file(current, out_dir / rel); !m) return m.error();
    const auto sig = fs::path(current.string() + kSignatureSuffix);
    if (fs::exists(sig, ec)) {
        if (auto m = move_file(sig, out_dir / (rel.string() + kSignatureSuffix)); !m) return m.error();
    }
    if (!readable || digest.empty() || header->config_digest != digest) return nlohmann::json();
    return nlohmann::json{{"scan_id", header->scan_id}, {"sha256", sha}, {"path", rel.generic_string()}};
}

ChainResult verify_chain(const fs::path& report, const Ed25519Key& pubkey) {
    ChainResult result;
    const auto base = report.has_parent_path() ? report.parent_path() : fs::path(".");
    std::set<std::string> seen;
    fs::path path = report;
    nlohmann::json expected;  // the link that pointed here (null for the head)
    std::string expected_config;
    const auto stop = [&](ChainLink link, std::string detail) {
        link.ok = false;
        link.detail = std::move(detail);
        result.message = fmt::format("chain broken at {}: {}", link.path.string(), link.detail);
        result.links.push_back(std::move(link));
        return result;
    };
    while (true) {
        ChainLink link;
        link.path = path;
        auto bytes = read_bytes(path);
        if (!bytes) return stop(link, bytes.error().describe());
        // The recorded hash first: an edit that also breaks the JSON is still reported as an edit.
        if (!expected.is_null()) {
            const auto sha = sha256_hex_of(*bytes);
            if (sha != expected.value("sha256", ""))
                return stop(link, fmt::format("its SHA-256 is {}, the next report recorded {}", sha,
                                              expected.value("sha256", "")));
        }
        const auto header = header_of(*bytes);
        if (!header) return stop(link, "not a conformscan report");
        link.scan_id = header->scan_id;
        link.started_at = header->started_at;
        std::vector<std::string> checks;
        if (!expected.is_null()) {
            if (header->scan_id != expected.value("scan_id", ""))
                return stop(link, fmt::format("its scan id is {}, the next report recorded {}", header->scan_id,
                                              expected.value("scan_id", "")));
            if (header->config_digest != expected_config)
                return stop(link, "its config_digest differs from the next report's");
            checks.push_back("sha256 OK");
            const fs::path sig(path.string() + kSignatureSuffix);
            std::error_code ec;
            if (fs::exists(sig, ec)) {
                auto v = verify_report(path, pubkey, sig);
                if (!v.ok()) return stop(link, v.message);
                checks.push_back("signature OK");
            } else {
                checks.push_back("unsigned");
            }
        } else {
            checks.push_back("head");
        }
        if (!seen.insert(header->scan_id).second || seen.size() > kMaxChainLength)
            return stop(link, "the chain loops back to a report already seen");
        link.ok = true;
        link.detail = fmt::format("{}", fmt::join(checks, ", "));
        result.links.push_back(link);
        if (header->previous.is_null()) break;
        const auto& prev = header->previous;
        if (!prev.is_object() || !prev.contains("path") || !prev["path"].is_string() || !prev.contains("sha256") ||
            !prev["sha256"].is_string() || !prev.contains("scan_id") || !prev["scan_id"].is_string()) {
            ChainLink bad;
            bad.path = path;
            return stop(bad, "previous_report is not {scan_id, sha256, path}");
        }
        const fs::path rel(prev["path"].get<std::string>());
        if (!safe_relative(rel)) {
            ChainLink bad;
            bad.path = path;
            return stop(bad, fmt::format("previous_report.path {} leaves the report's directory", rel.string()));
        }
        expected = prev;
        expected_config = header->config_digest;
        path = base / rel;
    }
    result.ok = true;
    result.message = fmt::format("chain OK: {} report{}, each SHA-256 as recorded by its successor", result.links.size(),
                                 result.links.size() == 1 ? "" : "s");
    return result;
}

}  // namespace conformscan::reports
