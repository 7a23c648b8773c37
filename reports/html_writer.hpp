// Building HTML safely from text that comes from servers and files: every
// string a report carries may be hostile (a Server header, an SSH banner, a
// certificate subject), so it only ever reaches the page through escape().
#pragma once

#include <string>
#include <string_view>

namespace conformscan::reports::html {

// Text for element content and quoted attribute values: & < > " ' escaped;
// C0 controls other than tab and newline, DEL, and bytes that are not UTF-8
// replaced by U+FFFD so that nothing can end a tag, an attribute or a comment,
// nor make the document ill-formed.
std::string escape(std::string_view text);

// A token safe for an id, a class name or a data-* value: ASCII letters,
// digits, '-' and '_' kept, everything else '_'. Never empty.
std::string token(std::string_view text);

// <tag attrs>escape(text)</tag>; `attrs` is trusted markup written by the
// renderer (starting with a space, or empty).
std::string element(std::string_view tag, std::string_view text, std::string_view attrs = {});

}  // namespace conformscan::reports::html
