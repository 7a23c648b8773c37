#include "reports/html_writer.hpp"

#include <gtest/gtest.h>

#include "reports/html_i18n.hpp"
#include "reports/html_svg.hpp"

namespace conformscan::reports {
namespace {

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
    EXPECT_EQ(html::escape(R"(<script>alert("x")</script> & 'y')"),
              "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
}

TEST(HtmlEscape, KeepsValidUtf8AndReplacesInvalidBytesAndControls) {
    EXPECT_EQ(html::escape("الشهادات 有效 é"), "الشهادات 有效 é");
    EXPECT_EQ(html::escape("a\tb\nc"), "a\tb\nc");
    EXPECT_EQ(html::escape(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(html::escape("\x1b[31m"), "\xEF\xBF\xBD[31m");
    EXPECT_EQ(html::escape("\x7f"), "\xEF\xBF\xBD");
    EXPECT_EQ(html::escape("\xff\xfe"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // not UTF-8
    EXPECT_EQ(html::escape("\xc0\xbc"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
    EXPECT_EQ(html::escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    EXPECT_EQ(html::escape("\xe2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
}

TEST(HtmlToken, KeepsOnlySafeCharacters) {
    EXPECT_EQ(html::token("sev-high"), "sev-high");
    EXPECT_EQ(html::token("a\" onclick=x"), "a__onclick_x");
    EXPECT_EQ(html::token(""), "_");
}

TEST(HtmlI18n, EveryKeyHasTextInEveryLanguage) {
    const auto keys = ui_text_keys();
    ASSERT_GT(keys.size(), 50u);
    for (const auto& key : keys)
        for (const auto& lang : html_languages()) {
            EXPECT_FALSE(ui_text(lang, key).empty()) << key << " in " << lang;
            if (lang != "en" && key != "mode" && key != "signature" && key != "version" && key != "total" &&
                key != "justification" && key != "document" && key != "dimension" && key != "service" &&
                key != "sev_info" && key != "st_error" && key != "filter") {
                EXPECT_NE(ui_text(lang, key), ui_text("en", key)) << key << " in " << lang << " is the English text";
            }
        }
    EXPECT_EQ(ui_text("xx", "report_title"), ui_text("en", "report_title"));
    EXPECT_EQ(ui_text("fr", "no-such-key"), "no-such-key");
    EXPECT_TRUE(is_rtl("ar"));
    EXPECT_FALSE(is_rtl("fr"));
}

}  // namespace
}  // namespace conformscan::reports

namespace conformscan::reports::html {
namespace {

TEST(BarChart, PercentagesAreDrawnAgainstAHundredNotTheLargestValue) {
    // 560 wide, 150 for labels, 50 for values: 360 for the bars.
    const auto scaled = bar_chart({{"A", 50, "sev-info"}, {"B", 25, "sev-info"}}, "scores", false, 100, "%");
    EXPECT_NE(scaled.find("width=\"180\" height=\"18\""), std::string::npos) << scaled;
    EXPECT_NE(scaled.find("width=\"90\" height=\"18\""), std::string::npos) << scaled;
    EXPECT_NE(scaled.find(">50%</text>"), std::string::npos) << scaled;
    // Counts: the largest value is the full width.
    const auto counts = bar_chart({{"A", 50, "sev-info"}, {"B", 25, "sev-info"}}, "counts", false);
    EXPECT_NE(counts.find("width=\"360\" height=\"18\""), std::string::npos) << counts;
    EXPECT_NE(counts.find(">50</text>"), std::string::npos) << counts;
}

}  // namespace
}  // namespace conformscan::reports::html
