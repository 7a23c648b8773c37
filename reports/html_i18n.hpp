// The HTML report's own words in the six UN languages (en, fr, es, ar, ru,
// zh): one table in html_i18n.cpp. Rule titles and guideline summaries come
// from the profiles' own translations (RuleResult::i18n), not from here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace conformscan::reports {

// "en", "fr", "es", "ar", "ru", "zh", in that order.
const std::vector<std::string_view>& html_languages();
[[nodiscard]] bool is_html_language(std::string_view lang);
// Arabic is written right to left.
[[nodiscard]] bool is_rtl(std::string_view lang);

// The text of KEY in LANG. Every key has all six languages (a unit test walks
// the table); an unknown key returns the key itself so that a typo shows on
// the page instead of an empty cell.
[[nodiscard]] std::string_view ui_text(std::string_view lang, std::string_view key);

// Every key of the table, for the completeness test.
std::vector<std::string_view> ui_text_keys();

}  // namespace conformscan::reports
