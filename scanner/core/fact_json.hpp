// Helpers for the JSON form of each probe family's typed facts. Facts are
// read back from saved reports, which may be old, trimmed or edited: absent or
// null keys keep the member's default, a present key of the wrong type is
// refused, and parse_facts never throws.
#pragma once

#include <exception>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::core::fact_json {

inline void require_object(const nlohmann::json& j, const char* what) {
    if (!j.is_object())
        throw nlohmann::json::type_error::create(302, fmt::format("{} must be an object", what), &j);
}

template <typename T>
void read_optional(const nlohmann::json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) it->get_to(out);
}

// `probe` names the family in the error: "malformed tls facts: ...".
template <typename T>
Result<T> parse_facts(const nlohmann::json& j, const char* probe) {
    try {
        return j.get<T>();
    } catch (const std::exception& e) {
        return make_error("bad_facts", fmt::format("malformed {} facts: {}", probe, e.what()),
                          fmt::format("facts.{}", probe));
    }
}

}  // namespace conformscan::core::fact_json
