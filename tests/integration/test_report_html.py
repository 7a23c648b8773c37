#!/usr/bin/env python3
"""The HTML report (report.html of `scan`, and `report render --format html`) opened in real headless Chromium.

One scan of four lab endpoints, with a waiver in force, under the X.805 baseline and the
X.509 profile, writes report.html in Arabic; `report render --format html` renders the same
report.json in English and its alias `report html` in French. Each page is loaded by Chromium
(Debian's `chromium` package, tests/integration/chromium.py) with the DOM dumped after its
script ran, a net log and the console on stderr:

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

SignedCoverTest: a second scan signed with --sign; `report render --format html --pubkey`
shows "verified" on the cover for the untouched report and, with exit code 1, "verification
FAILED (report_modified)" with the verifier's message for a copy with one flipped byte, and
wrong_key for another operator's key; without --pubkey the cover says nothing was checked,
and the scan's own page only says which key signed it when written.

Chromium runs inside whatever network namespace the test runs in (CI: loopback only) with
every name mapped to NOTFOUND, background networking off and a throw-away profile.
"""

import html.parser
import json
import pathlib
import struct
import tempfile

import labtest
from chromium import artefact_dir, new_browser
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
        cls.browser = new_browser(tempfile.mkdtemp(prefix="chromium-", dir=cls.tmpdir("chromium")))
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
        # English through `report render --format html`, French through its alias `report html`.
        for lang, command in (("en", ["report", "render", "--format", "html"]), ("fr", ["report", "html"])):
            page = cls.tmpdir("pages") / f"report.{lang}.html"
            cls.render_runs[lang] = labtest.run([*command, cls.out / "report.json", "--lang", lang, "--out", page])
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

    def test_scan_and_report_render_write_the_same_page(self):
        page = self.pages["ar"].read_text(encoding="utf-8")
        for command in (["report", "render", "--format", "html"], ["report", "html"]):
            with self.subTest(command=" ".join(command)):
                again = labtest.run([*command, self.out / "report.json", "--lang", "ar"])
                self.assertExit(again, labtest.EXIT_OK)
                self.assertEqual(again.stdout, page)

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
        r = labtest.run(["report", "render", bad, "--format", "html"])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn(str(bad), r.stderr)


class CoverSignature(html.parser.HTMLParser):
    """The cover's signature line: the data-signature value and the text of its <dd>."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.status = None
        self.label = ""
        self.text = ""
        self._depth = 0   # inside the <dd> that holds the signature
        self._label = 0   # inside the span that carries data-signature
        self._dd = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "dd":
            self._dd = True
            self._buffer = []
        if "data-signature" in a and self._dd:
            self.status = a["data-signature"]
            self._depth = 1
            self._label = 1
        elif self._label and tag == "span":
            self._label += 1

    def handle_endtag(self, tag):
        if tag == "span" and self._label:
            self._label -= 1
        if tag == "dd":
            if self._depth:
                self.text = "".join(self._buffer).strip()
                self._depth = 0
            self._dd = False

    def handle_data(self, data):
        if self._dd:
            self._buffer.append(data)
        if self._label:
            self.label += data


class SignedCoverTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = new_browser(tempfile.mkdtemp(prefix="chromium-", dir=cls.tmpdir("chromium")))
        keys = cls.tmpdir("keys")
        for name in ("operator", "other"):
            k = labtest.run(["keygen", "--out", keys / name])
            if k.returncode != 0:
                raise AssertionError(f"keygen failed\n{k.describe()}")
        cls.pub, cls.other_pub = keys / "operator.pub", keys / "other.pub"
        # "good" passes every X.509 rule, "expired" fails the validity rule: a report with one failure.
        inventory = cls.lab.write_inventory(cls.tmpdir("inv") / "inventory.yaml", ("good", "expired"))
        cls.scan_run, cls.report = cls.scan("signed", "--targets", inventory, "--profile", X509_REF, "--ca-file",
                                            cls.lab.ca_file, "--sign", keys / "operator.key")
        cls.signed = cls.tmpdir("signed") / "report.json"
        # A copy with one byte flipped inside the scan id (the JSON stays valid, so the page renders).
        data = cls.signed.read_bytes()
        at = data.index(cls.report["scan"]["id"].encode())
        flipped = bytearray(data)
        flipped[at] = ord("0") if flipped[at] != ord("0") else ord("1")
        cls.tampered = cls.tmpdir("tampered") / "report.json"
        cls.tampered.write_bytes(bytes(flipped))
        (cls.tmpdir("tampered") / "report.json.sig").write_bytes((cls.signed.parent / "report.json.sig").read_bytes())

    def render(self, report, name, *args):
        page = self.tmpdir("pages") / f"{name}.html"
        result = labtest.run(["report", "render", report, "--format", "html", "--out", page, *args])
        return result, page

    def cover(self, page):
        """The signature line of PAGE as Chromium shows it, after checking the page loads cleanly."""
        dom, console, requests = self.browser.run(page, "--dump-dom")
        self.assertEqual(requests, [])
        self.assertEqual(console, [])
        return CoverSignature(dom)

    def test_good_signature_is_verified_on_the_cover(self):
        self.assertExit(self.scan_run, labtest.EXIT_FAIL)
        result, page = self.render(self.signed, "good", "--pubkey", self.pub)
        self.assertExit(result, labtest.EXIT_OK)
        sig = self.cover(page)
        self.assertEqual(sig.status, "ok")
        self.assertEqual(sig.label, "verified")
        key_id = json.loads((self.signed.parent / "report.json.sig").read_text(encoding="utf-8"))["key_id"]
        self.assertIn(f"signature OK: key {key_id}", sig.text)
        # The same through the alias, and in French.
        page_fr = self.tmpdir("pages") / "good.fr.html"
        result = labtest.run(["report", "html", self.signed, "--pubkey", self.pub, "--lang", "fr", "--out", page_fr])
        self.assertExit(result, labtest.EXIT_OK)
        self.assertEqual(CoverSignature(page_fr.read_text(encoding="utf-8")).label, "vérifiée")

    def test_one_flipped_byte_fails_on_the_cover(self):
        result, page = self.render(self.tampered, "tampered", "--pubkey", self.pub)
        # The page is written, and the exit code says the verification failed.
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertIn("verification FAILED (report_modified)", result.stderr)
        sig = self.cover(page)
        self.assertEqual(sig.status, "report_modified")
        self.assertEqual(sig.label, "verification FAILED (report_modified)")
        self.assertIn(f"{self.tampered} was modified after signing", sig.text)
        self.assertNotIn("signature OK", sig.text)

    def test_wrong_key_and_explicit_signature_file(self):
        result, page = self.render(self.signed, "wrong-key", "--pubkey", self.other_pub)
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertEqual(CoverSignature(page.read_text(encoding="utf-8")).status, "wrong_key")
        # --sig names the signature file: the tampered copy's report with the good report's signature
        # path given explicitly still fails, the good report with it verifies.
        sig_file = self.signed.parent / "report.json.sig"
        result, page = self.render(self.signed, "explicit-sig", "--pubkey", self.pub, "--sig", sig_file)
        self.assertExit(result, labtest.EXIT_OK)
        self.assertEqual(CoverSignature(page.read_text(encoding="utf-8")).status, "ok")
        result, page = self.render(self.tampered, "explicit-sig-bad", "--pubkey", self.pub, "--sig", sig_file)
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertEqual(CoverSignature(page.read_text(encoding="utf-8")).status, "report_modified")

    def test_without_a_key_nothing_is_claimed(self):
        result, page = self.render(self.signed, "unchecked")
        self.assertExit(result, labtest.EXIT_OK)
        sig = CoverSignature(page.read_text(encoding="utf-8"))
        self.assertEqual(sig.status, "not_checked")
        self.assertEqual(sig.text, "not checked when this page was made")
        # The scan's own page: signed with that key when written, never "verified".
        scan_page = (self.signed.parent / "report.html").read_text(encoding="utf-8")
        key_id = json.loads((self.signed.parent / "report.json.sig").read_text(encoding="utf-8"))["key_id"]
        self.assertIn(f"signed with key {key_id} when written", scan_page)
        self.assertNotIn('data-signature="ok"', scan_page)

    def test_key_options_are_checked(self):
        bad_key = self.tmpdir("bad") / "bad.pub"
        bad_key.write_text("not a key\n", encoding="utf-8")
        for args, message in ((["--format", "html", "--pubkey", bad_key], "not a PEM public key"),
                              (["--format", "csv", "--pubkey", self.pub], "only the HTML cover"),
                              (["--format", "html", "--sig", self.signed], "--sig needs --pubkey")):
            with self.subTest(args=args[1:]):
                out = self.tmpdir("bad") / "x.out"
                result = labtest.run(["report", "render", self.signed, *args, "--out", out])
                self.assertExit(result, labtest.EXIT_USAGE)
                self.assertIn(message, result.stderr)
                self.assertFalse(out.exists())


if __name__ == "__main__":
    labtest.main()
