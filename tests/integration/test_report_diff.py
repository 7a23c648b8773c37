#!/usr/bin/env python3
"""`report diff` on two real scans with servers reconfigured in between.

The test runs three openssl s_server processes of its own (ports 18560-18562,
in the lab's test-owned range) beside four lab endpoints, scans them (OLD),
then reconfigures them and scans again (NEW):

  web   18560  good RSA-2048 leaf  ->  RSA-1024 leaf        X509-KEY-01 regresses
  api   18561  SHA-1 signed leaf   ->  good leaf            X509-SIG-01 is fixed
  mail  18562  good leaf           ->  stopped              every rule: pass -> error
  self-signed (lab)   in both: X509-TRUST-01 still fails
  expired (lab)       OLD only: a removed target
  wrong-host (lab)    NEW only: an added target, X509-HOST-01 a new failure
  good (lab)          in both, unchanged

The lab's own expectations (endpoints.json) say which rule each lab endpoint
and each certificate fails; the test derives the exact sets from them.

The HTML diff (`--format html`, in English, French and Arabic) and the sector
page of the two reports (`report aggregate --out sector.html`, both reports
filed under one operator: the newer counted, the older listed as superseded)
are opened in headless Chromium (chromium.py): no request, no console message,
and the rows are exactly the lists above.
"""

import json
import pathlib
import shutil
import tempfile

import labtest
from chromium import DataPage, new_browser
from labtest import X509_REF, X509_RULES

PORTS = {"web": 18560, "api": 18561, "mail": 18562}
SNI = "demo.test"


Server = labtest.TlsServer


def change_keys(diff, section):
    return {(c["target_name"], c["rule"]) for c in diff[section]}


class ReportDiffTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if shutil.which("openssl") is None:
            raise AssertionError("openssl is needed to run the test's servers")
        cls.servers = {}
        try:
            cls.servers["web"] = Server(cls.lab, PORTS["web"], "good")
            cls.servers["api"] = Server(cls.lab, PORTS["api"], "sha1")
            cls.servers["mail"] = Server(cls.lab, PORTS["mail"], "good")
            cls.old_path, cls.old = cls.scan_set("old", ("web", "api", "mail"), ("good", "self-signed", "expired"))
            # Reconfigure: web gets a weak key, api a good certificate, mail goes away.
            for name in ("web", "api", "mail"):
                cls.servers.pop(name).stop()
            cls.servers["web"] = Server(cls.lab, PORTS["web"], "rsa1024")
            cls.servers["api"] = Server(cls.lab, PORTS["api"], "good")
            cls.new_path, cls.new = cls.scan_set("new", ("web", "api", "mail"), ("good", "self-signed", "wrong-host"))
        finally:
            for server in cls.servers.values():
                server.stop()

    @classmethod
    def scan_set(cls, name, own, lab_names):
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for n in own:
            lines.append(f"  - {{name: {n}, host: 127.0.0.1, port: {PORTS[n]}, service: tls, sni: {SNI}}}")
        for n in lab_names:
            e = cls.lab.endpoint(n)
            lines.append(f"  - {{name: {n}, host: {e['host']}, port: {e['port']}, service: {e['service']}, "
                         f"sni: {e['sni']}}}")
        inventory = cls.tmpdir("inv") / f"{name}.yaml"
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result, report = cls.scan(name, "--targets", inventory, "--profile", X509_REF, "--ca-file", cls.lab.ca_file)
        if report is None:
            raise AssertionError(f"the {name} scan wrote no report\n{result.describe()}")
        return cls.tmpdir(name) / "report.json", report

    def diff(self, old, new, *args):
        return labtest.run(["report", "diff", old, new, *args])

    def diff_json(self, old, new, *args):
        result = self.diff(old, new, "--format", "json", *args)
        try:
            return result, json.loads(result.stdout)
        except json.JSONDecodeError as e:
            self.fail(f"report diff --format json printed no JSON ({e})\n{result.describe()}")

    def lab_failures(self, name):
        return set(self.lab.endpoint(name)["expected_failures"])

    def test_preconditions_from_the_scans(self):
        # The servers served what the test says, so the diff below is about them.
        self.assertStatuses(self.old, f"127.0.0.1:{PORTS['web']}", {r: "pass" for r in X509_RULES})
        self.assertEqual({r for r, s in labtest.statuses(self.old, f"127.0.0.1:{PORTS['api']}").items() if s == "fail"},
                         self.lab_failures("sha1"))
        self.assertEqual({r for r, s in labtest.statuses(self.new, f"127.0.0.1:{PORTS['web']}").items() if s == "fail"},
                         self.lab_failures("rsa1024"))
        self.assertStatuses(self.new, f"127.0.0.1:{PORTS['mail']}", {r: "error" for r in X509_RULES})
        # Every result carries a 32-hex-digit fingerprint, equal across the two scans for the same finding.
        prints_old = {(r["target"], r["rule"]): r["fingerprint"] for r in self.old["results"]}
        prints_new = {(r["target"], r["rule"]): r["fingerprint"] for r in self.new["results"]}
        for fp in list(prints_old.values()) + list(prints_new.values()):
            self.assertRegex(fp, r"^[0-9a-f]{32}$")
        for key in set(prints_old) & set(prints_new):
            self.assertEqual(prints_old[key], prints_new[key], key)
        self.assertNotEqual(self.old["scan"]["id"], self.new["scan"]["id"])

    def test_diff_lists_exactly_what_changed(self):
        result, d = self.diff_json(self.old_path, self.new_path)
        # A regression and a new failure: exit code 1.
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertEqual(change_keys(d, "regressions"), {("web", r) for r in self.lab_failures("rsa1024")})
        self.assertEqual(change_keys(d, "fixed"), {("api", r) for r in self.lab_failures("sha1")})
        self.assertEqual(change_keys(d, "still_failing"), {("self-signed", r) for r in self.lab_failures("self-signed")})
        self.assertEqual(change_keys(d, "new_failures"), {("wrong-host", r) for r in self.lab_failures("wrong-host")})
        # mail stopped answering: every rule went from pass to error.
        self.assertEqual(change_keys(d, "other_changes"), {("mail", r) for r in X509_RULES})
        self.assertEqual({(c["old_status"], c["new_status"]) for c in d["other_changes"]}, {("pass", "error")})
        self.assertEqual([t["name"] for t in d["targets_added"]], ["wrong-host"])
        self.assertEqual([t["name"] for t in d["targets_removed"]], ["expired"])
        self.assertEqual(d["rules_added"], [])
        self.assertEqual(d["rules_removed"], [])
        self.assertEqual(d["profiles_changed"], [])
        s = d["summary"]
        self.assertEqual((s["regressions"], s["fixed"], s["still_failing"], s["new_failures"], s["other_changes"]),
                         (1, 1, 1, 1, len(X509_RULES)))
        # Unchanged: good's rules, web's and api's other rules, self-signed's passing rules.
        self.assertEqual(s["unchanged"], len(X509_RULES) * 4 - 3)
        self.assertEqual(s["score_before"], self.old["summary"]["conformance_percent"])
        self.assertEqual(s["score_after"], self.new["summary"]["conformance_percent"])
        self.assertTrue(s["has_new_failures"])
        self.assertEqual(d["old"]["scan_id"], self.old["scan"]["id"])
        self.assertEqual(d["new"]["scan_id"], self.new["scan"]["id"])

    def test_changed_facts_behind_each_change(self):
        _, d = self.diff_json(self.old_path, self.new_path)
        web = d["regressions"][0]
        self.assertEqual(web["facts_basis"], "rule")
        self.assertEqual(web["probes_compared"], ["tls"])
        facts = {f["path"]: (f["old"], f["new"]) for f in web["changed_facts"]}
        # The leaf key went from the good RSA-2048 key to the 1024-bit one.
        self.assertEqual(facts.get("tls.chain[0].key.bits"), (2048, 1024), web["changed_facts"])
        # api: the leaf's signature hash changed from SHA-1.
        api = d["fixed"][0]
        sig = {f["path"]: (f["old"], f["new"]) for f in api["changed_facts"] if "signature" in f["path"]}
        self.assertTrue(any(str(old).lower().startswith("sha1") and "256" in str(new) for old, new in sig.values()),
                        api["changed_facts"])
        # mail: the tls probe was observed and now is an error.
        for c in d["other_changes"]:
            self.assertEqual([f["path"] for f in c["changed_facts"]], ["tls"])
            self.assertEqual(c["changed_facts"][0]["old"], "observed")
            self.assertTrue(c["changed_facts"][0]["new"].startswith("error: "), c["changed_facts"])
        # self-signed: the same server in both scans; only facts that differ by
        # connection may appear, never the certificate.
        still = d["still_failing"][0]
        self.assertFalse([f for f in still["changed_facts"] if f["path"].startswith("tls.chain")], still)
        # An added target has no earlier facts.
        self.assertEqual(d["new_failures"][0]["facts_basis"], "")

    def test_text_output_and_out_file(self):
        result = self.diff(self.old_path, self.new_path)
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertIn("Regressions (pass -> fail) (1):", result.stdout)
        self.assertIn("fact tls.chain[0].key.bits: 2048 -> 1024", result.stdout)
        self.assertIn("Targets removed (1):\n  expired (127.0.0.1:18444)", result.stdout)
        out = self.tmpdir("out") / "diff.json"
        result = self.diff(self.old_path, self.new_path, "--format", "json", "--out", out)
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertEqual(result.stdout, "")
        self.assertEqual(json.loads(out.read_text(encoding="utf-8"))["summary"]["regressions"], 1)

    def test_reverse_and_identical(self):
        # The other way round: the fix is a regression and the regression a fix.
        result, d = self.diff_json(self.new_path, self.old_path)
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertEqual(change_keys(d, "regressions"), {("api", r) for r in self.lab_failures("sha1")})
        self.assertEqual(change_keys(d, "fixed"), {("web", r) for r in self.lab_failures("rsa1024")})
        self.assertEqual(change_keys(d, "new_failures"), {("expired", r) for r in self.lab_failures("expired")})
        # A report against itself: nothing new, exit 0.
        result, d = self.diff_json(self.new_path, self.new_path)
        self.assertExit(result, labtest.EXIT_OK)
        for section in ("regressions", "fixed", "new_failures", "other_changes", "targets_added", "targets_removed"):
            self.assertEqual(d[section], [], section)

    def test_dated_rule_judged_on_each_side_changes_no_fact(self):
        # The same facts judged after the good certificate's notAfter: validity
        # regresses on every endpoint that passed it, and no fact changed.
        not_after = max(c["not_after"] for t in self.new["targets"] if t["name"] == "good"
                        for c in t["facts"]["tls"]["data"]["chain"][:1])
        later = self.tmpdir("later")
        as_of = str(int(not_after[:4]) + 1) + not_after[4:]
        result = labtest.run(["evaluate", "--facts", self.new_path, "--profile", X509_REF, "--as-of", as_of,
                              "--out", later])
        self.assertIn(result.returncode, (labtest.EXIT_FAIL,), result.describe())
        result, d = self.diff_json(self.new_path, later / "report.json")
        self.assertExit(result, labtest.EXIT_FAIL)
        passed_validity = {labtest.target_names(self.new)[r["target"]] for r in self.new["results"]
                           if r["rule"] == "X509-VALIDITY-01" and r["status"] == "pass"}
        self.assertTrue(passed_validity)
        self.assertEqual(change_keys(d, "regressions"), {(n, "X509-VALIDITY-01") for n in passed_validity})
        for c in d["regressions"]:
            self.assertEqual(c["changed_facts"], [], c)

    def test_older_reports_without_fingerprints_or_probes(self):
        # Reports written before results recorded fingerprints and probes:
        # fingerprints are computed when read (the same ones), and the facts
        # compared are every probe of the target.
        stripped = []
        for name, report in (("old-stripped", self.old), ("new-stripped", self.new)):
            copy = json.loads(json.dumps(report))
            for r in copy["results"]:
                r.pop("fingerprint")
                r.pop("probes", None)
            path = self.tmpdir(name) / "report.json"
            path.write_text(json.dumps(copy), encoding="utf-8")
            stripped.append(path)
        _, d = self.diff_json(*stripped)
        _, full = self.diff_json(self.old_path, self.new_path)
        for section in ("regressions", "fixed", "still_failing", "new_failures", "other_changes"):
            self.assertEqual([c["fingerprint"] for c in d[section]], [c["fingerprint"] for c in full[section]], section)
        self.assertEqual(d["regressions"][0]["facts_basis"], "target")
        self.assertIn("tls.chain[0].key.bits", {f["path"] for f in d["regressions"][0]["changed_facts"]})

    def load(self, page):
        """PAGE as Chromium shows it, after checking it fetched nothing, logged nothing and links nowhere."""
        if not hasattr(self, "browser"):
            type(self).browser = new_browser(tempfile.mkdtemp(prefix="chromium-", dir=self.tmpdir("chromium")))
        dom, console, requests = self.browser.run(page, "--dump-dom")
        self.assertEqual(requests, [], "the page must fetch nothing")
        self.assertEqual(console, [], "the page must log nothing")
        p = DataPage(dom)
        self.assertEqual([link for link in p.links if not link.startswith(("#", "data:"))], [])
        self.assertEqual(p.scripts, 0)
        return p

    def test_html_diff_in_chromium(self):
        _, d = self.diff_json(self.old_path, self.new_path)
        pages = {}
        for lang in ("en", "fr", "ar"):
            out = self.tmpdir("html") / f"diff.{lang}.html"
            result = self.diff(self.old_path, self.new_path, "--format", "html", "--lang", lang, "--out", out)
            # The same exit code as the other formats: something newly fails.
            self.assertExit(result, labtest.EXIT_FAIL)
            pages[lang] = self.load(out)
        en = pages["en"]
        self.assertEqual((en.root.get("lang"), en.root.get("dir")), ("en", "ltr"))
        # Every list holds exactly the changes the scans made (see the module docstring).
        expected = {
            "regressions": {("web", r) for r in self.lab_failures("rsa1024")},
            "fixed": {("api", r) for r in self.lab_failures("sha1")},
            "still_failing": {("self-signed", r) for r in self.lab_failures("self-signed")},
            "new_failures": {("wrong-host", r) for r in self.lab_failures("wrong-host")},
            "other_changes": {("mail", r) for r in X509_RULES},
        }
        for lang, page in pages.items():
            with self.subTest(lang=lang):
                for section, keys in expected.items():
                    self.assertEqual(page.changes.get(section, set()), keys, section)
                    self.assertEqual(page.section_counts[section], len(keys), section)
                    self.assertEqual(keys, change_keys(d, section), section)  # and the JSON says the same
                self.assertEqual(page.targets, {"targets_added": ["wrong-host"], "targets_removed": ["expired"]})
                self.assertEqual(page.section_counts["rules_added"], 0)
        # The fact behind the regression: the leaf key's size.
        regression = ("regressions", "web", "X509-KEY-01")
        self.assertIn("tls.chain[0].key.bits: 2048→1024", en.facts[regression])
        self.assertEqual(en.headings["regressions"], "Regressions (passed → failed) (1)")
        self.assertEqual(pages["fr"].headings["regressions"], "Régressions (conforme → non conforme) (1)")
        self.assertEqual(pages["fr"].headings["new_failures"], "Nouvelles non-conformités (1)")
        self.assertEqual((pages["ar"].root.get("lang"), pages["ar"].root.get("dir")), ("ar", "rtl"))
        self.assertEqual(pages["ar"].headings["fixed"], "تم إصلاحها (من راسب إلى ناجح) (1)")

    def test_sector_page_of_the_two_scans(self):
        # One operator filed both scans: the newer counts, the older is listed as superseded.
        sector = self.tmpdir("sector")
        (sector / "demo").mkdir(exist_ok=True)
        shutil.copy(self.old_path, sector / "demo" / "old.json")
        shutil.copy(self.new_path, sector / "demo" / "new.json")
        out = self.tmpdir("sector-out") / "sector.html"
        result = labtest.run(["report", "aggregate", sector, "--out", out])
        self.assertExit(result, labtest.EXIT_OK)
        # The CSV tables are written beside the page.
        self.assertTrue((out.parent / "sector.csv").is_file())
        self.assertTrue((out.parent / "sector-rules.csv").is_file())
        page = self.load(out)
        new_file, old_file = str(sector / "demo" / "new.json"), str(sector / "demo" / "old.json")
        self.assertEqual(page.operators, {new_file: ("demo", "included", "not_checked"),
                                          old_file: ("demo", "superseded", "not_checked")})
        self.assertEqual(page.unused, [("superseded", old_file)])
        self.assertEqual(page.counts, {"reports": 2, "included": 1, "signature_failed": 0, "rejected": 0})
        # Per rule: judged once (the newer report), failing when any of its targets fails it.
        failing_new = {r["rule"] for r in self.new["results"] if r["status"] == "fail"}
        self.assertEqual(page.rules, {rule: (1, 1 if rule in failing_new else 0) for rule in X509_RULES})
        severity = {r["rule"]: r["severity"] for r in self.new["results"]}
        self.assertEqual(set(page.worst), {r for r in failing_new if severity[r] in ("critical", "high")})

    def test_malformed_input_is_a_clear_usage_error(self):
        bad = self.tmpdir("bad") / "report.json"
        bad.write_text('{"schema_version": 1, "tool": ', encoding="utf-8")
        result = self.diff(self.old_path, bad)
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn(str(bad), result.stderr)
        self.assertIn("not valid JSON", result.stderr)
        not_report = self.tmpdir("bad") / "other.json"
        not_report.write_text('{"hello": 1}', encoding="utf-8")
        result = self.diff(not_report, self.new_path)
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("not a conformscan report", result.stderr)
        result = self.diff(self.old_path, self.new_path, "--format", "pdf")
        self.assertExit(result, labtest.EXIT_USAGE)


if __name__ == "__main__":
    labtest.main()
