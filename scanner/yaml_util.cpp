#include "scanner/yaml_util.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

namespace conformscan::scanner::yaml {

namespace {

constexpr std::size_t kMaxQuoted = 80;

std::string_view kind_of(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
            return "nothing";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        default:
            return "a scalar";
    }
}

// "got 'x'" for scalars, "got a list" otherwise: the value as the author wrote it.
std::string got(const YAML::Node& node) {
    return node.IsScalar() ? "got " + quote(node.Scalar()) : "got " + std::string(kind_of(node));
}

YAML::Mark mark_or(const YAML::Node& node, const YAML::Mark& fallback) {
    // yaml-cpp gives a null value the mark of the next token, which points at
    // the wrong line; the caller's mark (its key) is where the author looks.
    if (!node.IsDefined() || node.IsNull()) return fallback;
    const auto m = node.Mark();
    return m.is_null() ? fallback : m;
}

}  // namespace

std::string Context::where(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0 || mark.column < 0) return fmt::format("{}:1:1", m_file);
    return fmt::format("{}:{}:{}", m_file, mark.line + 1, mark.column + 1);
}

core::Error Context::error(const YAML::Mark& mark, std::string_view path, std::string_view message) const {
    auto text = path.empty() ? std::string(message) : fmt::format("{}: {}", path, message);
    return core::make_error(m_code, std::move(text), where(mark));
}

core::Result<Document> load_document(const Context& ctx, const std::filesystem::path& file,
                                     std::string_view what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return core::make_error(ctx.code(), fmt::format("cannot read the {}: no such file", what),
                                ctx.file());
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        return core::make_error(ctx.code(), fmt::format("cannot read the {}: {}", what, ec.message()),
                                ctx.file());
    if (size > kMaxFileBytes)
        return core::make_error(
            ctx.code(),
            fmt::format("the {} is {} bytes; files over {} bytes are refused", what, size, kMaxFileBytes),
            ctx.file());
    Document doc;
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::make_error(ctx.code(), fmt::format("cannot open the {}", what), ctx.file());
    // Read at most one byte past the cap, in case the file grew since stat.
    doc.bytes.resize(kMaxFileBytes + 1);
    in.read(doc.bytes.data(), static_cast<std::streamsize>(doc.bytes.size()));
    doc.bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (doc.bytes.size() > kMaxFileBytes)
        return core::make_error(ctx.code(), fmt::format("the {} is over {} bytes", what, kMaxFileBytes),
                                ctx.file());

    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(doc.bytes);
    } catch (const YAML::Exception& e) {
        return ctx.error(e.mark, "", fmt::format("not valid YAML: {}", e.msg));
    } catch (const std::exception& e) {
        return core::make_error(ctx.code(), fmt::format("not valid YAML: {}", e.what()), ctx.file());
    }
    if (docs.size() > 1)
        return ctx.error(mark_or(docs[1], YAML::Mark::null_mark()), "",
                         fmt::format("expected one YAML document, found {}", docs.size()));
    if (docs.empty() || docs[0].IsNull())
        return ctx.error(YAML::Mark::null_mark(), "",
                         fmt::format("the {} is empty; expected a mapping of keys to values", what));
    if (!docs[0].IsMap())
        return ctx.error(
            docs[0].Mark(), "",
            fmt::format("the top level of a {} must be a mapping of keys to values; {}", what, got(docs[0])));
    doc.root = docs[0];
    return doc;
}

std::string join_path(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string index_path(std::string_view path, std::size_t index) {
    return fmt::format("{}[{}]", path, index);
}

core::Result<Fields> Fields::read(const Context& ctx, const YAML::Node& node, const YAML::Mark& fallback,
                                  std::string path, const std::vector<std::string_view>& allowed) {
    Fields f;
    f.m_mark = mark_or(node, fallback);
    f.m_path = std::move(path);
    if (!node.IsMap()) return ctx.error(f.m_mark, f.m_path, fmt::format("expected a mapping; {}", got(node)));
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node& key = it->first;
        const auto key_mark = mark_or(key, f.m_mark);
        if (!key.IsScalar())
            return ctx.error(key_mark, f.m_path, fmt::format("keys must be names; {}", got(key)));
        Entry e{key.Scalar(), key_mark, it->second};
        if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
            return ctx.error(key_mark, f.path_of(e.key),
                             fmt::format("unknown key; expected one of {}", fmt::join(allowed, ", ")));
        for (const auto& prior : f.m_entries)
            if (prior.key == e.key)
                return ctx.error(key_mark, f.path_of(e.key),
                                 fmt::format("duplicate key (first at {})", ctx.where(prior.key_mark)));
        f.m_entries.push_back(std::move(e));
    }
    return f;
}

const Fields::Entry* Fields::find(std::string_view key) const {
    for (const auto& e : m_entries)
        if (e.key == key) return e.value.IsNull() ? nullptr : &e;
    return nullptr;
}

std::string Fields::path_of(std::string_view key) const {
    return join_path(m_path, key);
}

YAML::Mark Fields::mark_of(const Entry& entry) {
    return mark_or(entry.value, entry.key_mark);
}

core::Error Fields::missing(const Context& ctx, std::string_view key, std::string_view expected) const {
    return ctx.error(m_mark, path_of(key), fmt::format("required; expected {}", expected));
}

core::Result<std::string> Fields::required_text(const Context& ctx, std::string_view key,
                                                std::string_view expected) const {
    const auto* e = find(key);
    if (e == nullptr) return missing(ctx, key, expected);
    auto text = to_string(ctx, e->value, mark_of(*e), path_of(key));
    if (!text) return text.error();
    const bool blank = std::all_of(text->begin(), text->end(),
                                   [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
    if (blank) return ctx.error(mark_of(*e), path_of(key), fmt::format("must not be empty ({})", expected));
    return text;
}

core::Result<std::string> Fields::required_string(const Context& ctx, std::string_view key) const {
    const auto* e = find(key);
    if (e == nullptr) return missing(ctx, key, "a string");
    auto s = to_string(ctx, e->value, mark_of(*e), path_of(key));
    if (s && s->find_first_not_of(" \t\r\n") == std::string::npos)
        return ctx.error(mark_of(*e), path_of(key), "must not be empty");
    return s;
}

core::Result<void> Fields::optional_string(const Context& ctx, std::string_view key, std::string& out) const {
    const auto* e = find(key);
    if (e == nullptr) return {};
    auto s = to_string(ctx, e->value, mark_of(*e), path_of(key));
    if (!s) return s.error();
    out = std::move(*s);
    return {};
}

core::Result<std::vector<std::string>> Fields::optional_string_list(const Context& ctx, std::string_view key) const {
    const auto* e = find(key);
    if (e == nullptr) return std::vector<std::string>{};
    if (e->value.IsScalar()) {
        auto one = to_string(ctx, e->value, mark_of(*e), path_of(key));
        if (!one) return one.error();
        return std::vector<std::string>{*one};
    }
    return to_string_list(ctx, e->value, mark_of(*e), path_of(key));
}

bool is_plain(const YAML::Node& node) {
    return node.Tag() == "?";
}

core::Result<std::string> to_string(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                                    std::string_view path) {
    if (!node.IsScalar()) return ctx.error(mark, path, fmt::format("expected a string; {}", got(node)));
    return node.Scalar();
}

core::Result<bool> to_bool(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                           std::string_view path) {
    bool out = false;
    if (!node.IsScalar() || !is_plain(node) || !parse_bool(node.Scalar(), out))
        return ctx.error(mark, path, fmt::format("expected true or false; {}", got(node)));
    return out;
}

core::Result<std::int64_t> to_int(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                                  std::string_view path) {
    std::int64_t out = 0;
    if (!node.IsScalar() || !is_plain(node) || !parse_int(node.Scalar(), out))
        return ctx.error(mark, path, fmt::format("expected an integer; {}", got(node)));
    return out;
}

core::Result<double> to_double(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                               std::string_view path) {
    double out = 0;
    if (!node.IsScalar() || !is_plain(node) || !parse_double(node.Scalar(), out))
        return ctx.error(mark, path, fmt::format("expected a number; {}", got(node)));
    return out;
}

core::Result<std::vector<std::string>> to_string_list(const Context& ctx, const YAML::Node& node,
                                                      const YAML::Mark& mark, std::string_view path) {
    if (!node.IsSequence())
        return ctx.error(mark, path, fmt::format("expected a list of strings; {}", got(node)));
    std::vector<std::string> out;
    std::size_t i = 0;
    for (const auto& item : node) {
        auto s = to_string(ctx, item, mark_or(item, mark_or(node, mark)), index_path(path, i++));
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

core::Result<std::vector<std::int64_t>> to_int_list(const Context& ctx, const YAML::Node& node,
                                                    const YAML::Mark& mark, std::string_view path,
                                                    std::int64_t lo, std::int64_t hi) {
    if (!node.IsSequence())
        return ctx.error(mark, path, fmt::format("expected a list of integers; {}", got(node)));
    std::vector<std::int64_t> out;
    std::size_t i = 0;
    for (const auto& item : node) {
        const auto item_mark = mark_or(item, mark_or(node, mark));
        const auto item_path = index_path(path, i++);
        auto v = to_int(ctx, item, item_mark, item_path);
        if (!v) return v.error();
        if (*v < lo || *v > hi)
            return ctx.error(item_mark, item_path, fmt::format("expected {}..{}; got {}", lo, hi, *v));
        out.push_back(*v);
    }
    return out;
}

bool parse_bool(std::string_view text, bool& out) {
    if (text == "true" || text == "True" || text == "TRUE") {
        out = true;
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        out = false;
        return true;
    }
    return false;
}

bool parse_int(std::string_view text, std::int64_t& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return false;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

bool parse_double(std::string_view text, double& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return false;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    // NaN and infinities are not numbers a profile author means.
    return ec == std::errc() && ptr == end && std::isfinite(out);
}

std::string quote(std::string_view text) {
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < kMaxQuoted; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F)
            out += fmt::format("\\x{:02x}", c);
        else
            out.push_back(static_cast<char>(c));
    }
    if (text.size() > kMaxQuoted) out += "...";
    out += "'";
    return out;
}

}  // namespace conformscan::scanner::yaml
