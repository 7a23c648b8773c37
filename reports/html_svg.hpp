// Inline SVG charts for the HTML report: drawn as markup, no script, no font
// or image fetched, so they print and render offline.
#pragma once

#include <string>
#include <vector>

namespace conformscan::reports::html {

struct Bar {
    std::string label;  // plain text; escaped here
    int value = 0;
    std::string css_class;  // a token (html::token) naming the bar's colour in the page's CSS
};

// A horizontal bar chart, one bar per entry, the value printed at the end of
// each bar. `rtl`: bars grow from the right and labels sit on the right.
// `title` becomes the <title> of the SVG (its accessible name).
// `scale`: the value a full-width bar stands for (100 for percentages, so
// that a 50 % operator never looks complete); 0: the largest value.
// `unit` follows each printed value ("%").
std::string bar_chart(const std::vector<Bar>& bars, const std::string& title, bool rtl, int scale = 0,
                      const std::string& unit = "");

}  // namespace conformscan::reports::html
