// The chain of reports of one scan configuration.
//
// A report records `config_digest` (what makes two scans comparable: see
// config_digest below) and, when the --out directory already held a report of
// the same configuration, `previous_report: {scan_id, sha256, path}`. The old
// report is kept, never overwritten: it moves to OUT/history/<scan_id>.json
// (its .sig alongside), and `path` is that file relative to OUT. Walking
// previous_report links from OUT/report.json and checking each SHA-256 (and
// signature, where there is one) proves that no report of the series was
// edited, dropped or replaced.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/signature.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::reports {

inline constexpr const char* kHistoryDir = "history";

// Hex SHA-256 of "conformscan-config/1\n" || canonical_json(inputs) (compact,
// sorted keys, ASCII; the construction of signature.hpp). `inputs` is built
// by the scan and evaluate commands (README, "Signed reports").
std::string config_digest(const nlohmann::json& inputs);

// The parts of a report's configuration that the report itself records: each
// profile's id, version and SHA-256 (and its parents' and tailoring's), and
// the waiver file's SHA-256. Sorted, so that the order of --profile does not
// matter.
nlohmann::json judged_with(const core::ScanReport& report);

// Called just before a new report is written into OUT_DIR: when OUT_DIR holds
// a report.json, moves it (and report.json.sig) to OUT_DIR/history/ and
// returns the previous_report link {scan_id, sha256, path} if its
// config_digest equals CONFIG_DIGEST, null otherwise (and null when there was
// no report). A report.json that is not a readable report is moved to
// history/unreadable-<sha256 prefix>.json and not chained.
core::Result<nlohmann::json> archive_previous_report(const std::filesystem::path& out_dir,
                                                     const std::string& config_digest);

struct ChainLink {
    std::filesystem::path path;  // as found
    std::string scan_id;
    std::string started_at;
    bool ok = false;
    std::string detail;  // "sha256 OK, signature OK", or what is wrong
};

struct ChainResult {
    std::vector<ChainLink> links;  // newest first; the last one failed when !ok
    bool ok = false;
    std::string message;  // one line
};

// Walks the previous_report links from REPORT (paths are relative to REPORT's
// directory and must stay inside it). Checks each linked file's SHA-256 and
// scan id, that configurations match, and each history report's signature when
// a .sig lies next to it (with PUBKEY). REPORT's own signature is the caller's
// business (verify_report).
ChainResult verify_chain(const std::filesystem::path& report, const Ed25519Key& pubkey);

}  // namespace conformscan::reports
