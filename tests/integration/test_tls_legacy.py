#!/usr/bin/env python3
"""The wire-level TLS probes and legacy rules against the lab part "legacy".

No Debian 12 package serves SSLv2, SSLv3, export, single DES, IDEA, SEED,
RC4-only setups or TLS compression, and openssl s_client 3.0 cannot speak
most of them, so these endpoints are served by the recorded-response test
server (tests/lab/legacy_tls_server.py, profiles in its PROFILES table) and
the expectations come from its configuration as endpoints.json records it
("configured": versions, suites per version by IANA name and code point in
server order, SSLv2 kinds, compression, extensions). The lab's verify step
has already checked, with an independent hello per version, that each
endpoint answers as configured.

One scan of the legacy endpoints (and of the core lab's good endpoint when
the core lab runs in the same directory) with
tests/integration/profiles/tls-legacy.yaml, then:
  * tls_versions accepts exactly the configured versions (SSLv2 included);
  * tls_suites lists exactly the configured suites per version, in the
    server's order, and calls the order the server's;
  * SSLv2 cipher kinds, where tls_suites reports SSLv2 at all, equal the
    configured kinds;
  * tls_features sees DEFLATE exactly where it is configured, and
    renegotiation_info exactly where configured;
  * every rule's status follows from the configuration and the IANA table's
    properties (checks/tls/wire/cipher_suite_table.inc), and the good
    endpoint passes every rule.
"""

import json
import re

import labtest

PROFILE = labtest.TEST_PROFILES / "tls-legacy.yaml"
PROFILE_ID = "lab-tls-legacy"
RULES = ("LEGACY-VERSIONS", "LEGACY-SUITES", "LEGACY-COMPRESSION", "LEGACY-RENEGOTIATION")
FORBIDDEN_VERSIONS = {"SSLv2", "SSLv3"}
FORBIDDEN_PROPERTIES = ("export", "rc4", "des", "idea", "seed")
TLS_ORDER = ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
SUITE_TABLE = labtest.SOURCE / "checks" / "tls" / "wire" / "cipher_suite_table.inc"
IANA_TABLES = labtest.SOURCE / "checks" / "tls" / "wire" / "iana_tables.cpp"


def iana_suites():
    """{code: (IANA name, cipher column, export flag)} from the scanner's IANA table."""
    rows = {}
    pattern = re.compile(r'^\s*\{0x([0-9A-Fa-f]{4}), "([^"]+)", "[^"]*", "[^"]*", "[^"]*", "([^"]*)", \d+, '
                         r'"[^"]*", "[^"]*", (?:true|false), (?:true|false), (true|false),')
    for line in SUITE_TABLE.read_text(encoding="utf-8").splitlines():
        m = pattern.match(line)
        if m:
            rows[int(m.group(1), 16)] = (m.group(2), m.group(3), m.group(4) == "true")
    return rows


def iana_sslv2_kinds():
    """{code: name} of the SSLv2 cipher kinds in the scanner's table."""
    text = IANA_TABLES.read_text(encoding="utf-8")
    return {int(c, 16): n for c, n in re.findall(r'\{0x([0-9A-Fa-f]{6}), "(SSL_CK_[A-Z0-9_]+)"', text)}


def properties(code, table):
    """The forbidden properties (of FORBIDDEN_PROPERTIES) of a TLS suite or SSLv2 kind."""
    if code > 0xFFFF:
        name = iana_sslv2_kinds()[code]
        found = {"export": "EXPORT40" in name, "rc4": "_RC4_" in name, "des": "_DES_64_" in name,
                 "idea": "_IDEA_" in name, "seed": False}
    else:
        _, cipher, export = table[code]
        found = {"export": export, "rc4": cipher.startswith("RC4"),
                 "des": "DES" in cipher and not cipher.startswith("3DES"),
                 "idea": cipher.startswith("IDEA"), "seed": cipher.startswith("SEED")}
    return {p for p, holds in found.items() if holds}


def code_of(text):
    return int(text, 16)


class TlsLegacyTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legacy = cls.lab.part("legacy")
        cls.table = iana_suites()
        cls.with_good = "good" in cls.lab.endpoints
        targets = [(n, e) for n, e in cls.legacy.items()]
        if cls.with_good:
            targets.append(("good", cls.lab.endpoint("good")))
        inventory = cls.tmpdir("inventory") / "legacy.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in targets:
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, service: tls, sni: {e['sni']}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.result, cls.report = cls.scan("legacy", "--targets", inventory, "--profile", PROFILE,
                                          "--ca-file", cls.lab.ca_file)
        print(f"\nscan of {len(targets)} endpoints with {PROFILE.name}: {cls.result.seconds:.1f} s wall time, "
              f"exit code {cls.result.returncode}" + ("" if cls.with_good else " (core lab not running: no good endpoint)"))
        if cls.report:
            for name, e in targets:
                target = f"{e['host']}:{e['port']}"
                counts = []
                for probe in ("tls_versions", "tls_suites", "tls_features"):
                    record = labtest_facts(cls.report, target, probe) or {}
                    counts.append(f"{probe}={record.get('status', 'absent')}/"
                                  f"{(record.get('data') or {}).get('connections')}")
                print(f"  {name:19} {' '.join(counts)}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    @staticmethod
    def address(e):
        return f"{e['host']}:{e['port']}"

    def data(self, e, probe):
        record = labtest_facts(self.report, self.address(e), probe)
        self.assertIsNotNone(record, f"{e['name']}: no {probe} facts")
        self.assertEqual(record["status"], "ok", f"{e['name']}: {probe}: {record}")
        return record["data"]

    # ---- the configuration itself -------------------------------------------------

    def test_configuration_uses_the_scanner_table_names(self):
        kinds = iana_sslv2_kinds()
        for name, e in self.legacy.items():
            c = e["configured"]
            with self.subTest(endpoint=name):
                self.assertEqual(e["server"], "legacy_tls_server.py (recorded-response test server)")
                self.assertTrue(c["versions"], c)
                for version, suites in c["suites"].items():
                    self.assertIn(version, c["versions"])
                    for s in suites:
                        self.assertEqual(self.table[code_of(s["code"])][0], s["name"], f"{version} {s}")
                for k in c["sslv2_kinds"]:
                    self.assertEqual(kinds[code_of(k["code"])], k["name"], k)
                self.assertEqual(bool(c["sslv2_kinds"]), "SSLv2" in c["versions"])

    def test_the_lab_covers_what_no_package_serves(self):
        # The reason this part exists: each legacy feature is configured somewhere.
        configured = [e["configured"] for e in self.legacy.values()]
        versions = {v for c in configured for v in c["versions"]}
        self.assertTrue({"SSLv2", "SSLv3", "TLSv1"} <= versions, versions)
        found = set()
        for c in configured:
            for suites in c["suites"].values():
                for s in suites:
                    found |= properties(code_of(s["code"]), self.table)
        self.assertEqual(found, set(FORBIDDEN_PROPERTIES))
        self.assertTrue(any(c["compression"] for c in configured))
        self.assertTrue(any("renegotiation_info" not in c["extensions"] and "TLSv1.2" in c["versions"]
                            for c in configured))

    # ---- facts --------------------------------------------------------------------

    def test_versions_equal_the_configuration(self):
        for name, e in self.legacy.items():
            with self.subTest(endpoint=name):
                data = self.data(e, "tls_versions")
                configured = set(e["configured"]["versions"])
                self.assertEqual(set(data["accepted"]), configured,
                                 f"{name}: protocols {json.dumps(data.get('protocols'), indent=1)}")
                for p in data["protocols"]:
                    self.assertEqual(p["accepted"], p["version"] in configured, f"{name}: {p}")
                self.assertEqual(data["highest"], max(configured, key=("SSLv2", *TLS_ORDER).index))

    def test_suites_equal_the_configuration(self):
        for name, e in self.legacy.items():
            configured = e["configured"]["suites"]
            with self.subTest(endpoint=name):
                data = self.data(e, "tls_suites")
                per_version = {v["version"]: v for v in data["per_version"] if v["version"] != "SSLv2"}
                self.assertEqual(set(per_version), set(configured), f"{name}: versions enumerated")
                for version, suites in configured.items():
                    v = per_version[version]
                    got = [(s["name"], s["code"]) for s in v["suites"]]
                    want = [(s["name"], s["code"]) for s in suites]
                    # In the server's order: the removal method sees the choices in that order.
                    self.assertEqual(got, want, f"{name} {version}")
                    self.assertTrue(v["complete"], f"{name} {version}: {v.get('note')}")
                    if len(want) > 1:
                        self.assertEqual(v["preference"], "server", f"{name} {version}")

    def sslv2_suite_entry(self, e):
        data = self.data(e, "tls_suites")
        return next((v for v in data["per_version"] if v["version"] == "SSLv2"), None)

    def test_sslv2_kinds_equal_the_configuration(self):
        sslv2 = [e for e in self.legacy.values() if "SSLv2" in e["configured"]["versions"]]
        self.assertTrue(sslv2, "the legacy part has an SSLv2 endpoint")
        entries = {e["name"]: self.sslv2_suite_entry(e) for e in sslv2}
        if not any(entries.values()):
            self.skipTest("this scanner's tls_suites facts list no SSLv2 cipher kinds; SSLv2 is asserted "
                          "through tls_versions (test_versions_equal_the_configuration) only")
        for e in sslv2:
            with self.subTest(endpoint=e["name"]):
                entry = entries[e["name"]]
                self.assertIsNotNone(entry, f"{e['name']}: tls_suites lists no SSLv2 entry")
                got = sorted((s["name"], code_of(s["code"])) for s in entry["suites"])
                want = sorted((k["name"], code_of(k["code"])) for k in e["configured"]["sslv2_kinds"])
                self.assertEqual(got, want)

    def test_compression_and_renegotiation_info(self):
        for name, e in self.legacy.items():
            c = e["configured"]
            with self.subTest(endpoint=name):
                data = self.data(e, "tls_features")
                self.assertEqual(data["compression"], c["compression"], f"{name}: {data.get('hellos')}")
                tls_versions = [v for v in c["versions"] if v not in ("SSLv2", "SSLv3")]
                if tls_versions:
                    self.assertEqual(data["probed_version"], max(tls_versions, key=TLS_ORDER.index))
                    self.assertEqual(data["secure_renegotiation"], "renegotiation_info" in c["extensions"])
                    self.assertEqual(data["extended_master_secret"], "extended_master_secret" in c["extensions"])
                    self.assertEqual(data["session_ticket"], "session_ticket" in c["extensions"])
                    self.assertFalse(data["heartbeat"])
                else:
                    self.assertEqual(data["probed_version"], "SSLv3")
                    self.assertIn("secure_renegotiation", data["not_applicable"])

    def test_compression_observed_on_the_compression_endpoint(self):
        # The brief's anchor: CRIME is visible where it is configured.
        e = self.legacy["legacy-compression"]
        self.assertEqual(self.data(e, "tls_features")["compression"], ["deflate"])

    def test_connections_are_bounded(self):
        for name, e in self.legacy.items():
            with self.subTest(endpoint=name):
                versions = self.data(e, "tls_versions")
                suites = self.data(e, "tls_suites")
                accepted = sum(len(v["suites"]) for v in suites["per_version"])
                # Removal method: accepted suites + one refusal + one order check per version.
                self.assertLessEqual(suites["connections"], accepted + 2 * len(suites["per_version"]),
                                     f"{name}: {suites['connections']} connections for {accepted} suites")
                self.assertLessEqual(versions["connections"], 12, name)

    # ---- rules --------------------------------------------------------------------

    def expected_statuses(self, e):
        c = e["configured"]
        codes = [code_of(s["code"]) for suites in c["suites"].values() for s in suites]
        codes += [code_of(k["code"]) for k in c["sslv2_kinds"]]
        weak = any(properties(code, self.table) for code in codes)
        tls = [v for v in c["versions"] if v not in ("SSLv2", "SSLv3")]
        if not tls:
            reneg = "not_applicable"
        else:
            reneg = "pass" if "renegotiation_info" in c["extensions"] else "fail"
        return {
            "LEGACY-VERSIONS": "fail" if FORBIDDEN_VERSIONS & set(c["versions"]) else "pass",
            "LEGACY-SUITES": "fail" if weak else "pass",
            "LEGACY-COMPRESSION": "fail" if c["compression"] else "pass",
            "LEGACY-RENEGOTIATION": reneg,
        }

    def test_rules_follow_the_configuration(self):
        for name, e in self.legacy.items():
            with self.subTest(endpoint=name):
                self.assertStatuses(self.report, self.address(e), self.expected_statuses(e), PROFILE_ID)

    def test_the_brief_examples(self):
        def status(name, rule):
            return labtest.statuses(self.report, self.address(self.legacy[name]), PROFILE_ID)[rule]

        self.assertEqual(status("legacy-sslv2", "LEGACY-VERSIONS"), "fail")
        self.assertEqual(status("legacy-sslv3", "LEGACY-VERSIONS"), "fail")
        self.assertEqual(status("legacy-export", "LEGACY-SUITES"), "fail")
        self.assertEqual(status("legacy-rc4", "LEGACY-SUITES"), "fail")
        self.assertEqual(status("legacy-rc4", "LEGACY-RENEGOTIATION"), "fail")
        self.assertEqual(status("legacy-compression", "LEGACY-COMPRESSION"), "fail")
        self.assertEqual(status("legacy-compression", "LEGACY-SUITES"), "pass")

    def test_suite_failures_name_the_offending_suites(self):
        index = labtest.results_by(self.report)
        for name, e in self.legacy.items():
            bad = [s for suites in e["configured"]["suites"].values() for s in suites
                   if properties(code_of(s["code"]), self.table)]
            if not bad:
                continue
            with self.subTest(endpoint=name):
                r = index[(self.address(e), "LEGACY-SUITES")]
                offending = {(o["name"], o["code"]) for o in r["evidence"]["observed"]["offending"]}
                self.assertTrue({(s["name"], s["code"]) for s in bad} <= offending,
                                f"{name}: evidence {json.dumps(r['evidence'])}")

    def test_good_endpoint_passes(self):
        if not self.with_good:
            self.skipTest("the core lab is not running in this lab directory (start it with LAB_ONLY=\"core legacy\")")
        self.assertStatuses(self.report, self.lab.address("good"), {rule: "pass" for rule in RULES}, PROFILE_ID)

    def test_exit_code_is_1(self):
        self.assertExit(self.result, labtest.EXIT_FAIL)


def labtest_facts(report, target_id, probe):
    """The record of PROBE for TARGET_ID in REPORT, or None."""
    for t in report["targets"]:
        if t["id"] == target_id:
            return t.get("facts", {}).get(probe)
    raise AssertionError(f"no target {target_id} in the report")


if __name__ == "__main__":
    labtest.main()
