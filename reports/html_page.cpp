// The page frame: head with the inline style sheet, and the foot with the
// optional script. The style sheet uses logical properties (inline-start /
// inline-end) so that the Arabic page mirrors without a second sheet.
#include <fmt/format.h>

#include "reports/html_i18n.hpp"
#include "reports/html_sections.hpp"
#include "reports/html_writer.hpp"

namespace conformscan::reports::html {

namespace {

// No url(), no @import, no @font-face: nothing the page shows is fetched.
constexpr std::string_view kStyle = R"css(
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg2:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--error:#9a6700;
--waived:#6639ba;--na:#6e7781;--critical:#8b0000;--high:#cf222e;--medium:#bc4c00;--low:#9a6700;--info:#57606a}
*{box-sizing:border-box}
body{font-family:system-ui,"Noto Sans","DejaVu Sans","Liberation Sans",Arial,sans-serif;color:var(--fg);
margin:0 auto;max-width:76rem;padding:1.5rem 2rem;line-height:1.45;font-size:15px}
h1{font-size:1.9rem;margin-block:0 .8rem}h2{font-size:1.4rem;border-block-end:2px solid var(--line);
padding-block-end:.2rem;margin-block-start:2.2rem}h3{font-size:1.15rem;margin-block:1.4rem .5rem}
table{border-collapse:collapse;width:100%;margin-block:.5rem 1rem}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:start;vertical-align:top}
th{background:var(--bg2);font-weight:600}
td.num,th.num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre,.hash{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.85em}
.hash,code,.message,.software{overflow-wrap:anywhere}
table.results{table-layout:fixed}table.results th:nth-child(1){width:8rem}table.results th:nth-child(2){width:7rem}
table.results th:nth-child(3){width:13rem}
pre{background:var(--bg2);border:1px solid var(--line);padding:.5rem;margin:.3rem 0;white-space:pre-wrap;
overflow-wrap:anywhere;direction:ltr;text-align:left}
pre.evidence{max-height:18rem;overflow:auto}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0}
.cover{border-block-end:4px solid var(--fg);padding-block-end:1rem}
.note{color:var(--muted);font-size:.9em}
nav.toc ol{padding-inline-start:1.5rem;columns:2}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.85em;font-weight:600;color:#fff;
white-space:nowrap}
.st-pass{background:var(--pass)}.st-fail{background:var(--fail)}.st-error{background:var(--error)}
.st-waived{background:var(--waived)}.st-not_applicable{background:var(--na)}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
svg .bar.sev-critical{fill:var(--critical)}svg .bar.sev-high{fill:var(--high)}svg .bar.sev-medium{fill:var(--medium)}
svg .bar.sev-low{fill:var(--low)}svg .bar.sev-info{fill:var(--info)}
svg.chart{direction:ltr}svg text{font-size:13px;fill:var(--fg)}svg .value{font-weight:600}
.sig-ok{color:var(--pass);font-weight:600}.sig-bad{color:var(--fail);font-weight:700}
tr.result.status-fail td:first-child{border-inline-start:4px solid var(--fail)}
tr.result.status-error td:first-child{border-inline-start:4px solid var(--error)}
tr.result.status-waived td:first-child{border-inline-start:4px solid var(--waived)}
.detail{margin-block-start:.4rem;padding-inline-start:.6rem;border-inline-start:2px solid var(--line)}
.detail h4{font-size:.9rem;margin:.5rem 0 .2rem;color:var(--muted)}
ul.refs,ul.fixes{margin:.2rem 0;padding-inline-start:1.2rem}
ul.fixes li.match{background:#dafbe1;border-inline-start:3px solid var(--pass);padding-inline-start:.3rem}
.match-mark{font-size:.8em;color:var(--pass);font-weight:600;margin-inline-start:.4rem}
.en-mark{font-size:.65em;border:1px solid var(--muted);border-radius:.2rem;padding:0 .15rem;
margin-inline-start:.25rem;color:var(--muted)}
.unverified{color:var(--error);font-size:.85em}
table.matrix td{text-align:center}table.matrix .mp{color:var(--pass)}table.matrix .mf{color:var(--fail);font-weight:600}
tr.not-checked td{color:var(--muted);background:#fff8c5}
#filters{background:var(--bg2);border:1px solid var(--line);padding:.5rem;margin-block:.5rem;display:flex;gap:1rem;
flex-wrap:wrap;align-items:center}
#filters[hidden]{display:none}
details.facts{margin-block:.3rem}details.facts summary{cursor:pointer;font-weight:600}
.sig{font-weight:600}
table.changes td.facts ul{margin:0;padding-inline-start:1rem}table.changes td.facts li{overflow-wrap:anywhere}
.old{color:var(--muted)}.arrow{color:var(--muted);padding-inline:.2rem}
tr.use-signature_failed td,tr.use-rejected td{background:#ffebe9}tr.use-superseded td{color:var(--muted)}
table.operators th.num,table.rules th.num,table.worst th.num{white-space:normal}
table.operators td:first-child{min-width:12rem}table.rules td:nth-child(2){min-width:16rem}
table.changes td:nth-child(2){min-width:12rem}
footer{margin-block-start:3rem;color:var(--muted);font-size:.85em;border-block-start:1px solid var(--line)}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;padding:0;font-size:10.5pt}nav.toc,#filters{display:none}
section.target{break-before:page}section#summary,section#waivers,section#facts{break-before:page}
pre.evidence{max-height:none;overflow:visible}tr{break-inside:avoid}h2,h3{break-after:avoid}
.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)css";

// Filtering and sorting only: the page reads fully without it. It touches
// nothing outside the document and fetches nothing.
constexpr std::string_view kScript = R"js(
(function () {
  "use strict";
  var panel = document.getElementById("filters");
  if (!panel) return;
  panel.hidden = false;
  var status = document.getElementById("filter-status");
  var severity = document.getElementById("filter-severity");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.result"));
  rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
  function apply() {
    rows.forEach(function (row) {
      var ok = (status.value === "" || row.getAttribute("data-status") === status.value) &&
               (severity.value === "" || row.getAttribute("data-severity") === severity.value);
      row.hidden = !ok;
    });
  }
  status.addEventListener("change", apply);
  severity.addEventListener("change", apply);
  var sort = document.getElementById("sort-severity");
  sort.addEventListener("change", function () {
    Array.prototype.forEach.call(document.querySelectorAll("tbody.results"), function (body) {
      var list = Array.prototype.slice.call(body.querySelectorAll("tr.result"));
      list.sort(function (a, b) {
        if (sort.checked) {
          var d = Number(b.getAttribute("data-rank")) - Number(a.getAttribute("data-rank"));
          if (d !== 0) return d;
        }
        return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      });
      list.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
)js";

}  // namespace

std::string document_head(std::string_view lang, bool rtl, const std::string& title, bool with_script) {
    // The Content-Security-Policy makes "nothing is fetched" a property the
    // browser enforces, not only a habit of this renderer. Pages without the
    // filter script forbid scripts altogether.
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src {}; img-src data:\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n"
        "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        escape(lang), rtl ? "rtl" : "ltr", with_script ? "'unsafe-inline'" : "'none'", escape(title), kStyle);
}

std::string document_foot(const std::string& tool_version, const std::string& generated_by) {
    return fmt::format("<footer><p>{} conformscan {}</p></footer>\n</body>\n</html>\n", escape(generated_by),
                       escape(tool_version));
}

std::string page_head(const Page& page) {
    return document_head(page.lang, page.rtl,
                         fmt::format("{} — {}", ui_text(page.lang, "report_title"), page.report.scan_id), true);
}

std::string page_foot(const Page& page) {
    return fmt::format("<footer><p>{} conformscan {} · OpenSSL <bdi>{}</bdi> · {} <bdi>{}</bdi></p></footer>\n"
                       "<script>{}</script>\n</body>\n</html>\n",
                       page.t("generated_by"), escape(page.report.tool_version), escape(page.report.openssl_version),
                       page.t("scan_id"), escape(page.report.scan_id), kScript);
}

}  // namespace conformscan::reports::html
