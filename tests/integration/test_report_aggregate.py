#!/usr/bin/env python3
"""`report aggregate` over three operators' real scans and two bad files.

Operators (each scans a different set of lab endpoints with the x509 profile):
  A  good, expired                   --operator A
  B  good-ec, rsa1024, sha1          operator: B in its inventory
  C  wrong-host, expired, self-signed --operator C
The sector directory also holds a truncated report (D/report.json) and a JSON
file that is not a report (notes/other.json): both must be listed as rejected
with the reason, never dropped silently. Which rule each endpoint fails comes
from the lab's endpoints.json, so the expected per-rule rates are derived.

A and B sign their scans (keygen, scan --sign). With --pubkey-dir holding
A.pub and B.pub, A's untouched report is verified, B's report with one flipped
byte fails verification (listed, not counted), and C, which has no key there,
is counted but listed as not checked ("no key"); the sector page (sector.html,
with sector.csv and sector-rules.csv beside it) shows the same in headless
Chromium with no request and no console message.
"""

import csv
import json
import shutil
import tempfile

import labtest
from chromium import DataPage, new_browser
from labtest import X509_REF, X509_RULES

OPERATORS = {
    "A": ("good", "expired"),
    "B": ("good-ec", "rsa1024", "sha1"),
    "C": ("wrong-host", "expired", "self-signed"),
}


class ReportAggregateTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sector = cls.tmpdir("sector")
        cls.reports = {}
        # A and B sign their reports; C does not (and has no key in the regulator's key directory).
        cls.keys = cls.tmpdir("keys")
        for op in ("A", "B"):
            k = labtest.run(["keygen", "--out", cls.keys / op])
            if k.returncode != 0:
                raise AssertionError(f"keygen failed\n{k.describe()}")
        for op, names in OPERATORS.items():
            inventory = cls.tmpdir("inv") / f"{op}.yaml"
            cls.lab.write_inventory(inventory, names)
            args = ["--targets", inventory, "--profile", X509_REF, "--ca-file", cls.lab.ca_file]
            if op == "B":
                # The inventory names the operator.
                text = inventory.read_text(encoding="utf-8")
                inventory.write_text("operator: B\n" + text, encoding="utf-8")
            else:
                args += ["--operator", op]
            if op in ("A", "B"):
                args += ["--sign", cls.keys / f"{op}.key"]
            result, report = cls.scan(f"scan-{op}", *args)
            if report is None:
                raise AssertionError(f"scan for operator {op} wrote no report\n{result.describe()}")
            (cls.sector / f"dir-{op}").mkdir()
            shutil.copy(cls.tmpdir(f"scan-{op}") / "report.json", cls.sector / f"dir-{op}" / "report.json")
            cls.reports[op] = report
        (cls.sector / "D").mkdir()
        full = (cls.sector / "dir-A" / "report.json").read_text(encoding="utf-8")
        (cls.sector / "D" / "report.json").write_text(full[: len(full) // 2], encoding="utf-8")
        (cls.sector / "notes").mkdir()
        (cls.sector / "notes" / "other.json").write_text('{"minutes": "not a report"}', encoding="utf-8")

    def aggregate(self, *args):
        return labtest.run(["report", "aggregate", *args])

    def expected_failing(self, rule):
        return {op for op, names in OPERATORS.items()
                if any(rule in self.lab.endpoint(n)["expected_failures"] for n in names)}

    def test_operator_names_recorded(self):
        self.assertEqual({op: r.get("operator") for op, r in self.reports.items()}, {"A": "A", "B": "B", "C": "C"})

    def test_sector_json(self):
        out = self.tmpdir("json") / "sector.json"
        result = self.aggregate(self.sector, "--out", out)
        # Two files were rejected: the exit code says the view is incomplete.
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        a = json.loads(out.read_text(encoding="utf-8"))
        self.assertEqual(a["summary"], {"reports": 3, "included": 3, "signature_failed": 0, "signatures_checked": False,
                                        "signature_not_checked": 0, "rejected": 2})
        rejected = {pathlib_name(r["file"]): r["reason"] for r in a["rejected"]}
        self.assertEqual(set(rejected), {"D/report.json", "notes/other.json"})
        self.assertIn("not valid JSON", rejected["D/report.json"])
        self.assertIn("not a conformscan report", rejected["notes/other.json"])

        # Per operator: the report's own summary scores; signatures not checked.
        ops = {o["operator"]: o for o in a["operators"]}
        self.assertEqual(set(ops), set(OPERATORS))
        for op, report in self.reports.items():
            with self.subTest(operator=op):
                self.assertEqual(ops[op]["operator_source"], "report")
                self.assertEqual(ops[op]["use"], "included")
                self.assertEqual(ops[op]["signature"]["status"], "not_checked")
                self.assertEqual(ops[op]["conformance_percent"], report["summary"]["conformance_percent"])
                self.assertEqual(ops[op]["conformance_percent_without_waivers"],
                                 report["summary"]["conformance_percent_without_waivers"])
                self.assertEqual(ops[op]["results"], report["summary"]["results"])
                self.assertEqual(ops[op]["scan_id"], report["scan"]["id"])

        # Per rule: how many operators fail it, derived from the lab's expectations.
        rules = {r["rule"]: r for r in a["rules"]}
        self.assertEqual(set(rules), set(X509_RULES))
        for rule in X509_RULES:
            with self.subTest(rule=rule):
                failing = self.expected_failing(rule)
                self.assertEqual(rules[rule]["operators_judged"], 3)
                self.assertEqual(set(rules[rule]["failing_operators"]), failing)
                self.assertEqual(rules[rule]["operators_failing"], len(failing))
                self.assertEqual(rules[rule]["operators_passing"], 3 - len(failing))
                self.assertAlmostEqual(rules[rule]["conformance_percent"], 100.0 * (3 - len(failing)) / 3)
                fails = sum(1 for r in self.reports.values() for x in r["results"]
                            if x["rule"] == rule and x["status"] == "fail")
                self.assertEqual(rules[rule]["results"]["fail"], fails)
        # Validity fails at A (expired) and C (expired): the lab says so; guard the derivation.
        self.assertEqual(self.expected_failing("X509-VALIDITY-01"), {"A", "C"})

        # Worst findings: the critical and high rules some operator fails,
        # most severe first, then by operators failing.
        severity = {r["rule"]: r["severity"] for r in self.reports["A"]["results"]}
        rank = {"critical": 4, "high": 3}
        expected = sorted((rule for rule in X509_RULES if severity[rule] in rank and self.expected_failing(rule)),
                          key=lambda rule: (-rank[severity[rule]], -len(self.expected_failing(rule))))
        got = [w["rule"] for w in a["worst_findings"]]
        self.assertEqual(sorted(got), sorted(expected))
        self.assertEqual([(severity[r], len(self.expected_failing(r))) for r in got],
                         [(severity[r], len(self.expected_failing(r))) for r in expected])

    def test_csv_tables(self):
        out = self.tmpdir("csv") / "sector.csv"
        result = self.aggregate(self.sector, "--out", out)
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        uses = sorted((r["operator"], r["use"]) for r in rows)
        self.assertEqual(uses, [("", "rejected"), ("", "rejected"), ("A", "included"), ("B", "included"),
                                ("C", "included")])
        for r in rows:
            if r["use"] == "rejected":
                self.assertTrue(r["note"], r)
            else:
                score = self.reports[r["operator"]]["summary"]["conformance_percent"]
                self.assertAlmostEqual(float(r["conformance_percent"]), score, places=2)
                self.assertEqual(r["signature"], "not_checked")
        with open(out.parent / "sector-rules.csv", newline="", encoding="utf-8") as f:
            rules = {r["rule"]: r for r in csv.DictReader(f)}
        self.assertEqual(set(rules), set(X509_RULES))
        for rule in X509_RULES:
            self.assertEqual(int(rules[rule]["operators_failing"]), len(self.expected_failing(rule)), rule)

    def test_files_given_one_by_one_and_directory_names(self):
        files = [self.sector / f"dir-{op}" / "report.json" for op in OPERATORS]
        result = self.aggregate(*files, "--format", "json")
        # Every file was used: exit 0.
        self.assertExit(result, labtest.EXIT_OK)
        a = json.loads(result.stdout)
        self.assertEqual(a["summary"]["rejected"], 0)
        # A report without an operator is named by its directory.
        copy = json.loads(json.dumps(self.reports["A"]))
        del copy["operator"]
        (self.tmpdir("unnamed") / "Operator-X").mkdir(exist_ok=True)
        path = self.tmpdir("unnamed") / "Operator-X" / "report.json"
        path.write_text(json.dumps(copy), encoding="utf-8")
        result = self.aggregate(path, "--format", "json")
        self.assertExit(result, labtest.EXIT_OK)
        op = json.loads(result.stdout)["operators"][0]
        self.assertEqual((op["operator"], op["operator_source"]), ("Operator-X", "directory"))
        # Text to stdout names each operator and the rejected files.
        result = self.aggregate(self.sector)
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        self.assertIn("3 reports: 3 included, 0 failed signature verification, 2 rejected files", result.stdout)
        self.assertIn("Rejected files:", result.stdout)

    def signed_sector(self):
        """A: untouched and signed; B: signed, then one byte of its scan id flipped; C: unsigned."""
        signed = self.tmpdir("signed-sector")
        for op in OPERATORS:
            (signed / op).mkdir(exist_ok=True)
            src = self.tmpdir(f"scan-{op}") / "report.json"
            data = src.read_bytes()
            if op == "B":
                at = data.index(self.reports["B"]["scan"]["id"].encode())
                data = data[:at] + (b"0" if data[at:at + 1] != b"0" else b"1") + data[at + 1:]
            (signed / op / "report.json").write_bytes(data)
            if op != "C":
                shutil.copy(src.parent / "report.json.sig", signed / op / "report.json.sig")
        return signed

    def test_pubkey_dir_verifies_each_operators_signature(self):
        signed = self.signed_sector()
        out = self.tmpdir("signed-json") / "sector.json"
        result = self.aggregate(signed, "--pubkey-dir", self.keys, "--out", out)
        # B failed and C could not be checked: the view is incomplete.
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        a = json.loads(out.read_text(encoding="utf-8"))
        self.assertEqual(a["summary"], {"reports": 3, "included": 2, "signature_failed": 1, "signatures_checked": True,
                                        "signature_not_checked": 1, "rejected": 0})
        ops = {o["operator"]: o for o in a["operators"]}
        self.assertEqual({op: (o["use"], o["signature"]["status"], o["signature"]["code"]) for op, o in ops.items()},
                         {"A": ("included", "verified", "ok"),
                          "B": ("signature_failed", "failed", "report_modified"),
                          "C": ("included", "not_checked", "no_key")})
        self.assertIn("signature OK: key ", ops["A"]["signature"]["message"])
        self.assertIn(f"{signed / 'B' / 'report.json'} was modified after signing", ops["B"]["signature"]["message"])
        self.assertEqual(ops["C"]["signature"]["message"], f"no key: {self.keys / 'C.pub'} does not exist")
        # B's results are not counted: every rule is judged by A and C only.
        rules = {r["rule"]: r for r in a["rules"]}
        for rule in X509_RULES:
            failing = self.expected_failing(rule) - {"B"}
            self.assertEqual((rules[rule]["operators_judged"], set(rules[rule]["failing_operators"])), (2, failing), rule)
        # A's key does not verify B's report: another operator's key is a failure too.
        wrong = self.tmpdir("wrong-keys")
        shutil.copy(self.keys / "A.pub", wrong / "B.pub")
        result = self.aggregate(signed / "B", "--pubkey-dir", wrong, "--format", "json")
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        self.assertEqual(json.loads(result.stdout)["operators"][0]["signature"]["code"], "wrong_key")
        # A key directory that does not exist is a usage error.
        result = self.aggregate(signed, "--pubkey-dir", self.tmpdir("x") / "missing")
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("not a directory", result.stderr)

    def test_sector_page_in_chromium(self):
        signed = self.signed_sector()
        # The regulator's rejected files too: the truncated report and the non-report.
        shutil.copytree(self.sector / "D", signed / "D", dirs_exist_ok=True)
        out = self.tmpdir("signed-html") / "sector.html"
        result = self.aggregate(signed, "--pubkey-dir", self.keys, "--out", out)
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        browser = new_browser(tempfile.mkdtemp(prefix="chromium-", dir=self.tmpdir("chromium")))
        dom, console, requests = browser.run(out, "--dump-dom")
        self.assertEqual(requests, [], "the page must fetch nothing")
        self.assertEqual(console, [], "the page must log nothing")
        page = DataPage(dom)
        self.assertEqual(page.scripts, 0)
        self.assertEqual([link for link in page.links if not link.startswith(("#", "data:"))], [])
        self.assertEqual(page.counts, {"reports": 3, "included": 2, "signature_failed": 1,
                                       "signature_not_checked": 1, "rejected": 1})
        self.assertEqual(page.operators, {str(signed / "A" / "report.json"): ("A", "included", "verified"),
                                          str(signed / "B" / "report.json"): ("B", "signature_failed", "failed"),
                                          str(signed / "C" / "report.json"): ("C", "included", "not_checked")})
        # Not counted, with the reason: B's report (signature) and the truncated file.
        self.assertEqual(sorted(page.unused), [("rejected", str(signed / "D" / "report.json")),
                                               ("signature_failed", str(signed / "B" / "report.json"))])
        self.assertEqual(page.section_counts["unused"], 2)
        self.assertEqual(page.rules, {rule: (2, len(self.expected_failing(rule) - {"B"})) for rule in X509_RULES})
        severity = {r["rule"]: r["severity"] for r in self.reports["A"]["results"]}
        self.assertEqual(set(page.worst), {rule for rule in X509_RULES if severity[rule] in ("critical", "high")
                                           and self.expected_failing(rule) - {"B"}})
        # The CSV tables beside the page say the same.
        with open(out.parent / "sector.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted((r["operator"], r["use"], r["signature"]) for r in rows),
                         [("", "rejected", ""), ("A", "included", "verified"), ("B", "signature_failed", "failed"),
                          ("C", "included", "not_checked")])
        with open(out.parent / "sector-rules.csv", newline="", encoding="utf-8") as f:
            self.assertEqual({r["rule"] for r in csv.DictReader(f)}, set(X509_RULES))
        # In Arabic: right to left, translated headings.
        ar = self.tmpdir("signed-html") / "sector.ar.html"
        result = self.aggregate(signed, "--pubkey-dir", self.keys, "--out", ar, "--lang", "ar")
        self.assertExit(result, labtest.EXIT_INCOMPLETE)
        dom, console, requests = browser.run(ar, "--dump-dom")
        self.assertEqual((requests, console), ([], []))
        page = DataPage(dom)
        self.assertEqual((page.root.get("lang"), page.root.get("dir")), ("ar", "rtl"))
        self.assertEqual(page.headings["worst"], "أخطر النتائج")
        self.assertEqual(page.headings["unused"], "التقارير والملفات غير المحتسبة")

    def test_nothing_readable_is_a_usage_error(self):
        result = self.aggregate(self.sector / "D" / "report.json", self.sector / "missing.json")
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("no report could be read", result.stderr)
        self.assertIn("missing.json: no such file or directory", result.stderr)
        result = self.aggregate(self.sector, "--format", "csv")
        self.assertExit(result, labtest.EXIT_USAGE)
        result = self.aggregate(self.sector, "--format", "html")
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("give --out FILE.html", result.stderr)


def pathlib_name(path):
    """The last two components of PATH ("D/report.json")."""
    parts = str(path).replace("\\", "/").split("/")
    return "/".join(parts[-2:])


if __name__ == "__main__":
    labtest.main()
