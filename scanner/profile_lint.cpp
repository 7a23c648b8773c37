#include "scanner/profile_lint.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace conformscan::scanner {

namespace fs = std::filesystem;

std::size_t LintReport::errors() const {
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [](const LintFinding& f) { return f.error; }));
}

std::size_t LintReport::warnings() const { return findings.size() - errors(); }

std::vector<fs::path> profile_files(const std::vector<fs::path>& roots) {
    std::vector<fs::path> out;
    std::set<std::string> seen;
    for (const auto& root : roots) {
        std::error_code ec;
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory(ec) && it->path().filename() == "documents") {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file(ec) || it->path().extension() != ".yaml") continue;
            const auto rel = it->path().lexically_relative(root).generic_string();
            if (seen.insert(rel).second) out.push_back(it->path());  // an earlier root shadows a later one
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

constexpr std::string_view kGear[] = {"cisco_ios", "junos", "routeros", "huawei_vrp"};

struct Definition {
    std::string file;     // canonical path of the file that defines the rule
    std::string where;    // file:line:column
    std::string profile;  // id
};

std::string canonical(const std::string& p) {
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p : c.string();
}

}  // namespace

LintReport lint_profiles(const ProfileLoader& loader, const std::vector<fs::path>& files) {
    LintReport out;
    std::map<std::string, std::vector<Definition>> defined;   // rule id -> where
    std::map<std::string, std::set<std::string>> ancestors;   // canonical file -> canonical ancestor files
    auto add = [&](std::string where, bool error, std::string message) {
        out.findings.push_back({std::move(where), error, std::move(message)});
    };

    for (const auto& file : files) {
        out.files.push_back(file.string());
        auto p = loader.load_file(file);
        if (!p) {
            const auto& e = p.error();
            add(e.where.empty() ? file.string() : e.where, true, e.message);
            continue;
        }
        out.profiles.push_back(fmt::format("{} {} ({} rules)", p->id, p->version, p->rules.size()));
        const auto self = canonical(p->path);
        auto& anc = ancestors[self];
        for (const auto& parent : p->parents) anc.insert(canonical(parent.path));

        if (p->derived_from.empty())
            add(file.string(), false, fmt::format("profile '{}' names no source document (derived_from)", p->id));
        if (p->changelog.empty())
            add(file.string(), false, fmt::format("profile '{}' has no changelog", p->id));
        else if (p->changelog.front().version != p->version)
            add(file.string(), true,
                fmt::format("profile '{}' is version {} but its newest changelog entry (the first) is {}", p->id,
                            p->version, p->changelog.front().version));

        for (const auto& r : p->rules) {
            if (r.from_profile != p->id) continue;  // an inherited rule is linted in its own file
            defined[r.id].push_back({self, r.defined_in, p->id});
            for (const auto& ref : r.references) {
                if (ref.document.empty() || ref.clause.empty())
                    add(r.defined_in, true,
                        fmt::format("rule {}: a reference needs both a document and a clause", r.id));
            }
            std::vector<std::string> missing;
            if (r.dimension.empty()) missing.emplace_back("dimension");
            if (r.layer.empty()) missing.emplace_back("layer");
            if (r.plane.empty()) missing.emplace_back("plane");
            if (!missing.empty())
                add(r.defined_in, false,
                    fmt::format("rule {}: no X.805 {}", r.id, fmt::join(missing, ", ")));
            if (r.guideline.fixes.empty())
                add(r.defined_in, false,
                    fmt::format("rule {}: the guideline gives a summary but no fix for any software", r.id));
            if (r.plane == "management") {
                const bool gear = std::any_of(std::begin(kGear), std::end(kGear), [&](std::string_view g) {
                    return r.guideline.fixes.count(std::string(g)) != 0;
                });
                if (!gear)
                    add(r.defined_in, false,
                        fmt::format("rule {}: a management-plane rule should give the fix for network gear "
                                    "(cisco_ios, junos, routeros, huawei_vrp)",
                                    r.id));
            }
        }
    }

    // One id, one meaning: the same rule id in two files is an error unless one
    // file extends the other (an override).
    for (const auto& [id, defs] : defined) {
        for (std::size_t i = 0; i < defs.size(); ++i) {
            for (std::size_t j = i + 1; j < defs.size(); ++j) {
                const auto& a = defs[i];
                const auto& b = defs[j];
                if (a.file == b.file) continue;
                const bool related = ancestors[a.file].count(b.file) != 0 || ancestors[b.file].count(a.file) != 0;
                if (!related)
                    add(b.where, true,
                        fmt::format("rule id {} is also defined by profile '{}' at {}; rule ids are unique "
                                    "across the catalogue unless one profile extends the other",
                                    id, a.profile, a.where));
            }
        }
    }
    return out;
}

}  // namespace conformscan::scanner
