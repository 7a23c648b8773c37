// The fact model. A probe observes one target and yields one ProbeRecord: its
// status and its data. Each probe family defines a typed struct for its data
// (checks/tls/tls_facts.hpp, checks/net/tcp_facts.hpp, ...) that converts to
// and from JSON without loss; the FactSet keeps the JSON form so that any
// profile — including one written long after the scan — can read any fact by
// path, and so that `evaluate` works from a saved report.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::core {

using Json = nlohmann::json;

enum class ProbeStatus { ok, error };

std::string_view to_string(ProbeStatus s);
std::optional<ProbeStatus> probe_status_from_string(std::string_view s);

struct ProbeRecord {
    std::string probe;
    ProbeStatus status = ProbeStatus::ok;
    std::string error;      // why the probe could not observe (status == error)
    Json data = Json::object();
    double duration_ms = 0;
    std::size_t connections = 0;  // TCP connections the probe opened (politeness accounting)

    static ProbeRecord failure(std::string probe, std::string why) {
        ProbeRecord r;
        r.probe = std::move(probe);
        r.status = ProbeStatus::error;
        r.error = std::move(why);
        return r;
    }
};

void to_json(Json& j, const ProbeRecord& r);
void from_json(const Json& j, ProbeRecord& r);

// A parsed fact path: "tls.chain[0].key.bits", "tls.chain[*].signature.hash".
// The first segment names the probe; `[*]` fans out over every element.
struct FactPath {
    struct Step {
        enum class Kind { key, index, all } kind;
        std::string key;
        std::size_t index = 0;
    };
    std::string text;
    std::string probe;
    std::vector<Step> steps;  // after the probe segment

    static Result<FactPath> parse(std::string_view text);
};

class FactSet {
public:
    void put(ProbeRecord record);
    [[nodiscard]] const ProbeRecord* get(std::string_view probe) const;
    [[nodiscard]] const std::map<std::string, ProbeRecord, std::less<>>& records() const { return m_records; }
    [[nodiscard]] bool empty() const { return m_records.empty(); }

    // Values at a path. Missing keys yield no value; `[*]` yields one per element.
    [[nodiscard]] std::vector<Json> lookup(const FactPath& path) const;

private:
    std::map<std::string, ProbeRecord, std::less<>> m_records;
};

void to_json(Json& j, const FactSet& f);
void from_json(const Json& j, FactSet& f);

}  // namespace conformscan::core
