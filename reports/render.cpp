#include "reports/render.hpp"

#include <fmt/format.h>

#include "reports/csv_report.hpp"
#include "reports/json_report.hpp"
#include "reports/junit_report.hpp"
#include "reports/oscal_report.hpp"
#include "reports/sarif_report.hpp"
#include "reports/text_report.hpp"

namespace conformscan::reports {

namespace {

struct Format {
    std::string_view name;
    std::string_view file;
};

constexpr Format kFormats[] = {{"text", "report.txt"},    {"json", "report.json"},        {"csv", "report.csv"},
                               {"junit", "report.junit.xml"}, {"sarif", "report.sarif"}, {"oscal", "report.oscal.json"}};

}  // namespace

const std::vector<std::string_view>& render_formats() {
    static const std::vector<std::string_view> kNames = [] {
        std::vector<std::string_view> v;
        for (const auto& f : kFormats) v.push_back(f.name);
        return v;
    }();
    return kNames;
}

std::string_view report_file_name(std::string_view format) {
    for (const auto& f : kFormats)
        if (f.name == format) return f.file;
    return {};
}

core::Result<std::string> render(const core::ScanReport& report, std::string_view format,
                                 const RenderOptions& options) {
    if (format == "text") return render_text(report);
    if (format == "json") return render_json(report);
    if (format == "csv") return render_csv(report, {options.lang, options.csv_bom});
    if (format == "junit") return render_junit(report, options.lang);
    if (format == "sarif") return render_sarif(report, options.lang);
    if (format == "oscal") return render_oscal(report, {options.lang, options.source});
    return core::make_error("format", fmt::format("unknown report format '{}'; expected one of {}", format,
                                                  fmt::join(render_formats(), ", ")));
}

}  // namespace conformscan::reports
