// `conformscan profiles coverage`: per clause of each document a profile
// cites, the rules that cover it — and, where the clause catalogue of the
// document is shipped (profiles/documents/*.yaml), the clauses no rule checks.
//
// Clause catalogue format (YAML), one document per file:
//
//   document:
//     id: ITU-T X.805            # exactly as profiles cite it in references
//     edition: 10/2003
//     clauses:
//       - {clause: "6.1", title: Access control}
//       - {clause: "6.2", title: Authentication, verified: false}
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/profile.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::scanner {

struct DocumentClause {
    std::string clause;
    std::string title;
    bool verified = true;
};

struct ClauseCatalogue {
    std::string document;
    std::string edition;
    std::string path;
    std::vector<DocumentClause> clauses;
};

// Every catalogue under ROOT/documents/ for each root; a malformed one is an
// error with file:line:column.
core::Result<std::vector<ClauseCatalogue>> load_clause_catalogues(const std::vector<std::filesystem::path>& roots);

// {profile, documents: [{document, edition, catalogue, clauses: [{clause, title,
// rules: [...]}], covered, listed}]}: cited documents in first-cited order,
// clauses in catalogue order then cited-only ones. `document` filters (empty: all).
nlohmann::json profile_coverage(const core::Profile& profile, const std::vector<ClauseCatalogue>& catalogues,
                                const std::string& document);

}  // namespace conformscan::scanner
