#!/usr/bin/env python3
"""The tls_vulns probe and tls.vulnerability against the lab.

Three kinds of endpoint, three sources of expectations:

* the core lab's real servers (nginx on OpenSSL 3.0, lighttpd on GnuTLS 3.7):
  what openssl s_client / gnutls-cli observe decides the derived verdicts
    TLSv1 handshake with a CBC-only cipher list     -> beast vulnerable
    gnutls-cli with 3DES-CBC only                   -> sweet32 vulnerable
    "Server Temp Key: DH, N bits" with kDHE         -> logjam evidence names N bits
    "Secure Renegotiation IS supported"             -> insecure_renegotiation not_vulnerable
    "Compression: NONE"                             -> crime not_vulnerable
    a handshake with kRSA only                      -> robot is tested (not_vulnerable), else not_applicable
    "TLS session ticket lifetime hint"              -> ticketbleed is tested (not_vulnerable), else not_applicable
  and every active test is not_vulnerable or not_applicable (no Debian 12
  library has these flaws; OpenSSL 3 and GnuTLS never negotiate heartbeat, so
  Heartbleed is not_applicable). SSLv2, SSLv3, export and RC4 are absent from
  these libraries (LAB-NOTES), so poodle, drown, freak and rc4 are not_vulnerable.
* the "vulns" part (tests/lab/parts/vulns.sh, a recorded-response test
  server): each endpoint's "vulnerable" list, from the part's configuration, is
  exactly what must be found vulnerable, with evidence; the others among the
  active tests are not_vulnerable or not_applicable.
* the "legacy" part (tests/lab/parts/legacy.sh), when started: the derived
  verdicts follow from each endpoint's "configured" versions, suites and
  compression.
"""

import re
import unittest

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-vulns.yaml"
PROFILE_ID = "lab-tls-vulns"
CORE = ("good", "legacy-versions", "cbc-only", "static-rsa", "3des", "dhe-1024")
ACTIVE = ("heartbleed", "ccs_injection", "robot", "ticketbleed")
DERIVED = ("poodle", "sweet32", "freak", "logjam", "drown", "crime", "beast", "rc4", "insecure_renegotiation")
RULE_OF = {"heartbleed": "LAB-VULN-HEARTBLEED", "ccs_injection": "LAB-VULN-CCS", "robot": "LAB-VULN-ROBOT",
           "ticketbleed": "LAB-VULN-TICKETBLEED"}
CBC_ONLY = "ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIA:!RC4:@SECLEVEL=0"
STATUSES = {"vulnerable", "not_vulnerable", "inconclusive", "not_applicable"}


def observe_core(e):
    """What openssl s_client and gnutls-cli see of a core endpoint."""
    host, port, sni = e["host"], e["port"], e["sni"]
    seen = {"versions": {v for v, ok in tlsderive.observe_versions(host, port, sni).items() if ok}}
    if "TLSv1" in seen["versions"]:
        seen["tls1_cbc"] = tlsderive.s_client(host, port, sni, "-tls1", "-cipher", CBC_ONLY).ok
    else:
        seen["tls1_cbc"] = False
    tls12 = tlsderive.s_client(host, port, sni, "-tls1_2", "-cipher", tlsderive.LEVEL0)
    seen["tls12"] = tls12.output if tls12.ok else ""
    seen["static_rsa"] = tlsderive.s_client(host, port, sni, "-tls1_2", "-cipher", "kRSA:@SECLEVEL=0").ok
    dhe = tlsderive.s_client(host, port, sni, "-tls1_2", "-cipher", "kDHE:@SECLEVEL=0")
    m = re.search(r"^Server Temp Key: DH, (\d+) bits", dhe.output, re.M) if dhe.ok else None
    seen["dh_bits"] = int(m.group(1)) if m else 0
    seen["3des"] = False
    if tlsderive.gnutls_cli_available():
        d = tlsderive.gnutls_cli(host, port, sni, "NONE:+VERS-TLS1.2:+3DES-CBC:+ECDHE-RSA:+RSA:+SHA1:"
                                                  "+COMP-NULL:+SIGN-ALL:+GROUP-ALL:+CTYPE-X509")
        seen["3des"] = d is not None and "3DES" in d
    return seen


def expected_core(seen):
    """{vulnerability: status} that the observations imply."""
    out = {name: "not_vulnerable" for name in DERIVED}
    out["beast"] = "vulnerable" if seen["tls1_cbc"] else "not_vulnerable"
    out["sweet32"] = "vulnerable" if seen["3des"] else "not_vulnerable"
    if seen["tls12"] and "Secure Renegotiation IS supported" not in seen["tls12"]:
        out["insecure_renegotiation"] = "vulnerable"
    if seen["tls12"] and not re.search(r"^Compression: NONE", seen["tls12"], re.M):
        out["crime"] = "vulnerable"
    out["heartbleed"] = "not_applicable"
    out["ccs_injection"] = "not_vulnerable"
    out["robot"] = "not_vulnerable" if seen["static_rsa"] else "not_applicable"
    out["ticketbleed"] = "not_vulnerable" if "TLS session ticket lifetime hint" in seen["tls12"] else "not_applicable"
    return out


def expected_legacy(configured):
    """The derived verdicts a legacy endpoint's configuration implies (only the decided ones)."""
    versions = set(configured["versions"])
    suites = {v: [s["name"] for s in lst] for v, lst in configured.get("suites", {}).items()}
    every = [n for lst in suites.values() for n in lst]
    cbc = lambda names: any("_CBC_" in n for n in names)  # noqa: E731
    out = {
        "drown": "vulnerable" if "SSLv2" in versions else "not_vulnerable",
        "freak": "vulnerable" if any("_RSA_EXPORT_" in n for n in every) else "not_vulnerable",
        "logjam": "vulnerable" if any(re.search(r"_DHE_(RSA|DSS)_EXPORT_", n) for n in every) else "not_vulnerable",
        "rc4": "vulnerable" if any("_RC4_" in n for n in every) else "not_vulnerable",
        "sweet32": "vulnerable" if any(re.search(r"_(3DES_EDE|DES|DES40|IDEA|RC2)_CBC", n) for n in every)
        else "not_vulnerable",
        "crime": "vulnerable" if configured.get("compression") else "not_vulnerable",
        "beast": "vulnerable" if cbc(suites.get("SSLv3", []) + suites.get("TLSv1", [])) else "not_vulnerable",
    }
    if "SSLv3" in versions:
        out["poodle"] = "vulnerable" if cbc(suites.get("SSLv3", [])) else "not_vulnerable"
    else:
        out["poodle"] = "not_vulnerable"
    if versions & {"TLSv1", "TLSv1.1", "TLSv1.2"}:
        out["insecure_renegotiation"] = ("not_vulnerable" if "renegotiation_info" in configured.get("extensions", [])
                                         else "vulnerable")
    return out


def write_inventory(path, endpoints):
    lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
    for e in endpoints:
        lines.append(f"  - {{name: {e['name']}, host: {e['host']}, port: {e['port']}, service: tls, "
                     f"sni: {e['sni']}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def optional_part(lab, name):
    try:
        return lab.part(name)
    except unittest.SkipTest:
        return {}


class TlsVulnsTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.core = {n: cls.lab.endpoint(n) for n in CORE if n in cls.lab.endpoints}
        cls.vulns = optional_part(cls.lab, "vulns")
        cls.legacy = optional_part(cls.lab, "legacy")
        cls.seen = {n: observe_core(e) for n, e in cls.core.items()}
        endpoints = list(cls.core.values()) + list(cls.vulns.values()) + list(cls.legacy.values())
        inventory = write_inventory(cls.tmpdir("inv") / "inventory.yaml", endpoints)
        cls.result, cls.report = cls.scan("tls-vulns", "--targets", inventory, "--profile", PROFILE,
                                          "--ca-file", cls.lab.ca_file, timeout="3")
        print(f"\nscan with {PROFILE.name}: {cls.result.seconds:.1f} s, exit {cls.result.returncode}")
        if cls.report:
            for e in endpoints:
                rec = tlsderive.facts(cls.report, f"{e['host']}:{e['port']}", "tls_vulns") or {}
                d = rec.get("data") or {}
                vulnerable = [n for n, v in (d.get("vulnerabilities") or {}).items() if v["status"] == "vulnerable"]
                print(f"  {e['name']:18} {rec.get('status', 'absent'):6} connections={d.get('connections')} "
                      f"vulnerable={vulnerable}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def verdicts(self, e):
        rec = tlsderive.facts(self.report, f"{e['host']}:{e['port']}", "tls_vulns")
        self.assertIsNotNone(rec, f"{e['name']}: no tls_vulns facts")
        self.assertEqual(rec["status"], "ok", f"{e['name']}: {rec}")
        return rec["data"]["vulnerabilities"]

    def assertVerdicts(self, e, expected):
        got = self.verdicts(e)
        for name, want in expected.items():
            v = got.get(name)
            self.assertIsNotNone(v, f"{e['name']}: no verdict for {name}")
            self.assertEqual(v["status"], want, f"{e['name']}: {name}: {v['evidence']}")

    def test_every_verdict_is_well_formed(self):
        for e in list(self.core.values()) + list(self.vulns.values()) + list(self.legacy.values()):
            with self.subTest(endpoint=e["name"]):
                got = self.verdicts(e)
                self.assertEqual(set(got), set(DERIVED) | set(ACTIVE))
                for name, v in got.items():
                    self.assertIn(v["status"], STATUSES, name)
                    self.assertTrue(v["evidence"], f"{name}: no evidence")
                    self.assertTrue(all(c.startswith("CVE-") for c in v["cve"]) and v["cve"], name)
                    if name in DERIVED:
                        # CRIME asks once more when SSLv3 is the highest version (its feature hellos
                        # offer no DEFLATE); every other derived verdict costs nothing.
                        self.assertLessEqual(v["connections"], 1 if name == "crime" else 0, name)

    def test_core_servers_as_the_clients_saw_them(self):
        self.assertTrue(self.core, "no core endpoints in the lab")
        for name, e in self.core.items():
            with self.subTest(endpoint=name):
                self.assertVerdicts(e, expected_core(self.seen[name]))

    def test_core_anchors(self):
        # Pinned, so that a lab change cannot quietly change what is tested.
        self.assertTrue(self.seen["legacy-versions"]["tls1_cbc"])
        self.assertTrue(self.seen["static-rsa"]["static_rsa"])
        self.assertEqual(self.seen["dhe-1024"]["dh_bits"], 1024)
        if tlsderive.gnutls_cli_available():
            self.assertTrue(self.seen["3des"]["3des"])
            self.assertEqual(self.verdicts(self.core["3des"])["sweet32"]["status"], "vulnerable")
        self.assertEqual(self.verdicts(self.core["legacy-versions"])["beast"]["status"], "vulnerable")
        logjam = self.verdicts(self.core["dhe-1024"])["logjam"]
        self.assertEqual(logjam["status"], "not_vulnerable")
        self.assertIn("1024-bit prime", logjam["evidence"])
        robot = self.verdicts(self.core["static-rsa"])["robot"]
        self.assertEqual(len(robot["details"]), 5, robot)
        # The suite enumeration sends one padding variant after each TLS_RSA pick;
        # tls_vulns sends the rest of the five on connections of its own.
        along = self.robot_round(self.core["static-rsa"])
        self.assertEqual(along["version"], "TLSv1.2")
        self.assertGreaterEqual(len(along["reactions"]), 1, along)
        self.assertEqual(robot["connections"] + len(along["reactions"]), 5, robot)
        self.assertIn("on the suite enumeration's connections", robot["evidence"])

    def robot_round(self, e):
        rec = tlsderive.facts(self.report, f"{e['host']}:{e['port']}", "tls_suites")
        self.assertIsNotNone(rec, f"{e['name']}: no tls_suites facts")
        return rec["data"]["robot_round"]

    def test_vulnerable_endpoints_are_found_with_evidence(self):
        if not self.vulns:
            self.skipTest("lab part vulns not started")
        evidence = {"heartbleed": r"\d+ bytes of server memory leaked", "ccs_injection": r"bad_record_mac \(20\)",
                    "robot": r"RSA padding oracle \(strong", "ticketbleed": r"16 bytes of server memory"}
        for name, e in self.vulns.items():
            with self.subTest(endpoint=name):
                got = self.verdicts(e)
                for vuln in ACTIVE:
                    v = got[vuln]
                    if vuln in e["vulnerable"]:
                        self.assertEqual(v["status"], "vulnerable", f"{name}: {vuln}: {v['evidence']}")
                        self.assertRegex(v["evidence"], evidence[vuln])
                    else:
                        self.assertIn(v["status"], ("not_vulnerable", "not_applicable"),
                                      f"{name}: {vuln}: {v['evidence']}")
                if "robot" in e["vulnerable"]:
                    self.assertEqual(len(got["robot"]["details"]), 5)
                    self.assertEqual(got["robot"]["connections"], 10)

    def test_patched_models_take_the_negative_paths(self):
        if not self.vulns:
            self.skipTest("lab part vulns not started")
        # vuln-ccs echoes heartbeat and discards the malformed request (RFC 6520 §4).
        hb = self.verdicts(self.vulns["vuln-ccs"])["heartbleed"]
        self.assertEqual(hb["status"], "not_vulnerable")
        self.assertIn("RFC 6520", hb["evidence"])
        # vuln-heartbleed rejects the early CCS and has no ROBOT oracle.
        v = self.verdicts(self.vulns["vuln-heartbleed"])
        self.assertIn("unexpected_message (10)", v["ccs_injection"]["evidence"])
        self.assertEqual(v["robot"]["status"], "not_vulnerable")
        tb = self.verdicts(self.vulns["vuln-patched"])["ticketbleed"]
        self.assertEqual(tb["status"], "not_vulnerable", tb["evidence"])

    def test_rules_fail_exactly_where_vulnerable(self):
        for e in list(self.core.values()) + list(self.vulns.values()):
            with self.subTest(endpoint=e["name"]):
                got = self.verdicts(e)
                expected = {}
                derived = [got[n]["status"] for n in DERIVED]
                expected["LAB-VULN-DERIVED"] = ("fail" if "vulnerable" in derived else
                                                "error" if "inconclusive" in derived else "pass")
                for vuln, rule in RULE_OF.items():
                    status = got[vuln]["status"]
                    expected[rule] = {"vulnerable": "fail", "not_vulnerable": "pass", "not_applicable":
                                      "not_applicable", "inconclusive": "pass" if vuln == "ticketbleed"
                                      else "error"}[status]
                self.assertStatuses(self.report, f"{e['host']}:{e['port']}", expected, PROFILE_ID)
                fails = [r for r in self.report["results"]
                         if r["target"] == f"{e['host']}:{e['port']}" and r["status"] == "fail"]
                for r in fails:
                    self.assertIn("CVE-", r["message"], r)

    def test_legacy_configurations(self):
        if not self.legacy:
            self.skipTest("lab part legacy not started")
        for name, e in self.legacy.items():
            with self.subTest(endpoint=name):
                self.assertVerdicts(e, expected_legacy(e["configured"]))


if __name__ == "__main__":
    labtest.main()
