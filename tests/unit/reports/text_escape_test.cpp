#include "reports/text_escape.hpp"

#include <gtest/gtest.h>

namespace conformscan::reports {
namespace {

TEST(CsvNeutralize, PrefixesEveryFormulaTrigger) {
    EXPECT_EQ(csv_neutralize("=1+1"), "'=1+1");
    EXPECT_EQ(csv_neutralize("+1"), "'+1");
    EXPECT_EQ(csv_neutralize("-2"), "'-2");
    EXPECT_EQ(csv_neutralize("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_neutralize("\t=x"), "'\t=x");
    EXPECT_EQ(csv_neutralize("\r=x"), "'\r=x");
}

TEST(CsvNeutralize, LeavesOrdinaryTextAlone) {
    EXPECT_EQ(csv_neutralize(""), "");
    EXPECT_EQ(csv_neutralize("a=b"), "a=b");       // only the first character matters
    EXPECT_EQ(csv_neutralize(" =b"), " =b");
    EXPECT_EQ(csv_neutralize("'=b"), "'=b");
    EXPECT_EQ(csv_neutralize("TLSv1.2"), "TLSv1.2");
}

TEST(CsvField, QuotesPerRfc4180) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvField, NeutralisesBeforeQuoting) {
    EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    EXPECT_EQ(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    EXPECT_EQ(csv_field("\r\n=1"), "\"'\r\n=1\"");
}

TEST(CsvField, ReplacesInvalidUtf8) {
    EXPECT_EQ(csv_field("a\xff" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(csv_field("caf\xC3\xA9"), "caf\xC3\xA9");  // valid UTF-8 stays
}

TEST(SanitizeUtf8, RejectsOverlongSurrogatesAndTruncation) {
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_EQ(sanitize_utf8("\xC0\xAF"), r + r);          // overlong '/'
    EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), r + r + r);  // U+D800
    EXPECT_EQ(sanitize_utf8("x\xE2\x82"), "x" + r + r);   // truncated €
    EXPECT_EQ(sanitize_utf8("\xF4\x90\x80\x80"), r + r + r + r);  // > U+10FFFF
    EXPECT_EQ(sanitize_utf8("\xE2\x82\xAC \xF0\x9F\x94\x92"), "\xE2\x82\xAC \xF0\x9F\x94\x92");
}

TEST(XmlEscape, EscapesMarkup) {
    EXPECT_EQ(xml_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
}

TEST(XmlEscape, RemovesCharactersXmlForbids) {
    EXPECT_EQ(xml_escape(std::string("a\x00" "b", 3)), "ab");
    EXPECT_EQ(xml_escape("a\x01\x08\x0B\x0C\x1F" "b"), "ab");
    EXPECT_EQ(xml_escape("a\xEF\xBF\xBE\xEF\xBF\xBF" "b"), "ab");  // U+FFFE, U+FFFF
    EXPECT_EQ(xml_escape("\x1B[31mred"), "[31mred");                // an ANSI escape from a banner
}

TEST(XmlEscape, KeepsWhitespaceInTextAndEncodesItInAttributes) {
    EXPECT_EQ(xml_escape("a\tb\nc"), "a\tb\nc");
    EXPECT_EQ(xml_escape("a\tb\nc", true), "a&#9;b&#10;c");
    EXPECT_EQ(xml_escape("a\rb"), "a&#13;b");
}

TEST(XmlEscape, ReplacesInvalidUtf8AndKeepsValid) {
    EXPECT_EQ(xml_escape("\xff"), "\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("\xD0\x9F\xD1\x80\xD0\xB8"), "\xD0\x9F\xD1\x80\xD0\xB8");  // При
}

}  // namespace
}  // namespace conformscan::reports
