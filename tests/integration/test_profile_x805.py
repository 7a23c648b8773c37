#!/usr/bin/env python3
"""The flagship profile itu-t/x805-baseline against the whole lab, and tailoring on top of it.

One scan of every lab target the lab's inventory lists with the flagship; for
chosen endpoints of each family the exact set of failing rules is asserted and
every other applicable rule must pass. Then the saved facts are re-judged
(`evaluate`, no traffic) with a tailoring file that modifies, drops and adds
rules, and `profiles show --resolved` / `profiles coverage` are read back.

Why each endpoint fails what it fails (the lab's configuration, tests/lab/):
  good          nginx with OpenSSL's default suites: TLS_RSA_* key transport is
                accepted (no forward secrecy, EU-03); no HSTS header (EU-07)
  good-ec       ECDSA certificate: no RSA key transport possible, TLS 1.2/1.3 AEAD
  legacy-versions TLS 1.0 and 1.1 (EU-01), SHA-1 handshake signatures under
                TLS 1.0/1.1 (EU-05), BEAST (TLS 1.0 CBC, EU-06)
  3des          GnuTLS with 3DES-CBC (EU-02), SHA-1 signatures (EU-05), SWEET32 (EU-06)
  dhe-1024      a 1024-bit DHE group (EU-04, Logjam-sized) and SHA-1 signatures (EU-05)
  telnet        telnetd (MGMT-01); ftp-plain: FTP without TLS (MGMT-01, MGMT-03);
  ftp-tls       AUTH TLS offered but not required before USER (MGMT-03)
  snmp-public   v1/v2c community public (MGMT-04, MGMT-05)
  ssh-weak      SHA-1 KEX, ssh-rsa/ssh-dss, CBC, SHA-1/MD5 MACs, RSA 1024 (MGMT-07..10, 12, 13)
  http-plain    200 over plain HTTP with an HSTS header (EU-07 via RFC 6797 §7.2, EU-08)
  lmtp          (starttls part) dovecot LMTP refuses EHLO and answers LHLO: never mistaken for FTP
  ftp           (starttls part) vsftpd with AUTH TLS optional and OpenSSL's default suites;
                its fatal alert to a refused ClientHello is followed by a cleartext 500 OOPS line
"""

import json

import labtest

X805_ID = "itu-t-x805-baseline"
X805_FILE = labtest.SOURCE / "profiles" / "itu-t" / "x805-baseline.yaml"

CERT_RULES = {"X509-VALIDITY-01", "X509-TRUST-01", "X509-HOST-01", "X509-KEY-01", "X509-SIG-01"}
EU_TLS = {"X805-EU-01", "X805-EU-02", "X805-EU-03", "X805-EU-04", "X805-EU-05", "X805-EU-06"}
MGMT_NET = {"X805-MGMT-01"}  # the tcp-probe rule that judges every TCP target
FTP = {"X805-MGMT-03"}  # only where the tcp probe identifies FTP
SSH_RULES = {"X805-MGMT-06", "X805-MGMT-07", "X805-MGMT-08", "X805-MGMT-09", "X805-MGMT-10", "X805-MGMT-11",
             "X805-MGMT-12", "X805-MGMT-13"}
SNMP_RULES = {"X805-MGMT-04", "X805-MGMT-05"}
EXPOSURE = {"X805-EXP-01"}

# endpoint -> (the rules that apply to it, those of them that fail)
TLS_APPLIES = CERT_RULES | EU_TLS | MGMT_NET | EXPOSURE
EXPECTED = {
    "good": (TLS_APPLIES | {"X805-EU-07"}, {"X805-EU-03", "X805-EU-07"}),
    "good-ec": (TLS_APPLIES, set()),
    "tls13-only": (TLS_APPLIES, set()),
    "expired": (TLS_APPLIES, {"X509-VALIDITY-01", "X805-EU-03"}),
    "legacy-versions": (TLS_APPLIES, {"X805-EU-01", "X805-EU-05", "X805-EU-06"}),
    "3des": (TLS_APPLIES, {"X805-EU-02", "X805-EU-05", "X805-EU-06"}),
    "dhe-1024": (TLS_APPLIES, {"X805-EU-04", "X805-EU-05"}),
    "telnet": (MGMT_NET | EXPOSURE, {"X805-MGMT-01"}),
    "ftp-plain": (MGMT_NET | FTP | EXPOSURE, {"X805-MGMT-01", "X805-MGMT-03"}),
    "ftp-tls": (MGMT_NET | FTP | EXPOSURE, {"X805-MGMT-03"}),
    "ftp-tls-req": (MGMT_NET | FTP | EXPOSURE, set()),
    "snmp-public": (SNMP_RULES, SNMP_RULES),
    "snmp-v3only": (SNMP_RULES, set()),
    "ssh-hardened": (SSH_RULES | MGMT_NET | EXPOSURE, set()),
    "ssh-weak": (SSH_RULES | MGMT_NET | EXPOSURE,
                 {"X805-MGMT-07", "X805-MGMT-08", "X805-MGMT-09", "X805-MGMT-10", "X805-MGMT-12",
                  "X805-MGMT-13"}),
    "http-plain": ({"X805-EU-07", "X805-EU-08"} | MGMT_NET | EXPOSURE, {"X805-EU-07", "X805-EU-08"}),
    "http-redirect": ({"X805-EU-07", "X805-EU-08"} | MGMT_NET | EXPOSURE, set()),
    "lmtp": (TLS_APPLIES, set()),                                  # the starttls part's dovecot LMTP
    "ftp": (TLS_APPLIES | FTP, {"X805-EU-03", "X805-MGMT-03"}),    # the starttls part's vsftpd, TLS optional
}

TAILORING = """\
tailoring:
  id: lab-operator
  profile: itu-t-x805-baseline
  title: The lab operator's adjustments
  version: "1"
modify:
  - rule: X805-EU-03
    reason: RSA key transport stays until the payment terminals are replaced (ticket CHG-1).
    severity: low
  - rule: X805-EU-04
    reason: Our policy asks for 3072-bit DHE groups.
    with: {min_dh_bits: 3072}
drop:
  - rule: X805-EU-07
    reason: HSTS is set by the load balancer in front of these hosts.
add:
  - id: LAB-OP-01
    title: TLS 1.3 is offered
    severity: info
    check: tls.protocol_versions
    with: {required: [TLSv1.3]}
    references: [{document: Lab operator policy, clause: "3.2"}]
    guideline: {summary: Enable TLS 1.3., nginx: "ssl_protocols TLSv1.2 TLSv1.3;"}
"""


class ProfileX805Test(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.where = {}
        for e in cls.lab.description["endpoints"]:
            cls.where[e["name"]] = f"{e['host']}:{e['port']}"
        for part in cls.lab.description.get("parts", {}).values():
            for e in part:
                cls.where.setdefault(e["name"], f"{e['host']}:{e['port']}")
        cls.result, cls.report = cls.scan("x805", "--targets", cls.lab.dir / "inventory.yaml", "--profile",
                                          X805_FILE, "--ca-file", cls.lab.ca_file)
        print(f"\nx805-baseline over the lab inventory: {cls.result.seconds:.1f} s, exit {cls.result.returncode}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def target(self, name):
        if name not in self.where:
            self.skipTest(f"lab endpoint {name} is not running")
        return self.where[name]

    def test_the_scan_completes_with_failures(self):
        self.assertExit(self.result, labtest.EXIT_FAIL)
        self.assertEqual([p["id"] for p in self.report["profiles"]], [X805_ID])
        self.assertEqual(self.report["profiles"][0]["rules"], 28)

    def test_each_endpoint_fails_exactly_what_it_should(self):
        for name, (applies, fails) in EXPECTED.items():
            with self.subTest(endpoint=name):
                target = self.target(name)
                got = labtest.statuses(self.report, target, X805_ID)
                expected = {rule: "not_applicable" for rule in got}
                expected.update({rule: ("fail" if rule in fails else "pass") for rule in applies})
                self.assertStatuses(self.report, target, expected, X805_ID)

    def test_unreachable_endpoints_are_errors_never_failures(self):
        for name in ("blackhole", "closed"):
            with self.subTest(endpoint=name):
                got = labtest.statuses(self.report, self.target(name), X805_ID)
                self.assertNotIn("fail", got.values(), got)
                self.assertEqual({r for r, s in got.items() if s == "error"}, CERT_RULES | EU_TLS)

    def test_every_result_cites_x805_x1039_and_x1051(self):
        for r in self.report["results"]:
            if not r["rule"].startswith("X805-"):
                continue
            docs = {(ref["document"], ref["clause"]) for ref in r["references"]}
            with self.subTest(rule=r["rule"]):
                self.assertTrue(any(d == "ITU-T X.805" and c.startswith("6.") for d, c in docs), docs)
                self.assertTrue(any(d == "ITU-T X.805" and c.startswith("7.") for d, c in docs), docs)
                self.assertTrue(any(d == "ITU-T X.805" and c.startswith("8.") for d, c in docs), docs)
                self.assertTrue(any(d == "ITU-T X.1039" for d, _ in docs), docs)
                self.assertTrue(any(d == "ITU-T X.1051" for d, _ in docs), docs)
                self.assertTrue(r["dimension"] and r["layer"] and r["plane"])
                self.assertTrue(r["guideline"]["summary"])

    def test_management_rules_give_the_fix_for_network_gear(self):
        for r in self.report["results"]:
            if r.get("plane") == "management" and r["rule"].startswith("X805-"):
                with self.subTest(rule=r["rule"]):
                    self.assertTrue({"cisco_ios", "junos", "routeros", "huawei_vrp"} <= set(r["guideline"]),
                                    sorted(r["guideline"]))

    def test_a_tailoring_file_modifies_drops_and_adds_rules(self):
        d = self.tmpdir("tailoring")
        tailoring = d / "lab-operator.yaml"
        tailoring.write_text(TAILORING, encoding="utf-8")
        out = d / "out"
        run = labtest.run(["evaluate", "--facts", self.tmpdir("x805") / "report.json", "--profile", X805_FILE,
                           "--tailoring", tailoring, "--out", out])
        self.assertIn(run.returncode, (labtest.EXIT_OK, labtest.EXIT_FAIL), run.describe())
        report = labtest.load_report(out / "report.json")
        profile = report["profiles"][0]
        self.assertEqual(profile["tailoring"]["id"], "lab-operator")
        self.assertEqual(profile["tailoring"]["sha256"], labtest.sha256_file(tailoring))
        self.assertEqual(profile["tailoring"]["dropped"][0]["rule"], "X805-EU-07")
        self.assertEqual(profile["tailoring"]["added"], ["LAB-OP-01"])
        rules = {r["rule"] for r in report["results"]}
        self.assertNotIn("X805-EU-07", rules)
        good = self.target("good")
        by_rule = {r["rule"]: r for r in report["results"] if r["target"] == good}
        self.assertEqual(by_rule["X805-EU-03"]["severity"], "low")
        self.assertEqual(by_rule["X805-EU-03"]["status"], "fail")
        self.assertEqual(by_rule["X805-EU-03"]["tailored"]["action"], "modified")
        self.assertIn("CHG-1", by_rule["X805-EU-03"]["tailored"]["reason"])
        self.assertEqual(by_rule["LAB-OP-01"]["tailored"]["action"], "added")
        self.assertEqual(by_rule["LAB-OP-01"]["status"], "pass")  # good offers TLS 1.3
        self.assertNotIn("tailored", by_rule["X509-TRUST-01"])
        dhe = self.target("dhe-1024")
        by_rule = {r["rule"]: r for r in report["results"] if r["target"] == dhe}
        self.assertEqual(by_rule["X805-EU-04"]["tailored"]["changes"], ["min_dh_bits: 2048 -> 3072"])

    def test_a_tailoring_error_is_refused_before_scanning_with_its_position(self):
        bad = self.tmpdir("bad-tailoring") / "bad.yaml"
        bad.write_text(TAILORING.replace("rule: X805-EU-07", "rule: X805-EU-99"), encoding="utf-8")
        run = labtest.run(["scan", "--target", self.target("good"), "--profile", X805_FILE, "--tailoring", bad])
        self.assertEqual(run.returncode, labtest.EXIT_USAGE, run.describe())
        self.assertIn(f"{bad}:14:11", run.stderr)
        self.assertIn("has no rule 'X805-EU-99'", run.stderr)

    def test_profiles_show_resolved_and_coverage(self):
        d = self.tmpdir("show")
        tailoring = d / "t.yaml"
        tailoring.write_text(TAILORING, encoding="utf-8")
        run = labtest.run(["profiles", "show", X805_ID, "--resolved", "--format", "json", "--tailoring", tailoring])
        self.assertEqual(run.returncode, 0, run.describe())
        resolved = json.loads(run.stdout)
        ids = [r["id"] for r in resolved["rules"]]
        self.assertEqual(len(ids), 28)  # 28 - EU-07 + LAB-OP-01
        self.assertNotIn("X805-EU-07", ids)
        self.assertIn("X509-TRUST-01", ids)      # from itu-t/x509-certificates, through extends
        self.assertNotIn("X509-LIFE-01", ids)    # excluded by the flagship
        self.assertEqual(ids[-1], "LAB-OP-01")
        run = labtest.run(["profiles", "coverage", X805_ID, "--document", "ITU-T X.805", "--format", "json"])
        self.assertEqual(run.returncode, 0, run.describe())
        doc = json.loads(run.stdout)["documents"][0]
        self.assertTrue(doc["catalogued"])
        clauses = {c["clause"]: c["rules"] for c in doc["clauses"]}
        self.assertIn("X805-MGMT-01", clauses["8.1"])
        self.assertIn("X805-EU-01", clauses["8.3"])
        self.assertEqual(clauses["6.8"], [], "no rule checks the privacy dimension")
        self.assertEqual(clauses["6.3"], [], "nor non-repudiation")
        text = labtest.run(["profiles", "coverage", X805_ID, "--document", "ITU-T X.805"])
        self.assertIn("NOT CHECKED", text.stdout)


if __name__ == "__main__":
    labtest.main()
