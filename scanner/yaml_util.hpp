// Shared reading of the YAML files people type (profiles, inventories): one
// place that reads a bounded file, catches yaml-cpp's exceptions, refuses
// unknown and duplicate keys, and turns every complaint into a core::Error
// whose `where` is "file:line:column" (1-based).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scanner/core/result.hpp"

namespace conformscan::scanner::yaml {

inline constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;

// Binds errors to one file and one error code ("bad_profile", "bad_inventory").
class Context {
public:
    Context(std::string file, std::string code) : m_file(std::move(file)), m_code(std::move(code)) {}

    [[nodiscard]] const std::string& file() const { return m_file; }
    [[nodiscard]] const std::string& code() const { return m_code; }
    // "file:line:column", 1-based; an unknown mark (empty document) is 1:1.
    [[nodiscard]] std::string where(const YAML::Mark& mark) const;
    // An error at `mark` whose message reads "path: message".
    [[nodiscard]] core::Error error(const YAML::Mark& mark, std::string_view path,
                                    std::string_view message) const;

private:
    std::string m_file;
    std::string m_code;
};

struct Document {
    std::string bytes;
    YAML::Node root;  // a mapping
};

// Reads at most kMaxFileBytes and parses one document whose top level must be
// a mapping. `what` names the kind of file in messages ("profile").
core::Result<Document> load_document(const Context& ctx, const std::filesystem::path& file,
                                     std::string_view what);

// load_document, then READ(document) with yaml-cpp's exceptions turned into
// "cannot read the WHAT: ..." at their mark: the backstop of every loader,
// whose walk avoids throwing accessors.
template <typename Read>
auto read_document(const Context& ctx, const std::filesystem::path& file, std::string_view what, Read&& read)
    -> decltype(read(std::declval<const Document&>())) {
    auto doc = load_document(ctx, file, what);
    if (!doc) return doc.error();
    try {
        return read(*doc);
    } catch (const YAML::Exception& e) {
        return ctx.error(e.mark, "", std::string("cannot read the ") + std::string(what) + ": " + e.msg);
    }
}

// A mapping read once: keys unique scalars, each one of `allowed`.
class Fields {
public:
    struct Entry {
        std::string key;
        YAML::Mark key_mark;
        YAML::Node value;
    };

    // `path` is the key path of the mapping ("" at the top, "rules[2]", ...).
    // `fallback` locates the mapping when the node carries no useful mark.
    static core::Result<Fields> read(const Context& ctx, const YAML::Node& node, const YAML::Mark& fallback,
                                     std::string path, const std::vector<std::string_view>& allowed);

    // The entry when the key is present with a non-null value.
    [[nodiscard]] const Entry* find(std::string_view key) const;
    [[nodiscard]] const std::vector<Entry>& entries() const { return m_entries; }
    [[nodiscard]] const YAML::Mark& mark() const { return m_mark; }
    [[nodiscard]] const std::string& path() const { return m_path; }
    // "rules[2].severity"
    [[nodiscard]] std::string path_of(std::string_view key) const;
    // Where the value of `entry` is, falling back to its key for null values.
    [[nodiscard]] static YAML::Mark mark_of(const Entry& entry);

    // An error for a missing required key, at the mapping.
    [[nodiscard]] core::Error missing(const Context& ctx, std::string_view key,
                                      std::string_view expected) const;

    core::Result<std::string> required_string(const Context& ctx, std::string_view key) const;
    // A required string that is not blank; `expected` says what it holds ("why the rule is changed").
    core::Result<std::string> required_text(const Context& ctx, std::string_view key, std::string_view expected) const;
    // Leaves `out` unchanged when the key is absent.
    core::Result<void> optional_string(const Context& ctx, std::string_view key, std::string& out) const;
    // One string or a sequence of them ("x" reads as ["x"]); empty when the key is absent.
    core::Result<std::vector<std::string>> optional_string_list(const Context& ctx, std::string_view key) const;

private:
    std::vector<Entry> m_entries;
    YAML::Mark m_mark;
    std::string m_path;
};

// "path.key" or "key" at the top.
std::string join_path(std::string_view path, std::string_view key);
// "path[i]"
std::string index_path(std::string_view path, std::size_t index);

// Scalars. `mark` and `path` locate the value for errors.
bool is_plain(const YAML::Node& node);  // written without quotes or an explicit tag
core::Result<std::string> to_string(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                                    std::string_view path);
core::Result<bool> to_bool(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                           std::string_view path);
core::Result<std::int64_t> to_int(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                                  std::string_view path);
core::Result<double> to_double(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                               std::string_view path);
// A sequence of scalars.
core::Result<std::vector<std::string>> to_string_list(const Context& ctx, const YAML::Node& node,
                                                      const YAML::Mark& mark, std::string_view path);
// A sequence of integers in [lo, hi].
core::Result<std::vector<std::int64_t>> to_int_list(const Context& ctx, const YAML::Node& node,
                                                    const YAML::Mark& mark, std::string_view path,
                                                    std::int64_t lo, std::int64_t hi);

// Plain scalars parsed by YAML 1.2 core-schema rules (no yes/no booleans).
bool parse_bool(std::string_view text, bool& out);
bool parse_int(std::string_view text, std::int64_t& out);
bool parse_double(std::string_view text, double& out);

// "'x'" with control characters escaped, for echoing typed values back.
std::string quote(std::string_view text);

}  // namespace conformscan::scanner::yaml
