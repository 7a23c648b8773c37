#include "reports/html_svg.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/html_writer.hpp"

namespace conformscan::reports::html {

std::string bar_chart(const std::vector<Bar>& bars, const std::string& title, bool rtl, int scale,
                      const std::string& unit) {
    constexpr int kWidth = 560;
    constexpr int kLabel = 150;  // room for the labels
    constexpr int kValue = 50;   // room for the value after the bar
    constexpr int kRow = 28;
    constexpr int kBar = 18;
    const int height = static_cast<int>(bars.size()) * kRow + 8;
    int max = 0;
    for (const auto& b : bars) max = std::max(max, b.value);
    if (scale > 0) max = std::max(max, scale);
    const int span = kWidth - kLabel - kValue;

    std::string out = fmt::format(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {} {}\" "
        "width=\"{}\" height=\"{}\"><title>{}</title>",
        kWidth, height, kWidth, height, escape(title));
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const auto& b = bars[i];
        const int y = static_cast<int>(i) * kRow + 4;
        const int len = max == 0 ? 0 : std::max(b.value > 0 ? 2 : 0, b.value * span / max);
        const int text_y = y + kBar - 4;
        if (!rtl) {
            out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLabel - 8, text_y,
                               escape(b.label));
            out += fmt::format("<rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", token(b.css_class),
                               kLabel, y, len, kBar);
            out += fmt::format("<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>", kLabel + len + 6, text_y, fmt::format("{}{}", b.value, escape(unit)));
        } else {
            const int right = kWidth - kLabel;
            // Mirrored by coordinates, not by the SVG's direction (the style
            // sheet keeps the chart ltr): labels start right of the bars.
            out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"start\">{}</text>", right + 8, text_y,
                               escape(b.label));
            out += fmt::format("<rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", token(b.css_class),
                               right - len, y, len, kBar);
            out += fmt::format("<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                               right - len - 6, text_y, fmt::format("{}{}", b.value, escape(unit)));
        }
    }
    out += "</svg>";
    return out;
}

}  // namespace conformscan::reports::html
