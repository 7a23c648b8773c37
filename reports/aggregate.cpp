#include "reports/aggregate.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "reports/json_report.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxFiles = 10000;

// One operator's verdict on one rule, from one report.
struct RuleVerdict {
    std::string title;
    Json title_i18n;
    core::Severity severity = core::Severity::medium;
    std::string profile_version;
    std::map<core::Status, std::size_t> counts;
};
using RuleKey = std::pair<std::string, std::string>;  // (profile, rule)

struct Reduced {
    OperatorReport entry;
    std::map<RuleKey, RuleVerdict> rules;
};

Json empty_counts() {
    Json c = Json::object();
    for (auto s : {core::Status::pass, core::Status::fail, core::Status::error, core::Status::not_applicable,
                   core::Status::waived})
        c[std::string(core::to_string(s))] = 0;
    return c;
}

std::string operator_from_directory(const std::filesystem::path& file) {
    auto parent = file.parent_path();
    if (parent.empty() || parent.filename().empty() || parent.filename() == "." || parent.filename() == "..") {
        std::error_code ec;
        auto abs = std::filesystem::absolute(file, ec);
        if (!ec) parent = abs.lexically_normal().parent_path();
    }
    return parent.filename().string();
}

Reduced reduce(const std::filesystem::path& file, std::string_view bytes, const core::ScanReport& report,
              const ReportVerifier& verify) {
    Reduced out;
    auto& e = out.entry;
    e.file = file;
    if (!report.operator_name.empty()) {
        e.operator_name = report.operator_name;
        e.operator_source = "report";
    } else {
        e.operator_name = operator_from_directory(file);
        e.operator_source = "directory";
    }
    e.scan_id = report.scan_id;
    e.started_at = core::format_time(report.started_at);
    std::map<std::string, std::string> versions;
    if (report.profiles.is_array())
        for (const auto& p : report.profiles)
            if (p.is_object() && p.contains("id") && p["id"].is_string()) {
                versions[p["id"].get<std::string>()] = p.value("version", "");
                e.profiles.push_back(fmt::format("{} {}", p["id"].get<std::string>(), p.value("version", "")));
            }
    e.targets = report.targets.size();
    const auto summary = core::summarize(report);
    e.results = summary["results"];
    e.failed_by_severity = summary["failed_by_severity"];
    e.conformance_percent = summary["conformance_percent"];
    e.conformance_percent_without_waivers = summary["conformance_percent_without_waivers"];
    if (verify) e.signature = verify(file, bytes, e.operator_name);
    for (const auto& r : report.results) {
        auto& v = out.rules[{r.profile_id, r.rule_id}];
        if (v.counts.empty()) {
            v.title = r.title;
            v.title_i18n = r.i18n;
            v.severity = r.severity;
            if (auto it = versions.find(r.profile_id); it != versions.end()) v.profile_version = it->second;
        }
        ++v.counts[r.status];
    }
    return out;
}

Json percent(std::size_t part, std::size_t whole) {
    if (whole == 0) return nullptr;
    return static_cast<double>(part) * 100.0 / static_cast<double>(whole);
}

SectorAggregate finish(std::vector<Reduced> reduced, std::vector<RejectedFile> rejected, bool signatures_checked) {
    // Newest first within an operator; an operator's older reports are
    // superseded by its newest one whose signature did not fail.
    std::sort(reduced.begin(), reduced.end(), [](const Reduced& a, const Reduced& b) {
        return std::make_tuple(a.entry.operator_name, b.entry.started_at, a.entry.file) <
               std::make_tuple(b.entry.operator_name, a.entry.started_at, b.entry.file);
    });
    std::map<std::string, std::filesystem::path> newest;
    for (auto& r : reduced) {
        auto& e = r.entry;
        if (e.signature.state == SignatureCheck::State::failed) {
            e.use = OperatorReport::Use::signature_failed;
            continue;
        }
        if (auto it = newest.find(e.operator_name); it != newest.end()) {
            e.use = OperatorReport::Use::superseded;
            e.note = fmt::format("the operator's newer report {} is used", it->second.string());
            continue;
        }
        newest.emplace(e.operator_name, e.file);
    }

    std::map<RuleKey, RuleRate> rates;
    for (const auto& r : reduced) {
        if (r.entry.use != OperatorReport::Use::included) continue;
        for (const auto& [key, v] : r.rules) {
            auto& rate = rates[key];
            if (rate.rule_id.empty()) {
                rate.profile_id = key.first;
                rate.rule_id = key.second;
                rate.title = v.title;
                rate.title_i18n = v.title_i18n;
                rate.severity = v.severity;
                rate.results = empty_counts();
            }
            if (!v.profile_version.empty()) rate.profile_versions.insert(v.profile_version);
            for (const auto& [status, n] : v.counts) {
                auto& c = rate.results[std::string(core::to_string(status))];
                c = c.get<std::size_t>() + n;
            }
            const auto count = [&](core::Status s) {
                auto it = v.counts.find(s);
                return it == v.counts.end() ? std::size_t{0} : it->second;
            };
            if (count(core::Status::fail) > 0) {
                ++rate.operators_failing;
                rate.failing_operators.push_back(r.entry.operator_name);
            } else if (count(core::Status::waived) > 0) {
                ++rate.operators_waived;
            } else if (count(core::Status::pass) > 0) {
                ++rate.operators_passing;
            } else {
                continue;  // nothing judged at this operator
            }
            ++rate.operators_judged;
        }
    }

    SectorAggregate a;
    a.signatures_checked = signatures_checked;
    for (auto& [key, rate] : rates) {
        std::sort(rate.failing_operators.begin(), rate.failing_operators.end());
        rate.conformance_percent = percent(rate.operators_passing + rate.operators_waived, rate.operators_judged);
        rate.conformance_percent_without_waivers = percent(rate.operators_passing, rate.operators_judged);
        a.rules.push_back(std::move(rate));
    }
    for (const auto& rate : a.rules)
        if (rate.operators_failing > 0 && core::severity_rank(rate.severity) >= core::severity_rank(core::Severity::high))
            a.worst_findings.push_back(rate);
    std::stable_sort(a.worst_findings.begin(), a.worst_findings.end(), [](const RuleRate& x, const RuleRate& y) {
        return std::make_tuple(-core::severity_rank(x.severity), -static_cast<long>(x.operators_failing),
                               -x.results.value("fail", 0L)) <
               std::make_tuple(-core::severity_rank(y.severity), -static_cast<long>(y.operators_failing),
                               -y.results.value("fail", 0L));
    });
    for (auto& r : reduced) a.operators.push_back(std::move(r.entry));
    std::sort(rejected.begin(), rejected.end(), [](const RejectedFile& x, const RejectedFile& y) { return x.file < y.file; });
    a.rejected = std::move(rejected);
    return a;
}

}  // namespace

std::string_view to_string(SignatureCheck::State s) {
    switch (s) {
        case SignatureCheck::State::not_checked: return "not_checked";
        case SignatureCheck::State::verified: return "verified";
        case SignatureCheck::State::failed: return "failed";
    }
    return "not_checked";
}

std::string_view to_string(OperatorReport::Use u) {
    switch (u) {
        case OperatorReport::Use::included: return "included";
        case OperatorReport::Use::signature_failed: return "signature_failed";
        case OperatorReport::Use::superseded: return "superseded";
    }
    return "included";
}

std::size_t SectorAggregate::included() const {
    return static_cast<std::size_t>(std::count_if(operators.begin(), operators.end(), [](const OperatorReport& o) {
        return o.use == OperatorReport::Use::included;
    }));
}

std::size_t SectorAggregate::signature_failures() const {
    return static_cast<std::size_t>(std::count_if(operators.begin(), operators.end(), [](const OperatorReport& o) {
        return o.use == OperatorReport::Use::signature_failed;
    }));
}

std::size_t SectorAggregate::signatures_unchecked() const {
    if (!signatures_checked) return 0;
    return static_cast<std::size_t>(std::count_if(operators.begin(), operators.end(), [](const OperatorReport& o) {
        return o.use == OperatorReport::Use::included && o.signature.state == SignatureCheck::State::not_checked;
    }));
}

std::vector<std::filesystem::path> collect_report_files(const std::vector<std::string>& args,
                                                        std::vector<RejectedFile>& rejected) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const auto& arg : args) {
        const fs::path p(arg);
        std::error_code ec;
        const auto st = fs::status(p, ec);
        if (ec || !fs::exists(st)) {
            rejected.push_back({p, "no such file or directory"});
            continue;
        }
        if (!fs::is_directory(st)) {
            files.push_back(p);
            continue;
        }
        std::vector<fs::path> found;
        fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
        if (ec) {
            rejected.push_back({p, fmt::format("cannot read the directory: {}", ec.message())});
            continue;
        }
        for (; it != end; it.increment(ec)) {
            if (ec) {
                rejected.push_back({p, fmt::format("cannot read the directory: {}", ec.message())});
                break;
            }
            std::error_code fec;
            if (it->is_regular_file(fec) && it->path().extension() == ".json") found.push_back(it->path());
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    if (files.size() > kMaxFiles) {
        for (std::size_t i = kMaxFiles; i < files.size(); ++i)
            rejected.push_back({files[i], fmt::format("more than {} report files were given", kMaxFiles)});
        files.resize(kMaxFiles);
    }
    return files;
}

SectorAggregate aggregate_reports(const std::vector<std::filesystem::path>& files, std::vector<RejectedFile> rejected,
                                  const ReportVerifier& verify) {
    std::vector<Reduced> reduced;
    for (const auto& file : files) {
        // The bytes are read once: what is verified is what is aggregated.
        auto bytes = read_report_bytes(file);
        if (!bytes) {
            rejected.push_back({file, bytes.error().message});
            continue;
        }
        auto report = parse_report_bytes(*bytes, file);
        if (!report) {
            rejected.push_back({file, report.error().message});  // the file is listed beside it
            continue;
        }
        reduced.push_back(reduce(file, *bytes, *report, verify));
    }
    return finish(std::move(reduced), std::move(rejected), static_cast<bool>(verify));
}

SectorAggregate aggregate_parsed(std::vector<std::pair<std::filesystem::path, core::ScanReport>> reports,
                                 std::vector<RejectedFile> rejected, const ReportVerifier& verify) {
    std::vector<Reduced> reduced;
    for (const auto& [file, report] : reports) reduced.push_back(reduce(file, {}, report, verify));
    return finish(std::move(reduced), std::move(rejected), static_cast<bool>(verify));
}

}  // namespace conformscan::reports
