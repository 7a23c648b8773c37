// Facts of the `tls_groups` probe (group_probe.cpp): the key exchange groups
// a server accepts, observed by raw handshakes.
//   tls13_groups — named groups accepted for TLS 1.3: the server's own list
//                  from EncryptedExtensions when it sends one, in its order,
//                  then any others it chose (HelloRetryRequest.selected_group);
//   tls13_source — "encrypted_extensions" when the list came from the server,
//                  "removal" when every group was found by HelloRetryRequests;
//   tls12_groups — ECDHE named groups accepted with TLS 1.2, or with the
//                  highest version <= 1.2 the server accepts (tls12_version);
//   dh_bits      — size of the DH prime the server sends with DHE suites to a
//                  client that lists no RFC 7919 group; 0 when it refuses DHE.
// Groups are recorded by IANA name ("x25519", "secp256r1", "ffdhe2048",
// "X25519MLKEM768"), or "0x1234" for a code point the table does not know;
// their properties (kind, security bits) come from the IANA table at judging time.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

struct TlsGroupsFacts {
    std::vector<std::string> tls13_groups;  // empty when TLS 1.3 is not accepted
    std::string tls13_source;               // "encrypted_extensions", "removal", or "" (TLS 1.3 not probed)
    std::vector<std::string> tls12_groups;  // empty when no ECDHE suite is accepted (or no version <= 1.2)
    std::string tls12_version;  // the version tls12_groups and dh_bits were observed with; "" if none
    int dh_bits = 0;
    std::vector<std::string> accepted;  // union of tls13_groups and tls12_groups, in that order
    bool complete = true;               // false when an enumeration stopped early
    std::string note;                   // why it is incomplete
    int connections = 0;
};

void to_json(nlohmann::json& j, const TlsGroupsFacts& f);
void from_json(const nlohmann::json& j, TlsGroupsFacts& f);
// Never throws: saved reports may be old or edited.
core::Result<TlsGroupsFacts> parse_tls_groups_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
