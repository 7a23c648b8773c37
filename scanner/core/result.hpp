// Result<T>: the error channel of every parser, loader and rule.
// GCC 12 in C++20 mode has no std::expected, so core keeps this small type.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace conformscan::core {

// What went wrong and where. `where` names the structure being read
// ("ServerHello.extensions", "profile.rules[3].with") or a file position
// ("profiles/x.yaml:12:5"); `offset` is the byte offset for wire parsers.
struct Error {
    std::string code;
    std::string message;
    std::string where;
    std::size_t offset = kNoOffset;

    static constexpr std::size_t kNoOffset = static_cast<std::size_t>(-1);

    // "where: message" (or just the message), for logs and CLI output.
    [[nodiscard]] std::string describe() const;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}  // NOLINT(implicit)
    Result(Error error) : m_value(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

    [[nodiscard]] bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_value); }
    const T& value() const& { return std::get<0>(m_value); }
    T&& value() && { return std::get<0>(std::move(m_value)); }
    const Error& error() const { return std::get<1>(m_value); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    template <typename U>
    T value_or(U&& fallback) const& {
        return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> m_value;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(implicit)

    [[nodiscard]] bool ok() const { return m_ok; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error make_error(std::string code, std::string message, std::string where = {},
                        std::size_t offset = Error::kNoOffset) {
    return Error{std::move(code), std::move(message), std::move(where), offset};
}

}  // namespace conformscan::core
