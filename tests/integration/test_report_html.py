#!/usr/bin/env python3
"""The HTML report (report.html of `scan`, and `report html`) opened in real headless Chromium.

One scan of four lab endpoints, with a waiver in force, under the X.805 baseline and the
X.509 profile, writes report.html in Arabic; `report html` renders the same report.json in
English and French. Each page is loaded by Chromium (Debian's `chromium` package) with the
DOM dumped after its script ran, a net log and the console on stderr:

* the page makes no network request at all (the net log holds no request whose top frame
  is the file; a control page with one external image and one script error proves that
  both detectors see what they look for), and logs nothing on the console;
* the failure rows in the DOM are exactly the report's failed (target, rule) pairs, the
  waived rows exactly its waived ones, the X.805 matrix counts every failure once;
* the Arabic page is dir="rtl" lang="ar", the French and Arabic pages have translated
  headings, and rule titles the profiles do not translate are marked as English;
* the fix for the software found is highlighted (nginx on `good`, OpenSSH on `ssh-weak`);
* no src= or href= leaves the document (only #anchors and data: URIs);
* a screenshot of the English and the Arabic page is written as a test artefact
  (build/test-artefacts/report-html/, or $CONFORMSCAN_ARTEFACTS).

Chromium runs inside whatever network namespace the test runs in (CI: loopback only) with
every name mapped to NOTFOUND, background networking off and a throw-away profile.
"""

import html.parser
import json
import os
import pathlib
import re
import shutil
import struct
import subprocess
import tempfile

import labtest
from labtest import X509_REF

X805_REF = "itu-t/x805-baseline"
CONTROL_PORT = 18497  # the control page's external image points here; nothing listens

WAIVERS = """\
waivers:
  - id: W-LAB-1
    rule: X509-KEY-*
    targets: [rsa1024]
    kind: risk-accepted
    justification: "The appliance cannot load a 2048-bit key before its firmware upgrade."
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-01-01
    expires_on: "2099-12-31T23:59:59+03:00"
"""

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
]
CHROMIUM_TIMEOUT = 60


def artefact_dir():
    """Where screenshots go: $CONFORMSCAN_ARTEFACTS, else test-artefacts/ beside the binary (the build dir)."""
    base = os.environ.get("CONFORMSCAN_ARTEFACTS") or labtest.BIN.resolve().parent / "test-artefacts"
    path = pathlib.Path(base) / "report-html"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Browser:
    """One Chromium run on a local file: (stdout, console lines, page-initiated request URLs)."""

    def __init__(self, tmp):
        self.exe = shutil.which("chromium") or shutil.which("chromium-browser")
        self.tmp = pathlib.Path(tmp)
        self.runs = 0

    def run(self, page, *mode):
        self.runs += 1
        profile = self.tmp / f"profile-{self.runs}"
        netlog = self.tmp / f"net-{self.runs}.json"
        args = [self.exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}", *mode,
                pathlib.Path(page).resolve().as_uri()]
        # A throw-away HOME too: CI may have none, and nothing of the user's may leak in.
        env = dict(os.environ, HOME=str(profile), XDG_CONFIG_HOME=str(profile / "config"),
                   XDG_CACHE_HOME=str(profile / "cache"))
        proc = subprocess.run(args, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT,
                              stdin=subprocess.DEVNULL, env=env)
        if proc.returncode != 0:
            raise AssertionError(f"chromium exited {proc.returncode}\n{proc.stderr[-3000:]}")
        # Chromium's own pages (chrome://, e.g. the new-tab composebox on a loaded machine) log
        # to the same console stream; only what is not theirs can be the report's.
        console = [line for line in proc.stderr.splitlines()
                   if ":CONSOLE" in line and not re.search(r"source: (chrome|chrome-untrusted|devtools)://", line)]
        return proc.stdout, console, page_requests(netlog)


def page_requests(netlog):
    """URLs of the requests a page made: those whose network isolation key is the file:// top frame.

    Chromium's own background requests (component updater, network time) carry a "null null"
    key and are not the page's doing; with no network they fail anyway.
    """
    with open(netlog, encoding="utf-8") as f:
        log = json.load(f)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        if names.get(event.get("type")) != "URL_REQUEST_START_JOB":
            continue
        params = event.get("params", {})
        if "file://" in params.get("network_isolation_key", "") or params.get("initiator") == "null":
            urls.append(params.get("url", ""))
    return urls


class Dom(html.parser.HTMLParser):
    """What the tests read from a dumped DOM."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = {}
        self.links = []            # (tag, attribute, value) of every src/href/action/srcset
        self.rows = []             # (target, profile, rule, status) of every tr.result
        self.matches = {}          # target -> set of software whose fix is highlighted
        self.software = {}         # target -> set of software found
        self.headings = {}         # section id -> text of its h2
        self.matrix_fail = 0
        self.filters_hidden = None
        self.facts_details = []
        self.waivers = {}          # table kind (active/expired) -> [ids]
        self.en_fallbacks = 0
        self.rule_titles = 0
        self._section = None
        self._target = None
        self._h2 = None
        self._waiver_table = None
        self._in_title = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        for key in ("src", "href", "action", "srcset"):
            if key in a:
                self.links.append((tag, key, a[key]))
        if tag == "html":
            self.root = a
        if tag == "section" and a.get("id"):
            self._section = a["id"]
        if tag == "section" and "target" in classes:
            self._target = a.get("data-target")
        if tag == "h2":
            self._h2 = []
        if tag == "tr" and "result" in classes:
            self.rows.append((self._target, a.get("data-profile"), a.get("data-rule"), a.get("data-status")))
        if tag == "li" and "match" in classes:
            self.matches.setdefault(self._target, set()).add(a.get("data-software"))
        if tag == "div" and "software" in classes:
            self.software.setdefault(self._target, set()).add(a.get("data-software"))
        if tag == "td" and "data-fail" in a:
            self.matrix_fail += int(a["data-fail"])
        if tag == "div" and a.get("id") == "filters":
            self.filters_hidden = "hidden" in a
        if tag == "details" and "facts" in classes:
            self.facts_details.append("open" in a)
        if tag == "table" and "waivers" in classes:
            self._waiver_table = [c for c in classes if c != "waivers"][0]
            self.waivers[self._waiver_table] = []
        if tag == "tr" and "waiver" in classes and self._waiver_table:
            self.waivers[self._waiver_table].append(a.get("data-waiver"))
        if tag == "strong" and "rule-title" in classes:
            self.rule_titles += 1
            self._in_title += 1
        if tag == "span" and "en-fallback" in classes and self._in_title:
            self.en_fallbacks += 1

    def handle_endtag(self, tag):
        if tag == "h2" and self._h2 is not None:
            self.headings.setdefault(self._section or "cover", "".join(self._h2).strip())
            self._h2 = None
        if tag == "table":
            self._waiver_table = None
        if tag == "strong" and self._in_title:
            self._in_title -= 1

    def handle_data(self, data):
        if self._h2 is not None:
            self._h2.append(data)


def png_size(path):
    data = pathlib.Path(path).read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", data[16:24])


class ReportHtmlTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = Browser(tempfile.mkdtemp(prefix="chromium-", dir=cls.tmpdir("chromium")))
        if not cls.browser.exe:
            raise AssertionError("chromium not found: scripts/install-deps.sh installs Debian's chromium package")
        files = cls.tmpdir("files")
        (files / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
        cls.lab.write_inventory(files / "inventory.yaml", ["good", "rsa1024", "closed"])
        ssh = cls.lab.part("ssh")["ssh-weak"]
        with open(files / "inventory.yaml", "a", encoding="utf-8") as f:
            f.write(f"  - {{name: ssh-weak, host: {ssh['host']}, port: {ssh['port']}, service: ssh}}\n")
        cls.scan_run, cls.report = cls.scan("scan", "--targets", files / "inventory.yaml", "--profile", X805_REF,
                                            "--profile", X509_REF, "--ca-file", cls.lab.ca_file, "--waivers",
                                            files / "waivers.yaml", "--lang", "ar")
        cls.out = cls.tmpdir("scan")
        cls.pages = {"ar": cls.out / "report.html"}
        cls.render_runs = {}
        for lang in ("en", "fr"):
            page = cls.tmpdir("pages") / f"report.{lang}.html"
            cls.render_runs[lang] = labtest.run(["report", "html", cls.out / "report.json", "--lang", lang,
                                                 "--out", page])
            cls.pages[lang] = page
        # One Chromium run per page: the DOM after the script ran, and for en and ar a screenshot.
        cls.loaded = {}
        cls.screenshots = {}
        for lang, page in cls.pages.items():
            if not page.is_file():
                continue
            mode = ["--dump-dom"]
            if lang in ("en", "ar"):
                cls.screenshots[lang] = artefact_dir() / f"report.{lang}.png"
                cls.screenshots[lang].unlink(missing_ok=True)
                mode += [f"--screenshot={cls.screenshots[lang]}", "--window-size=1280,2000"]
            dom, console, requests = cls.browser.run(page, *mode)
            cls.loaded[lang] = (Dom(dom), console, requests)

    def setUp(self):
        self.assertReport(self.scan_run, self.report)
        self.assertExit(self.scan_run, labtest.EXIT_FAIL)
        for lang, r in self.render_runs.items():
            self.assertExit(r, labtest.EXIT_OK)
        self.assertEqual(set(self.loaded), {"en", "fr", "ar"})

    def results(self, status):
        """Sorted (target, profile, rule) of the report's results with STATUS."""
        return sorted((r["target"], r["profile"], r["rule"]) for r in self.report["results"] if r["status"] == status)

    def test_the_detectors_see_a_request_and_a_console_error(self):
        # Control: without this, "no request, no console message" could mean a blind detector.
        page = self.tmpdir("control") / "control.html"
        page.write_text(f'<!DOCTYPE html><html><body><img src="http://127.0.0.1:{CONTROL_PORT}/x.png">'
                        '<script>undefined_function();</script></body></html>', encoding="utf-8")
        _, console, requests = self.browser.run(page, "--dump-dom")
        self.assertIn(f"http://127.0.0.1:{CONTROL_PORT}/x.png", requests)
        self.assertTrue(any("undefined_function" in line for line in console), console)

    def test_pages_load_with_no_request_and_no_console_message(self):
        for lang, (dom, console, requests) in self.loaded.items():
            with self.subTest(lang=lang):
                self.assertEqual(requests, [], "the page must fetch nothing")
                self.assertEqual(console, [], "the page must log nothing (no script error, no CSP violation)")
                # The filter script ran: it shows the panel the page ships hidden.
                self.assertIs(dom.filters_hidden, False)

    def test_no_link_leaves_the_document(self):
        for lang, (dom, _, _) in self.loaded.items():
            with self.subTest(lang=lang):
                off = [link for link in dom.links if not (link[2].startswith("#") or link[2].startswith("data:"))]
                self.assertEqual(off, [])
                self.assertTrue(any(link[2] == "#targets" for link in dom.links))

    def test_rows_are_the_reports_results(self):
        fails = self.results("fail")
        self.assertGreater(len(fails), 0)
        self.assertEqual(len(fails), self.report["summary"]["results"]["fail"])
        # The waiver covers rsa1024's 1024-bit key rule, judged by both profiles (the X.805
        # baseline extends the X.509 one): two waived results, nothing else waived.
        rsa1024 = self.lab.address("rsa1024")
        self.assertEqual(self.results("waived"), [(rsa1024, "itu-t-x509-certificates", "X509-KEY-01"),
                                                  (rsa1024, "itu-t-x805-baseline", "X509-KEY-01")])
        for lang, (dom, _, _) in self.loaded.items():
            with self.subTest(lang=lang):
                self.assertEqual(len(dom.rows), len(self.report["results"]))
                rows_fail = sorted((t, p, r) for t, p, r, s in dom.rows if s == "fail")
                self.assertEqual(rows_fail, fails)
                self.assertEqual(sorted((t, p, r) for t, p, r, s in dom.rows if s == "waived"), self.results("waived"))
                self.assertEqual(dom.matrix_fail, len(rows_fail))
                self.assertEqual(dom.waivers.get("active"), ["W-LAB-1"])
                self.assertEqual(dom.facts_details, [False] * len(self.report["targets"]))

    def test_direction_language_and_translated_headings(self):
        expected = {"en": ("ltr", "Executive summary", "Results per target"),
                    "fr": ("ltr", "Synthèse", "Résultats par cible"),
                    "ar": ("rtl", "الملخص التنفيذي", "النتائج حسب الهدف")}
        for lang, (direction, summary, targets) in expected.items():
            with self.subTest(lang=lang):
                dom = self.loaded[lang][0]
                self.assertEqual(dom.root.get("lang"), lang)
                self.assertEqual(dom.root.get("dir"), direction)
                self.assertEqual(dom.headings.get("summary"), summary)
                self.assertEqual(dom.headings.get("targets"), targets)
                # A title the profile does not translate is shown in English and marked, except in English.
                untranslated = [r for r in self.report["results"]
                                if not (r.get("i18n") or {}).get(lang, {}).get("title")]
                self.assertEqual(dom.rule_titles, len(self.report["results"]))
                self.assertEqual(dom.en_fallbacks, 0 if lang == "en" else len(untranslated))

    def test_the_fix_for_the_software_found_is_highlighted(self):
        good, ssh = self.lab.address("good"), f"{self.lab.part('ssh')['ssh-weak']['host']}:" \
                                              f"{self.lab.part('ssh')['ssh-weak']['port']}"
        dom = self.loaded["en"][0]
        # good is nginx (HTTP Server header), ssh-weak OpenSSH (banner); s_server and a closed port say nothing.
        self.assertEqual(dom.software, {good: {"nginx"}, ssh: {"openssh"}})
        self.assertEqual(set(dom.matches), {good, ssh})
        self.assertEqual(dom.matches[good], {"nginx"})
        self.assertEqual(dom.matches[ssh], {"openssh"})

    def test_scan_and_report_html_render_the_same_page(self):
        again = labtest.run(["report", "html", self.out / "report.json", "--lang", "ar"])
        self.assertExit(again, labtest.EXIT_OK)
        self.assertEqual(again.stdout, self.pages["ar"].read_text(encoding="utf-8"))

    def test_evaluate_writes_the_page_in_its_language(self):
        out = self.tmpdir("evaluate")
        r = labtest.run(["evaluate", "--facts", self.out / "report.json", "--profile", X509_REF, "--lang", "es",
                         "--out", out])
        self.assertExit(r, labtest.EXIT_FAIL)
        page = Dom((out / "report.html").read_text(encoding="utf-8"))
        self.assertEqual((page.root.get("lang"), page.root.get("dir")), ("es", "ltr"))
        self.assertEqual(page.headings.get("summary"), "Resumen ejecutivo")
        evaluated = labtest.load_report(out / "report.json")
        self.assertEqual(sorted((t, p, r) for t, p, r, s in page.rows if s == "fail"),
                         sorted((x["target"], x["profile"], x["rule"]) for x in evaluated["results"]
                                if x["status"] == "fail"))

    def test_screenshots(self):
        self.assertEqual(set(self.screenshots), {"en", "ar"})
        for lang, shot in self.screenshots.items():
            with self.subTest(lang=lang):
                self.assertEqual(png_size(shot), (1280, 2000))
                print(f"screenshot: {shot}")

    def test_bad_input_is_refused_with_the_file_name(self):
        bad = self.tmpdir("bad") / "not-a-report.json"
        bad.write_text('{"schema_version": 1}', encoding="utf-8")
        r = labtest.run(["report", "html", bad, "--out", self.tmpdir("bad") / "x.html"])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn(str(bad), r.stderr)
        self.assertFalse((self.tmpdir("bad") / "x.html").exists())
        r = labtest.run(["report", "html", self.out / "report.json", "--lang", "xx"])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn("--lang must be one of en, fr, es, ar, ru, zh", r.stderr)


if __name__ == "__main__":
    labtest.main()
