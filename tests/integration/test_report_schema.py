#!/usr/bin/env python3
"""Every report the scanner writes matches the published schema, and the
machine formats (CSV, JUnit XML, SARIF 2.1.0, OSCAL assessment-results) say
the same as the canonical report they render from.

Four real runs of the binary, each with `--report-formats csv,junit,sarif,oscal`:

  core      the lab's core endpoints under the x509 profile and the X.805
            baseline, with a tailoring that adds a rule whose English title
            starts with '=' (a formula to a spreadsheet) and whose summary starts
            with '-', translated to French; and a waiver for the rsa1024
            endpoint's weak key (X509-KEY-01 in both profiles: the baseline
            inherits the rule)
  ssh       the ssh part's endpoints under ietf/rfc9142-ssh
  http      the http part's endpoints under owasp/web-headers
  evaluate  the core scan's facts judged again under x509 + NIST SP 800-52r2
            with the same waiver (no traffic)

For each: report.json validates against schemas/report.schema.json; the CSV
has one row per result with no cell a spreadsheet would run; the JUnit counts
equal the report's; SARIF has one result per fail/error/waived result and one
accepted suppression per waived one; the OSCAL document matches
schemas/oscal-assessment-results.schema.json, with one observation per target
and one finding per failed or waived result, its uuids derived (uuid5) from
the scan id. `report render` gives the same bytes as the scan wrote, and
refuses malformed input with exit 2.
"""

import copy
import csv
import io
import json
import pathlib
import uuid
import xml.etree.ElementTree as ET

import jsonschema

import labtest
from labtest import X509_REF

SCHEMAS = labtest.SOURCE / "schemas"
FORMATS = {"csv": "report.csv", "junit": "report.junit.xml", "sarif": "report.sarif", "oscal": "report.oscal.json"}
OSCAL_NS = uuid.UUID("bc501237-c02d-5413-8f55-784567b63ca4")  # reports/oscal_report.cpp
CSV_COLUMNS = ["target", "target_name", "host", "port", "service", "profile", "profile_version", "rule", "title",
               "severity", "status", "waived", "waiver_id", "real_status", "references", "reason", "evidence",
               "guideline"]
FORMULA_TITLE = '=HYPERLINK("http://127.0.0.1:9/","click")'
CANARY_PORT = 18497  # a test-owned port: nothing may reach it

WAIVERS = """\
waivers:
  - id: W-FMT-1
    rule: X509-KEY-*
    targets: [rsa1024]
    kind: risk-accepted
    justification: "@The appliance cannot load a 2048-bit key before its firmware upgrade."
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-01-01
    expires_on: "2099-12-31T23:59:59Z"
"""

TAILORING = f"""\
tailoring:
  id: lab-formats
  profile: itu-t-x509-certificates
add:
  - id: LAB-FMT-01
    title:
      en: '{FORMULA_TITLE}'
      fr: "TLS 1.3 est proposé"
    severity: medium
    check: tls.protocol_versions
    with: {{required: [TLSv1.3]}}
    references: [{{document: Lab operator policy, clause: "3.2"}}]
    guideline:
      summary: {{en: "-Enable TLS 1.3.", fr: "Activer TLS 1.3."}}
"""


def load_schema(name):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator, document, limit=8):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:limit]]


def counts(report):
    c = {s: 0 for s in ("pass", "fail", "error", "not_applicable", "waived")}
    for r in report["results"]:
        c[r["status"]] += 1
    return c


class ReportFormatsTest(labtest.LabTestCase):
    runs = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report_schema = load_schema("report.schema.json")
        cls.oscal_schema = load_schema("oscal-assessment-results.schema.json")
        files = cls.tmpdir("inputs")
        cls.waivers = files / "waivers.yaml"
        cls.waivers.write_text(WAIVERS, encoding="utf-8")
        cls.tailoring = files / "tailoring.yaml"
        cls.tailoring.write_text(TAILORING, encoding="utf-8")
        extra = ["--report-formats", "csv,junit,sarif,oscal"]

        cls.runs["core"] = cls.run_scan("core", "--targets", cls.lab.inventory, "--profile", X509_REF,
                                        "--profile", "itu-t/x805-baseline", "--tailoring", cls.tailoring,
                                        "--waivers", cls.waivers, "--ca-file", cls.lab.ca_file, *extra)
        for part, profile in (("ssh", "ietf/rfc9142-ssh"), ("http", "owasp/web-headers")):
            try:
                endpoints = cls.lab.part(part)
            except labtest.unittest.SkipTest:
                continue
            inventory = files / f"{part}.yaml"
            lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
            for name, e in endpoints.items():
                sni = f", sni: {e['sni']}" if e.get("sni") else ""
                lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, "
                             f"service: {e['service']}{sni}}}")
            inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
            cls.runs[part] = cls.run_scan(part, "--targets", inventory, "--profile", profile,
                                          "--ca-file", cls.lab.ca_file, *extra)
        out = cls.tmpdir("evaluate")
        result = labtest.run(["evaluate", "--facts", cls.tmpdir("core") / "report.json", "--profile", X509_REF,
                              "--profile", "nist/sp800-52r2", "--waivers", cls.waivers, "--out", out, *extra])
        cls.runs["evaluate"] = (result, out)

    @classmethod
    def run_scan(cls, name, *args):
        out = cls.tmpdir(name)
        return labtest.run(["scan", *args, "--out", out, "--timeout", "3"]), out

    def each_run(self):
        self.assertIn("core", self.runs)
        for name, (result, out) in self.runs.items():
            with self.subTest(run=name):
                self.assertIn(result.returncode, (labtest.EXIT_OK, labtest.EXIT_FAIL, labtest.EXIT_INCOMPLETE),
                              result.describe())
                path = out / "report.json"
                self.assertTrue(path.is_file(), result.describe())
                yield name, out, labtest.load_report(path)

    # ---- the canonical report ------------------------------------------------

    def test_every_report_validates_against_the_schema(self):
        modes = set()
        for name, _, report in self.each_run():
            self.assertEqual(schema_errors(self.report_schema, report), [], f"{name}/report.json")
            self.assertGreater(len(report["results"]), 0)
            modes.add(report["scan"]["mode"])
        self.assertEqual(modes, {"scan", "evaluate"})

    def test_the_schema_rejects_what_the_format_does_not_allow(self):
        _, out = self.runs["core"]
        report = labtest.load_report(out / "report.json")
        waived = next(i for i, r in enumerate(report["results"]) if r["status"] == "waived")
        failed = next(i for i, r in enumerate(report["results"]) if r["status"] == "fail")
        mutations = {
            "no summary": lambda r: r.pop("summary"),
            "an unknown top-level key": lambda r: r.update(surprise=1),
            "an unknown status": lambda r: r["results"][failed].update(status="maybe"),
            "a waived result without its waiver": lambda r: r["results"][waived].pop("waiver"),
            "a port out of range": lambda r: r["targets"][0].update(port=70000),
            "a time without its zone": lambda r: r["scan"].update(started_at="2026-11-29T04:48:24"),
            "an evaluate report without its source": lambda r: r["scan"].update(mode="evaluate"),
            "a probe error without its reason": lambda r: next(iter(r["targets"][0]["facts"].values())).update(
                status="error"),
        }
        self.assertEqual(schema_errors(self.report_schema, report), [])
        for what, mutate in mutations.items():
            with self.subTest(mutation=what):
                bad = copy.deepcopy(report)
                mutate(bad)
                self.assertNotEqual(schema_errors(self.report_schema, bad), [], f"{what} passed the schema")

    def test_the_waiver_is_in_every_format_of_the_core_scan(self):
        _, out = self.runs["core"]
        report = labtest.load_report(out / "report.json")
        rsa1024 = self.lab.address("rsa1024")
        # The waiver names rsa1024's weak key; both profiles judge X509-KEY-01 there.
        self.assertEqual({(r["target"], r["profile"], r["rule"]) for r in report["results"] if r["status"] == "waived"},
                         {(rsa1024, "itu-t-x509-certificates", "X509-KEY-01"),
                          (rsa1024, "itu-t-x805-baseline", "X509-KEY-01")})
        rows = self.csv_rows(out / "report.csv")
        self.assertEqual({(r["target"], r["profile"], r["waiver_id"], r["real_status"]) for r in rows
                          if r["waived"] == "yes"},
                         {(rsa1024, "itu-t-x509-certificates", "W-FMT-1", "fail"),
                          (rsa1024, "itu-t-x805-baseline", "W-FMT-1", "fail")})
        sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
        justifications = {s["justification"] for run in sarif["runs"] for res in run["results"]
                          for s in res.get("suppressions", [])}
        self.assertEqual(justifications, {"@The appliance cannot load a 2048-bit key before its firmware upgrade."})
        tree = ET.parse(out / "report.junit.xml")
        skipped_waived = [s.get("message") for s in tree.iter("skipped") if s.get("message", "").startswith("waived")]
        self.assertEqual(len(skipped_waived), 2)
        self.assertTrue(all(m.startswith("waived: W-FMT-1 (risk-accepted, approved by CISO") for m in skipped_waived))

    # ---- CSV -------------------------------------------------------------------

    def csv_rows(self, path):
        raw = path.read_bytes()
        self.assertFalse(raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark unless asked")
        self.assertTrue(raw.endswith(b"\r\n"), "RFC 4180 line ends")
        reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))
        header = next(reader)
        self.assertEqual(header, CSV_COLUMNS)
        return [dict(zip(header, row, strict=True)) for row in reader]

    def test_csv_has_one_row_per_result_and_no_formula(self):
        for name, out, report in self.each_run():
            rows = self.csv_rows(out / "report.csv")
            self.assertEqual([(r["target"], r["profile"], r["rule"], r["status"]) for r in rows],
                             [(r["target"], r["profile"], r["rule"], r["status"]) for r in report["results"]])
            for row in rows:
                for column, cell in row.items():
                    self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t", "\r"),
                                     f"{name}: {column} cell {cell[:60]!r} would run as a formula")
        # The tailored rule's title and summary, and the waiver's '@', are kept as text.
        _, out = self.runs["core"]
        rows = [r for r in self.csv_rows(out / "report.csv") if r["rule"] == "LAB-FMT-01"]
        self.assertEqual(len(rows), len(self.lab.endpoints))  # one per core target (the rule applies to all)
        self.assertEqual({r["title"] for r in rows}, {"'" + FORMULA_TITLE})
        self.assertEqual({r["guideline"] for r in rows}, {"'-Enable TLS 1.3."})

    def test_csv_in_french_uses_the_profile_translation(self):
        _, out = self.runs["core"]
        r = labtest.run(["report", "render", out / "report.json", "--format", "csv", "--lang", "fr",
                         "--csv-bom", "--out", out / "report.fr.csv"])
        self.assertExit(r, labtest.EXIT_OK)
        raw = (out / "report.fr.csv").read_bytes()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
        tailored = [row for row in rows if row["rule"] == "LAB-FMT-01"]
        self.assertEqual({(row["title"], row["guideline"]) for row in tailored},
                         {("TLS 1.3 est proposé", "Activer TLS 1.3.")})
        # The shipped profiles' own French titles (itu-t/x509-certificates carries them).
        report = labtest.load_report(out / "report.json")
        french = {r["i18n"]["fr"]["title"] for r in report["results"] if r["rule"] == "X509-KEY-01"}
        english = {row["title"] for row in self.csv_rows(out / "report.csv") if row["rule"] == "X509-KEY-01"}
        self.assertEqual({row["title"] for row in rows if row["rule"] == "X509-KEY-01"}, french)
        self.assertNotEqual(french, english)

    # ---- JUnit XML ---------------------------------------------------------------

    def test_junit_counts_equal_the_report(self):
        for name, out, report in self.each_run():
            c = counts(report)
            root = ET.parse(out / "report.junit.xml").getroot()
            self.assertEqual(root.tag, "testsuites")
            self.assertEqual(int(root.get("tests")), len(report["results"]))
            self.assertEqual(int(root.get("failures")), c["fail"])
            self.assertEqual(int(root.get("errors")), c["error"])
            self.assertEqual(int(root.get("skipped")), c["not_applicable"] + c["waived"])
            self.assertEqual(len(list(root.iter("failure"))), c["fail"])
            self.assertEqual(len(list(root.iter("error"))), c["error"])
            self.assertEqual(len(list(root.iter("skipped"))), c["not_applicable"] + c["waived"])
            suites = root.findall("testsuite")
            self.assertEqual(len(suites), len(report["targets"]))
            for suite in suites:
                target = suite.find("properties/property[@name='target']").get("value")
                mine = [r for r in report["results"] if r["target"] == target]
                self.assertEqual(len(suite.findall("testcase")), len(mine), f"{name}: {target}")
                self.assertEqual(int(suite.get("failures")), sum(r["status"] == "fail" for r in mine))

    # ---- SARIF ---------------------------------------------------------------------

    def test_sarif_results_and_suppressions(self):
        levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
        for name, out, report in self.each_run():
            c = counts(report)
            sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
            self.assertEqual(sarif["version"], "2.1.0")
            self.assertIn("sarif-2.1.0", sarif["$schema"])
            self.assertEqual([run["tool"]["driver"]["properties"]["profile"] for run in sarif["runs"]],
                             [p["id"] for p in report["profiles"]])
            results = [res for run in sarif["runs"] for res in run["results"]]
            self.assertEqual(len(results), c["fail"] + c["error"] + c["waived"])
            self.assertEqual(sum(len(res.get("suppressions", [])) for res in results), c["waived"])
            for run in sarif["runs"]:
                self.assertEqual(run["tool"]["driver"]["name"], "conformscan")
                rules = run["tool"]["driver"]["rules"]
                ids = [rule["id"] for rule in rules]
                self.assertEqual(len(ids), len(set(ids)), "rule ids are unique within a run")
                self.assertRegex(run["invocations"][0]["startTimeUtc"], r"Z$")
                for res in run["results"]:
                    self.assertEqual(rules[res["ruleIndex"]]["id"], res["ruleId"])
                    self.assertTrue(res["message"]["text"])
                    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    self.assertTrue(uri.endswith("://" + res["properties"]["target"]), uri)
                    status = res["properties"]["status"]
                    if status == "fail":
                        self.assertEqual((res["kind"], res["level"]), ("fail", levels[res["properties"]["severity"]]))
                    if status == "error":
                        self.assertEqual((res["kind"], res["level"]), ("open", "none"))
                    for s in res.get("suppressions", []):
                        self.assertEqual((s["kind"], s["status"]), ("external", "accepted"))
                        self.assertTrue(s["justification"])

    # ---- OSCAL ---------------------------------------------------------------------

    def test_oscal_matches_the_model_shape_and_the_report(self):
        for name, out, report in self.each_run():
            c = counts(report)
            doc = json.loads((out / "report.oscal.json").read_text(encoding="utf-8"))
            self.assertEqual(schema_errors(self.oscal_schema, doc), [], f"{name}/report.oscal.json")
            ar = doc["assessment-results"]
            self.assertEqual(ar["metadata"]["oscal-version"], "1.1.2")
            self.assertEqual(ar["import-ap"]["href"], "report.json")
            (result,) = ar["results"]
            scan_id = report["scan"]["id"]
            self.assertEqual(result["uuid"], str(uuid.uuid5(OSCAL_NS, f"{scan_id}/result/")))
            items = {i["uuid"] for i in result["local-definitions"]["inventory-items"]}
            observations = {o["uuid"] for o in result["observations"]}
            self.assertEqual(len(items), len(report["targets"]))
            self.assertEqual(len(observations), len(report["targets"]))
            findings = result.get("findings", [])
            self.assertEqual(len(findings), c["fail"] + c["waived"])
            self.assertEqual(sorted(f["target"]["target-id"] for f in findings),
                             sorted(r["rule"] for r in report["results"] if r["status"] in ("fail", "waived")))
            for o in result["observations"]:
                self.assertEqual(o["methods"], ["TEST"])
                self.assertTrue({s["subject-uuid"] for s in o["subjects"]} <= items)
            for f in findings:
                self.assertEqual(f["target"]["status"]["state"], "not-satisfied")
                self.assertTrue({x["observation-uuid"] for x in f["related-observations"]} <= observations)
            every_uuid = [ar["uuid"], result["uuid"], *items, *observations, *(f["uuid"] for f in findings)]
            self.assertEqual(len(every_uuid), len(set(every_uuid)), "uuids are unique")

    # ---- report render ------------------------------------------------------------

    def test_render_gives_the_bytes_the_scan_wrote(self):
        for name, out, _ in self.each_run():
            for fmt, file in {**FORMATS, "json": "report.json", "text": "report.txt"}.items():
                with self.subTest(run=name, format=fmt):
                    r = labtest.run(["report", "render", out / "report.json", "--format", fmt])
                    self.assertExit(r, labtest.EXIT_OK)
                    self.assertEqual(r.stdout, (out / file).read_text(encoding="utf-8"))
        _, out = self.runs["core"]
        target = self.tmpdir("rendered") / "again.sarif"
        r = labtest.run(["report", "render", out / "report.json", "--format", "sarif", "--out", target])
        self.assertExit(r, labtest.EXIT_OK)
        self.assertEqual(r.stdout, "")
        self.assertEqual(target.read_bytes(), (out / "report.sarif").read_bytes())

    def test_render_refuses_malformed_input_with_a_clear_error(self):
        _, out = self.runs["core"]
        bad = self.tmpdir("malformed")
        cases = {
            "not-json.json": ("{ this is not json", "not valid JSON"),
            "not-a-report.json": ('{"hello": "world"}', "not a conformscan report"),
            "future.json": (json.dumps({**labtest.load_report(out / "report.json"), "schema_version": 99}),
                            "schema_version 99 is not supported"),
            "truncated.json": ((out / "report.json").read_text(encoding="utf-8")[:5000], "not valid JSON"),
        }
        for file, (text, says) in cases.items():
            with self.subTest(file=file):
                path = bad / file
                path.write_text(text, encoding="utf-8")
                r = labtest.run(["report", "render", path, "--format", "csv"])
                self.assertExit(r, labtest.EXIT_USAGE)
                self.assertIn(str(path), r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        for args, says in ((["--format", "pdf"], "--format must be one of text, json, csv, junit, sarif, oscal"),
                           (["--format", "csv", "--lang", "de"], "--lang must be one of en, fr, es, ar, ru, zh")):
            with self.subTest(args=args):
                r = labtest.run(["report", "render", out / "report.json", *args])
                self.assertExit(r, labtest.EXIT_USAGE)
                self.assertIn(says, r.stderr)

    def test_bad_report_formats_are_refused_before_anything_is_sent(self):
        for args, says in ((["--report-formats", "csv,pdf", "--out", self.tmpdir("refused")], "'pdf' is not a report format"),
                           (["--report-formats", "csv"], "--report-formats needs --out")):
            with self.subTest(args=args):
                with labtest.CountingListener([CANARY_PORT]) as listener:
                    r = labtest.run(["scan", "--target", f"127.0.0.1:{CANARY_PORT}", "--profile", X509_REF,
                                     "--timeout", "3", *args])
                self.assertExit(r, labtest.EXIT_USAGE)
                self.assertIn(says, r.stderr)
                self.assertEqual(listener.total(), 0, "nothing may be scanned")
        self.assertFalse((self.tmpdir("refused") / "report.json").exists())


if __name__ == "__main__":
    labtest.main()
