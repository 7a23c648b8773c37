#include "scanner/coverage.hpp"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

namespace fs = std::filesystem;
using yaml::Fields;
using Json = nlohmann::json;

namespace {

constexpr std::string_view kCode = "bad_document";
const std::vector<std::string_view> kTopKeys = {"document"};
const std::vector<std::string_view> kDocKeys = {"id", "edition", "url", "clauses"};
const std::vector<std::string_view> kClauseKeys = {"clause", "title", "verified"};

core::Result<ClauseCatalogue> load_one(const fs::path& file) {
    const yaml::Context ctx(file.string(), std::string(kCode));
    auto doc = yaml::load_document(ctx, file, "clause catalogue");
    if (!doc) return doc.error();
    try {
        auto top = Fields::read(ctx, doc->root, YAML::Mark::null_mark(), "", kTopKeys);
        if (!top) return top.error();
        const auto* d = top->find("document");
        if (d == nullptr) return top->missing(ctx, "document", "a mapping with id, edition and clauses");
        auto f = Fields::read(ctx, d->value, d->key_mark, "document", kDocKeys);
        if (!f) return f.error();
        ClauseCatalogue out;
        out.path = file.string();
        auto id = f->required_string(ctx, "id");
        if (!id) return id.error();
        out.document = std::move(*id);
        if (auto r = f->optional_string(ctx, "edition", out.edition); !r) return r.error();
        std::string url;
        if (auto r = f->optional_string(ctx, "url", url); !r) return r.error();
        const auto* c = f->find("clauses");
        if (c == nullptr || !c->value.IsSequence() || c->value.size() == 0)
            return ctx.error(c ? Fields::mark_of(*c) : f->mark(), "document.clauses",
                             "expected a non-empty list of {clause, title}");
        std::size_t i = 0;
        for (const auto& item : c->value) {
            auto cf = Fields::read(ctx, item, Fields::mark_of(*c), yaml::index_path("document.clauses", i++),
                                   kClauseKeys);
            if (!cf) return cf.error();
            DocumentClause clause;
            auto number = cf->required_string(ctx, "clause");
            if (!number) return number.error();
            clause.clause = std::move(*number);
            auto title = cf->required_string(ctx, "title");
            if (!title) return title.error();
            clause.title = std::move(*title);
            if (const auto* v = cf->find("verified")) {
                auto b = yaml::to_bool(ctx, v->value, Fields::mark_of(*v), cf->path_of("verified"));
                if (!b) return b.error();
                clause.verified = *b;
            }
            for (const auto& seen : out.clauses)
                if (seen.clause == clause.clause)
                    return ctx.error(item.Mark(), cf->path_of("clause"),
                                     fmt::format("clause {} is listed twice", clause.clause));
            out.clauses.push_back(std::move(clause));
        }
        return out;
    } catch (const YAML::Exception& e) {
        return ctx.error(e.mark, "", fmt::format("cannot read the clause catalogue: {}", e.msg));
    }
}

}  // namespace

core::Result<std::vector<ClauseCatalogue>> load_clause_catalogues(const std::vector<fs::path>& roots) {
    std::vector<ClauseCatalogue> out;
    for (const auto& root : roots) {
        const auto dir = root / "documents";
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
            if (it->path().extension() == ".yaml") files.push_back(it->path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            auto c = load_one(file);
            if (!c) return c.error();
            // An earlier root shadows a later one.
            if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.document == c->document; }))
                out.push_back(std::move(*c));
        }
    }
    return out;
}

Json profile_coverage(const core::Profile& profile, const std::vector<ClauseCatalogue>& catalogues,
                      const std::string& document) {
    // document -> clause -> rule ids, in first-cited order.
    std::vector<std::string> docs;
    std::vector<std::vector<std::pair<std::string, std::vector<std::string>>>> cited;
    for (const auto& rule : profile.rules) {
        for (const auto& ref : rule.references) {
            if (!document.empty() && ref.document != document) continue;
            auto d = std::find(docs.begin(), docs.end(), ref.document);
            if (d == docs.end()) {
                docs.push_back(ref.document);
                cited.emplace_back();
                d = docs.end() - 1;
            }
            auto& clauses = cited[static_cast<std::size_t>(d - docs.begin())];
            auto c = std::find_if(clauses.begin(), clauses.end(), [&](const auto& e) { return e.first == ref.clause; });
            if (c == clauses.end()) {
                clauses.emplace_back(ref.clause, std::vector<std::string>{});
                c = clauses.end() - 1;
            }
            if (std::find(c->second.begin(), c->second.end(), rule.id) == c->second.end())
                c->second.push_back(rule.id);
        }
    }
    if (!document.empty() && docs.empty()) {
        // Not cited at all: still show its catalogue, every clause unchecked.
        docs.push_back(document);
        cited.emplace_back();
    }
    Json out = {{"profile", {{"id", profile.id}, {"version", profile.version}}}, {"documents", Json::array()}};
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto cat = std::find_if(catalogues.begin(), catalogues.end(),
                                      [&](const ClauseCatalogue& c) { return c.document == docs[i]; });
        Json d = {{"document", docs[i]}, {"clauses", Json::array()}};
        std::size_t covered = 0;
        std::size_t listed = 0;
        auto rules_for = [&](const std::string& clause) {
            for (const auto& [c, ids] : cited[i])
                if (c == clause) return ids;
            return std::vector<std::string>{};
        };
        if (cat != catalogues.end()) {
            d["edition"] = cat->edition;
            d["catalogue"] = cat->path;
            for (const auto& clause : cat->clauses) {
                auto ids = rules_for(clause.clause);
                ++listed;
                if (!ids.empty()) ++covered;
                Json jc = {{"clause", clause.clause}, {"title", clause.title}, {"rules", ids}};
                if (!clause.verified) jc["verified"] = false;
                d["clauses"].push_back(std::move(jc));
            }
        }
        for (const auto& [clause, ids] : cited[i]) {
            const bool in_catalogue =
                cat != catalogues.end() && std::any_of(cat->clauses.begin(), cat->clauses.end(),
                                                       [&](const DocumentClause& c) { return c.clause == clause; });
            if (in_catalogue) continue;
            d["clauses"].push_back({{"clause", clause}, {"rules", ids}, {"not_in_catalogue", cat != catalogues.end()}});
        }
        d["catalogued"] = cat != catalogues.end();
        if (cat != catalogues.end()) {
            d["listed"] = listed;
            d["covered"] = covered;
        }
        out["documents"].push_back(std::move(d));
    }
    return out;
}

}  // namespace conformscan::scanner
