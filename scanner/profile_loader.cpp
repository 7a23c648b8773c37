#include "scanner/profile_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "scanner/digest.hpp"
#include "scanner/rule_parser.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

namespace fs = std::filesystem;

namespace {

using yaml::Fields;

constexpr std::string_view kCode = "bad_profile";
constexpr std::size_t kMaxExtendsDepth = 32;
const std::vector<std::string_view> kTopKeys = {"profile", "rules"};
const std::vector<std::string_view> kHeaderKeys = {
    "id", "title", "version", "description", "status", "derived_from", "extends", "exclude", "changelog"};
const std::vector<std::string_view> kStatuses = {"draft", "active", "deprecated"};
const std::vector<std::string_view> kDerivedKeys = {"document", "edition", "url"};
const std::vector<std::string_view> kChangelogKeys = {"version", "date", "changes"};

struct Named {
    std::string text;
    YAML::Mark mark;
};

struct Header {
    std::string id, title, version, description, status;
    nlohmann::json i18n;
    std::vector<core::DerivedFrom> derived_from;
    std::vector<core::ChangelogEntry> changelog;
    std::vector<Named> extends;
    std::vector<Named> exclude;
};

// The files being loaded, outermost first: a parent already on it closes a cycle.
struct Frame {
    std::string canonical;
    std::string id;
};

bool is_profile_id(std::string_view s) {
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (s.empty() || !lower_or_digit(s[0])) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

std::string canonical_of(const fs::path& p) {
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal().string() : c.string();
}

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

core::Result<std::vector<Named>> named_list(const yaml::Context& ctx, const Fields& f, std::string_view key) {
    std::vector<Named> out;
    const auto* e = f.find(key);
    if (e == nullptr) return out;
    auto list = yaml::to_string_list(ctx, e->value, Fields::mark_of(*e), f.path_of(key));
    if (!list) return list.error();
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto mark = e->value[i].Mark();
        if ((*list)[i].empty())
            return ctx.error(mark, yaml::index_path(f.path_of(key), i), "must not be empty");
        out.push_back({(*list)[i], mark});
    }
    return out;
}

core::Result<std::vector<core::ChangelogEntry>> read_changelog(const yaml::Context& ctx, const Fields& f) {
    std::vector<core::ChangelogEntry> out;
    const auto* e = f.find("changelog");
    if (e == nullptr) return out;
    if (!e->value.IsSequence())
        return ctx.error(Fields::mark_of(*e), f.path_of("changelog"),
                         "expected a list of {version, date, changes}");
    std::size_t i = 0;
    for (const auto& item : e->value) {
        auto c = Fields::read(ctx, item, Fields::mark_of(*e), yaml::index_path(f.path_of("changelog"), i++),
                              kChangelogKeys);
        if (!c) return c.error();
        core::ChangelogEntry entry;
        auto v = c->required_string(ctx, "version");
        if (!v) return v.error();
        entry.version = std::move(*v);
        if (const auto* d = c->find("date")) {
            auto text = yaml::to_string(ctx, d->value, Fields::mark_of(*d), c->path_of("date"));
            if (!text) return text.error();
            if (auto t = core::parse_time(*text); !t)
                return ctx.error(Fields::mark_of(*d), c->path_of("date"), t.error().message);
            entry.date = std::move(*text);
        }
        if (const auto* ch = c->find("changes")) {
            if (ch->value.IsScalar()) {
                auto text = yaml::to_string(ctx, ch->value, Fields::mark_of(*ch), c->path_of("changes"));
                if (!text) return text.error();
                entry.changes.push_back(std::move(*text));
            } else {
                auto list = yaml::to_string_list(ctx, ch->value, Fields::mark_of(*ch), c->path_of("changes"));
                if (!list) return list.error();
                entry.changes = std::move(*list);
            }
        }
        out.push_back(std::move(entry));
    }
    return out;
}

core::Result<Header> parse_header(const yaml::Context& ctx, const Fields& top) {
    const auto* e = top.find("profile");
    if (e == nullptr) return top.missing(ctx, "profile", "a mapping with id, title and version");
    auto f = Fields::read(ctx, e->value, e->key_mark, "profile", kHeaderKeys);
    if (!f) return f.error();
    Header h;
    auto id = f->required_string(ctx, "id");
    if (!id) return id.error();
    if (!is_profile_id(*id))
        return ctx.error(
            Fields::mark_of(*f->find("id")), "profile.id",
            fmt::format("expected lower-case letters, digits, '.', '_' or '-', starting with a letter "
                        "or digit; got {}",
                        yaml::quote(*id)));
    h.id = std::move(*id);
    if (auto r = read_text(ctx, *f, "title", true, h.title, h.i18n, "title"); !r) return r.error();
    auto version = f->required_string(ctx, "version");
    if (!version) return version.error();
    h.version = std::move(*version);
    if (auto r = read_text(ctx, *f, "description", false, h.description, h.i18n, "description"); !r)
        return r.error();
    if (const auto* s = f->find("status")) {
        auto status = yaml::to_string(ctx, s->value, Fields::mark_of(*s), "profile.status");
        if (!status) return status.error();
        if (std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end())
            return ctx.error(
                Fields::mark_of(*s), "profile.status",
                fmt::format("expected one of {}; got {}", fmt::join(kStatuses, ", "), yaml::quote(*status)));
        h.status = std::move(*status);
    }
    if (const auto* d = f->find("derived_from")) {
        if (!d->value.IsSequence())
            return ctx.error(Fields::mark_of(*d), "profile.derived_from",
                             "expected a list of {document, edition}");
        std::size_t i = 0;
        for (const auto& item : d->value) {
            auto df = Fields::read(ctx, item, Fields::mark_of(*d),
                                   yaml::index_path("profile.derived_from", i++), kDerivedKeys);
            if (!df) return df.error();
            core::DerivedFrom from;
            auto document = df->required_string(ctx, "document");
            if (!document) return document.error();
            from.document = std::move(*document);
            if (auto r = df->optional_string(ctx, "edition", from.edition); !r) return r.error();
            if (auto r = df->optional_string(ctx, "url", from.url); !r) return r.error();
            h.derived_from.push_back(std::move(from));
        }
    }
    auto extends = named_list(ctx, *f, "extends");
    if (!extends) return extends.error();
    h.extends = std::move(*extends);
    auto exclude = named_list(ctx, *f, "exclude");
    if (!exclude) return exclude.error();
    h.exclude = std::move(*exclude);
    auto changelog = read_changelog(ctx, *f);
    if (!changelog) return changelog.error();
    h.changelog = std::move(*changelog);
    return h;
}

// Parents first, in order; a later rule with the same id takes the earlier one's place.
void merge_rule(std::vector<core::Rule>& rules, core::Rule rule) {
    auto it = std::find_if(rules.begin(), rules.end(), [&](const core::Rule& r) { return r.id == rule.id; });
    if (it != rules.end())
        *it = std::move(rule);
    else
        rules.push_back(std::move(rule));
}

void add_parent(std::vector<core::ProfileSource>& out, core::ProfileSource source) {
    auto same = [&](const core::ProfileSource& s) {
        return s.path == source.path && s.sha256 == source.sha256;
    };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back(std::move(source));
}

class Resolver {
public:
    Resolver(const ProfileLoader& loader, const core::CheckRegistry& checks)
        : m_loader(loader), m_checks(checks) {}

    core::Result<core::Profile> load(const fs::path& file, std::vector<Frame>& chain) const;

private:
    core::Result<fs::path> find_parent(const yaml::Context& ctx, const fs::path& file,
                                       const Named& ref) const;
    core::Result<void> inherit(const yaml::Context& ctx, const fs::path& file, const Header& h,
                               std::vector<Frame>& chain, core::Profile& out) const;
    core::Result<void> own_rules(const yaml::Context& ctx, const Fields& top, const Header& h,
                                 core::Profile& out) const;

    const ProfileLoader& m_loader;
    const core::CheckRegistry& m_checks;
};

core::Result<fs::path> Resolver::find_parent(const yaml::Context& ctx, const fs::path& file,
                                             const Named& ref) const {
    std::vector<fs::path> candidates;
    const auto dir = file.parent_path();
    const bool has_ext = fs::path(ref.text).extension() == ".yaml";
    if (!has_ext) candidates.push_back((dir / (ref.text + ".yaml")).lexically_normal());
    candidates.push_back((dir / ref.text).lexically_normal());
    for (const auto& root : m_loader.roots()) {
        if (!has_ext) candidates.push_back((root / (ref.text + ".yaml")).lexically_normal());
        candidates.push_back((root / ref.text).lexically_normal());
    }
    for (const auto& c : candidates)
        if (is_file(c)) return c;
    for (const auto& entry : m_loader.catalog())
        if (entry.id == ref.text) return entry.path;
    std::vector<std::string> tried;
    for (const auto& c : candidates) tried.push_back(c.string());
    return ctx.error(
        ref.mark, "profile.extends",
        fmt::format("extends '{}': no such profile; looked in {}, and for a profile with that id "
                    "under the profile roots",
                    ref.text, fmt::join(tried, ", ")));
}

core::Result<void> Resolver::inherit(const yaml::Context& ctx, const fs::path& file, const Header& h,
                                     std::vector<Frame>& chain, core::Profile& out) const {
    for (const auto& ref : h.extends) {
        auto parent_path = find_parent(ctx, file, ref);
        if (!parent_path) return parent_path.error();
        const auto canonical = canonical_of(*parent_path);
        auto on_chain = std::find_if(chain.begin(), chain.end(),
                                     [&](const Frame& f) { return f.canonical == canonical; });
        if (on_chain != chain.end()) {
            std::vector<std::string> ids;
            for (auto it = on_chain; it != chain.end(); ++it) ids.push_back(it->id);
            ids.push_back(on_chain->id);
            return ctx.error(ref.mark, "profile.extends",
                             fmt::format("extends cycle: {}", fmt::join(ids, " -> ")));
        }
        if (chain.size() >= kMaxExtendsDepth)
            return ctx.error(ref.mark, "profile.extends",
                             fmt::format("extends chain deeper than {} profiles", kMaxExtendsDepth));
        auto parent = load(*parent_path, chain);
        if (!parent) return parent.error();
        for (auto& rule : parent->rules) merge_rule(out.rules, std::move(rule));
        add_parent(out.parents, {parent->id, parent->version, parent->path, parent->sha256});
        for (auto& p : parent->parents) add_parent(out.parents, std::move(p));
    }
    std::size_t i = 0;
    for (const auto& ex : h.exclude) {
        auto it = std::find_if(out.rules.begin(), out.rules.end(),
                               [&](const core::Rule& r) { return r.id == ex.text; });
        if (it == out.rules.end())
            return ctx.error(ex.mark, yaml::index_path("profile.exclude", i),
                             fmt::format("no inherited rule '{}' to exclude{}", ex.text,
                                         h.extends.empty() ? " (the profile extends nothing)" : ""));
        out.rules.erase(it);
        ++i;
    }
    return {};
}

core::Result<void> Resolver::own_rules(const yaml::Context& ctx, const Fields& top, const Header& h,
                                       core::Profile& out) const {
    const auto* e = top.find("rules");
    if (e == nullptr) {
        if (!h.extends.empty()) return {};
        return top.missing(ctx, "rules",
                           "a list of rules (it may be empty only when the profile extends another)");
    }
    if (!e->value.IsSequence()) return ctx.error(Fields::mark_of(*e), "rules", "expected a list of rules");
    if (e->value.size() == 0 && h.extends.empty())
        return ctx.error(Fields::mark_of(*e), "rules",
                         "expected at least one rule; only a profile that extends "
                         "another may have none");
    std::vector<std::pair<std::string, std::string>> seen;  // id, defined_in
    std::size_t i = 0;
    for (const auto& item : e->value) {
        auto rule = parse_rule(ctx, item, Fields::mark_of(*e), yaml::index_path("rules", i), m_checks);
        if (!rule) return rule.error();
        for (const auto& [id, where] : seen)
            if (id == rule->id)
                return ctx.error(item.Mark(), yaml::index_path("rules", i) + ".id",
                                 fmt::format("duplicate rule id '{}' (first defined at {})", id, where));
        seen.emplace_back(rule->id, rule->defined_in);
        rule->from_profile = h.id;
        merge_rule(out.rules, std::move(*rule));
        ++i;
    }
    return {};
}

core::Result<core::Profile> Resolver::load(const fs::path& file, std::vector<Frame>& chain) const {
    const yaml::Context ctx(file.string(), std::string(kCode));
    auto doc = yaml::load_document(ctx, file, "profile");
    if (!doc) return doc.error();
    core::Profile out;
    try {
        auto top = Fields::read(ctx, doc->root, YAML::Mark::null_mark(), "", kTopKeys);
        if (!top) return top.error();
        auto header = parse_header(ctx, *top);
        if (!header) return header.error();
        out.id = header->id;
        out.title = header->title;
        out.version = header->version;
        out.description = header->description;
        out.i18n = header->i18n;
        out.derived_from = header->derived_from;
        out.status = header->status;
        out.changelog = header->changelog;
        for (const auto& ref : header->extends) out.extends.push_back(ref.text);
        out.path = file.string();
        out.sha256 = sha256_hex(doc->bytes);

        chain.push_back({canonical_of(file), header->id});
        auto inherited = inherit(ctx, file, *header, chain, out);
        chain.pop_back();
        if (!inherited) return inherited.error();
        if (auto r = own_rules(ctx, *top, *header, out); !r) return r.error();
    } catch (const YAML::Exception& e) {
        // The walk above avoids throwing accessors; this is the loader's backstop.
        return ctx.error(e.mark, "", fmt::format("cannot read the profile: {}", e.msg));
    }
    return out;
}

core::Result<ProfileCatalogEntry> read_catalog_header(const fs::path& root, const fs::path& file) {
    const yaml::Context ctx(file.string(), std::string(kCode));
    auto doc = yaml::load_document(ctx, file, "profile");
    if (!doc) return doc.error();
    try {
        const auto profile = doc->root["profile"];
        if (!profile.IsMap())
            return core::make_error(std::string(kCode), "no profile: header", file.string());
        ProfileCatalogEntry entry;
        auto scalar = [&](const char* key) {
            const auto n = profile[key];
            return n.IsScalar() ? n.Scalar() : std::string();
        };
        entry.id = scalar("id");
        entry.title = scalar("title");
        if (const auto t = profile["title"]; t.IsMap() && t["en"].IsScalar()) entry.title = t["en"].Scalar();
        entry.version = scalar("version");
        if (entry.id.empty()) return core::make_error(std::string(kCode), "no profile.id", file.string());
        entry.path = file;
        entry.ref = file.lexically_relative(root).replace_extension().generic_string();
        return entry;
    } catch (const YAML::Exception& e) {
        return core::make_error(std::string(kCode), e.msg, file.string());
    }
}

}  // namespace

ProfileLoader::ProfileLoader(const core::CheckRegistry& checks, std::vector<fs::path> roots)
    : m_checks(checks), m_roots(std::move(roots)) {}

core::Result<core::Profile> ProfileLoader::load_file(const fs::path& file) const {
    std::vector<Frame> chain;
    return Resolver(*this, m_checks).load(file, chain);
}

core::Result<core::Profile> ProfileLoader::load(const std::string& ref) const {
    if (ref.empty()) return core::make_error("profile_not_found", "empty profile reference");
    if (is_file(ref)) return load_file(ref);
    std::vector<std::string> tried{ref};
    for (const auto& root : m_roots) {
        for (const auto& candidate : {root / (ref + ".yaml"), root / ref}) {
            tried.push_back(candidate.string());
            if (is_file(candidate)) return load_file(candidate);
        }
    }
    for (const auto& entry : catalog())
        if (entry.id == ref) return load_file(entry.path);
    return core::make_error("profile_not_found",
                            fmt::format("no profile '{}': tried {}, and no catalogued profile has that id; "
                                        "see `conformscan profiles list`",
                                        ref, fmt::join(tried, ", ")));
}

std::vector<ProfileCatalogEntry> ProfileLoader::catalog() const {
    std::vector<ProfileCatalogEntry> out;
    std::set<std::string> refs;
    for (const auto& root : m_roots) {
        std::vector<ProfileCatalogEntry> found;
        std::error_code ec;
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec) || it->path().extension() != ".yaml") continue;
            auto entry = read_catalog_header(root, it->path());
            if (entry) found.push_back(std::move(*entry));
        }
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.ref < b.ref; });
        // An earlier root shadows a later one, as on a search path.
        for (auto& e : found)
            if (refs.insert(e.ref).second) out.push_back(std::move(e));
    }
    return out;
}

std::vector<fs::path> default_profile_roots() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("CONFORMSCAN_PROFILES")) {
        std::string_view rest(env);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const auto part = rest.substr(0, colon);
            if (!part.empty()) candidates.emplace_back(part);
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path() / ".." / "share" / "conformscan" / "profiles");
#ifdef CONFORMSCAN_INSTALL_PROFILES
    candidates.emplace_back(CONFORMSCAN_INSTALL_PROFILES);
#endif
#ifdef CONFORMSCAN_SOURCE_PROFILES
    candidates.emplace_back(CONFORMSCAN_SOURCE_PROFILES);
#endif
    std::vector<fs::path> out;
    std::set<std::string> seen;
    for (const auto& c : candidates) {
        if (!fs::is_directory(c, ec)) continue;
        if (seen.insert(canonical_of(c)).second) out.push_back(c.lexically_normal());
    }
    return out;
}

}  // namespace conformscan::scanner
