#include "scanner/core/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace conformscan::core {

std::vector<std::string> CheckDescriptor::needed_probes(const Json& with) const {
    if (probes_for) {
        auto p = probes_for(with);
        if (!p.empty()) return p;
    }
    return facts;
}

std::string CheckDescriptor::service_mismatch(const std::string& service) const {
    const auto has = [&](const std::vector<std::string>& v) {
        return std::find(v.begin(), v.end(), service) != v.end();
    };
    if (!services.empty() && !has(services))
        return fmt::format("{} judges services {} only; target is service '{}' (name it in applies_to.services "
                           "to judge it anyway)",
                           name, fmt::join(services, ", "), service);
    if (has(skip_services))
        return fmt::format("{} does not judge service '{}' targets unless a rule names the service in "
                           "applies_to.services",
                           name, service);
    return {};
}

Result<void> CheckRegistry::add(CheckDescriptor d) {
    if (d.name.empty() || !d.evaluate) return make_error("registry", "a check needs a name and an evaluate function");
    if (m_checks.count(d.name) != 0)
        return make_error("registry_duplicate", fmt::format("check type '{}' is registered twice", d.name));
    auto name = d.name;
    m_checks.emplace(std::move(name), std::move(d));
    return {};
}

const CheckDescriptor* CheckRegistry::find(const std::string& name) const {
    auto it = m_checks.find(name);
    return it == m_checks.end() ? nullptr : &it->second;
}

std::vector<const CheckDescriptor*> CheckRegistry::all() const {
    std::vector<const CheckDescriptor*> out;
    for (const auto& [_, d] : m_checks) out.push_back(&d);
    return out;
}

Result<void> ProbeRegistry::add(ProbeDescriptor d) {
    if (d.name.empty() || !d.run) return make_error("registry", "a probe needs a name and a run function");
    if (m_probes.count(d.name) != 0)
        return make_error("registry_duplicate", fmt::format("probe '{}' is registered twice", d.name));
    auto name = d.name;
    m_probes.emplace(std::move(name), std::move(d));
    return {};
}

const ProbeDescriptor* ProbeRegistry::find(const std::string& name) const {
    auto it = m_probes.find(name);
    return it == m_probes.end() ? nullptr : &it->second;
}

std::vector<const ProbeDescriptor*> ProbeRegistry::all() const {
    std::vector<const ProbeDescriptor*> out;
    for (const auto& [_, d] : m_probes) out.push_back(&d);
    return out;
}

void must_add(CheckRegistry& registry, CheckDescriptor descriptor) {
    if (auto r = registry.add(std::move(descriptor)); !r) throw std::logic_error(r.error().describe());
}

void must_add(ProbeRegistry& registry, ProbeDescriptor descriptor) {
    if (auto r = registry.add(std::move(descriptor)); !r) throw std::logic_error(r.error().describe());
}

void merge_probe_inputs(Json& into, const Json& from) {
    if (!from.is_object()) return;
    if (!into.is_object()) into = Json::object();
    for (const auto& [key, value] : from.items()) {
        if (!into.contains(key)) {
            into[key] = value;
        } else if (into[key].is_array() && value.is_array()) {
            for (const auto& v : value)
                if (std::find(into[key].begin(), into[key].end(), v) == into[key].end()) into[key].push_back(v);
        } else if (into[key].is_object() && value.is_object()) {
            merge_probe_inputs(into[key], value);
        }
    }
}

bool ProbeOptions::planned(const std::string& probe) const {
    return std::find(planned_probes.begin(), planned_probes.end(), probe) != planned_probes.end();
}

}  // namespace conformscan::core
