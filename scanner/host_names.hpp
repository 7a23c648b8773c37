// Host-name and address syntax shared by scope checking and target parsing.
#pragma once

#include <string>
#include <string_view>

namespace conformscan::scanner {

// A DNS name of letters, digits, '-' and '_' labels (1..63 bytes, 253 in all;
// one trailing dot allowed). The last label must not start with a digit:
// getaddrinfo reads "127.1" or "0x7f000001" as addresses, which would let a
// "name" slip past a scope written as CIDRs.
bool is_valid_host_name(std::string_view name);

// Lower case, without the trailing dot: the form DNS patterns compare.
std::string normalize_host_name(std::string_view name);

// The conventional text of an IP literal ("::0001" -> "::1"); empty when the
// text is not an IPv4 or IPv6 literal.
std::string canonical_ip(const std::string& literal);

}  // namespace conformscan::scanner
