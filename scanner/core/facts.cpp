#include "scanner/core/facts.hpp"

#include <cctype>

#include <fmt/format.h>

namespace conformscan::core {

std::string_view to_string(ProbeStatus s) { return s == ProbeStatus::ok ? "ok" : "error"; }

std::optional<ProbeStatus> probe_status_from_string(std::string_view s) {
    if (s == "ok") return ProbeStatus::ok;
    if (s == "error") return ProbeStatus::error;
    return std::nullopt;
}

void to_json(Json& j, const ProbeRecord& r) {
    j = Json{{"status", to_string(r.status)}, {"duration_ms", r.duration_ms}, {"connections", r.connections},
             {"data", r.data}};
    if (r.status == ProbeStatus::error) j["error"] = r.error;
}

void from_json(const Json& j, ProbeRecord& r) {
    auto status = probe_status_from_string(j.at("status").get<std::string>());
    if (!status) throw Json::other_error::create(501, "unknown probe status", &j);
    r.status = *status;
    r.error = j.value("error", "");
    r.data = j.value("data", Json::object());
    r.duration_ms = j.value("duration_ms", 0.0);
    r.connections = j.value("connections", std::size_t{0});
}

Result<FactPath> FactPath::parse(std::string_view text) {
    FactPath p;
    p.text = std::string(text);
    auto bad = [&](std::string why) {
        return make_error("bad_fact_path", fmt::format("fact path '{}': {}", text, why));
    };
    std::size_t i = 0;
    auto read_name = [&]() {
        std::string name;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' ||
                                   text[i] == '-'))
            name.push_back(text[i++]);
        return name;
    };
    p.probe = read_name();
    if (p.probe.empty()) return bad("must start with a probe name such as 'tls' or 'tcp'");
    while (i < text.size()) {
        if (text[i] == '.') {
            ++i;
            auto key = read_name();
            if (key.empty()) return bad(fmt::format("expected a key after '.' at position {}", i));
            p.steps.push_back({Step::Kind::key, std::move(key), 0});
        } else if (text[i] == '[') {
            auto close = text.find(']', i);
            if (close == std::string_view::npos) return bad("unclosed '['");
            auto inner = text.substr(i + 1, close - i - 1);
            if (inner == "*") {
                p.steps.push_back({Step::Kind::all, {}, 0});
            } else {
                if (inner.empty() || inner.size() > 6) return bad("index must be a number or '*'");
                std::size_t idx = 0;
                for (char c : inner) {
                    if (!std::isdigit(static_cast<unsigned char>(c))) return bad("index must be a number or '*'");
                    idx = idx * 10 + static_cast<std::size_t>(c - '0');
                }
                p.steps.push_back({Step::Kind::index, {}, idx});
            }
            i = close + 1;
        } else {
            return bad(fmt::format("unexpected '{}' at position {}", text[i], i));
        }
    }
    return p;
}

void FactSet::put(ProbeRecord record) {
    auto name = record.probe;
    m_records.insert_or_assign(std::move(name), std::move(record));
}

const ProbeRecord* FactSet::get(std::string_view probe) const {
    auto it = m_records.find(probe);
    return it == m_records.end() ? nullptr : &it->second;
}

std::vector<Json> FactSet::lookup(const FactPath& path) const {
    const auto* rec = get(path.probe);
    if (rec == nullptr) return {};
    std::vector<const Json*> current{&rec->data};
    for (const auto& step : path.steps) {
        std::vector<const Json*> next;
        for (const Json* node : current) {
            switch (step.kind) {
                case FactPath::Step::Kind::key:
                    if (node->is_object()) {
                        auto it = node->find(step.key);
                        if (it != node->end()) next.push_back(&*it);
                    }
                    break;
                case FactPath::Step::Kind::index:
                    if (node->is_array() && step.index < node->size()) next.push_back(&(*node)[step.index]);
                    break;
                case FactPath::Step::Kind::all:
                    if (node->is_array())
                        for (const auto& e : *node) next.push_back(&e);
                    break;
            }
        }
        current = std::move(next);
    }
    std::vector<Json> out;
    out.reserve(current.size());
    for (const Json* n : current) out.push_back(*n);
    return out;
}

void to_json(Json& j, const FactSet& f) {
    j = Json::object();
    for (const auto& [name, rec] : f.records()) j[name] = rec;
}

void from_json(const Json& j, FactSet& f) {
    for (const auto& [name, value] : j.items()) {
        auto rec = value.get<ProbeRecord>();
        rec.probe = name;
        f.put(std::move(rec));
    }
}

}  // namespace conformscan::core
