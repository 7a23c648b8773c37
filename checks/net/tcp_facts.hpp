// Facts of the `tcp` probe: whether the target's port answers, and the first
// bytes a server volunteers (a banner), bounded.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::net {

struct TcpFacts {
    std::string state;          // "open" | "closed" | "filtered"
    std::string reason;         // "connected", "connection refused", "no answer within 5000 ms", ...
    double connect_ms = 0;      // time to the connect() outcome
    std::string banner;         // escaped (core::escape_bytes), empty when the server said nothing
    std::string banner_hex;     // the same bytes in hex
    std::size_t banner_bytes = 0;
};

void to_json(nlohmann::json& j, const TcpFacts& f);
void from_json(const nlohmann::json& j, TcpFacts& f);
// from_json that never throws: a saved report may be hand-edited or old.
core::Result<TcpFacts> parse_tcp_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::net
