#!/usr/bin/env python3
"""The NIST SP 800-52r2 profiles (base, government, public-facing) and the
BSI TR-02102-2 profile, on the real binary against the lab.

One scan judges a chosen set of lab endpoints with the four profiles at once;
for each endpoint the test asserts the exact set of failing rules per profile
("and no other rule"), and passes where the endpoint meets a rule. The dated
rules are judged on both sides of their dates: `scan --as-of` for the
government profile's TLS 1.3 requirement (2024-01-01), `evaluate --as-of` on
the saved facts for the SP 800-131A transitions (2024, 2031) and the BSI dates
(DHE until the end of 2029, TLS 1.2 until the end of 2031).

Why each endpoint fails what it fails (observed on the lab, Debian 12):
* nginx and s_server with OpenSSL defaults accept static-RSA, CAMELLIA, ARIA
  and ChaCha20 suites, ChaCha20 under TLS 1.3, x25519/x448 and ffdhe2048..8192
  for TLS 1.3, sign TLS 1.2 handshakes with rsa_pkcs1/ecdsa SHA-224 among
  others, and staple no OCSP response;
* the TLS-configuration endpoints serve the good RSA-2048 chain and differ in
  versions and suites only (tests/lab/lab.sh TLS_CONFIG);
* the legacy and vulns parts are recorded-response servers that never finish
  a handshake, so the certificate rules (tls probe) are errors there and only
  their protocol rules are asserted.
"""

import labtest
from labtest import EXIT_FAIL

SOURCE_PROFILES = labtest.SOURCE / "profiles"
BASE = SOURCE_PROFILES / "nist" / "sp800-52r2.yaml"
GOV = SOURCE_PROFILES / "nist" / "sp800-52r2-government.yaml"
PUBLIC = SOURCE_PROFILES / "nist" / "sp800-52r2-public-facing.yaml"
BSI = SOURCE_PROFILES / "bsi" / "tr-02102-2.yaml"
BASE_ID, GOV_ID, PUBLIC_ID, BSI_ID = ("nist-sp800-52r2", "nist-sp800-52r2-government",
                                      "nist-sp800-52r2-public-facing", "bsi-tr-02102-2")

CORE = ("good", "good-ec", "tls13-only", "tls12-aead", "legacy-versions", "cbc-only", "static-rsa",
        "client-order", "3des", "dhe-1024", "sha1")
PARTS = {"sessions": ("stapling", "early-data"), "legacy": ("legacy-sslv3", "legacy-rc4", "legacy-compression"),
         "vulns": ("vuln-heartbleed",)}

# The rules a recorded-response server cannot have judged: they read the tls
# probe's completed handshake (certificate, OCSP) or tls_session.
NIST_TLS_PROBE_RULES = {"NIST52-CERT-KEY-01", "NIST52-CERT-SIG-01", "NIST52-CERT-LIFE-01", "NIST52-CERT-SAN-01",
                        "NIST52-EXT-03", "NIST52-EXT-04"}
BSI_TLS_PROBE_RULES = {"BSI2-KEY-01", "BSI2-CERT-SIG-01", "BSI2-0RTT-01"}

# Failing rules per endpoint under the base NIST profile, as of the scan (after
# 2024, before 2031). The government profile replaces NIST52-VER-04 (a TLS 1.3
# "should", low) with NIST52-VER-05 (a "shall" since 2024-01-01, high); the
# public-facing profile keeps the base ids, with TLS 1.0 and 1.1 as low / info.
NIST_FAILS = {
    # Static RSA (Appendix D, disallowed after 2023), CAMELLIA/ARIA/ChaCha20 in TLS 1.2,
    # ChaCha20 in TLS 1.3, x25519/x448, client order, no staple.
    "good": {"NIST52-131A-01", "NIST52-SUITE-01", "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-ORDER-01",
             "NIST52-EXT-04"},
    # The ECDSA certificate leaves no TLS_RSA suite.
    "good-ec": {"NIST52-SUITE-01", "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-ORDER-01", "NIST52-EXT-04"},
    # TLS 1.2 refused; the TLS 1.2 suite and extension rules are not applicable.
    "tls13-only": {"NIST52-VER-01", "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-EXT-04"},
    # ECDHE-RSA-CHACHA20-POLY1305 and TLS 1.3 ChaCha20.
    "tls12-aead": {"NIST52-SUITE-01", "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-EXT-04"},
    # TLS 1.0 and 1.1 on, no TLS 1.3; its three ECDHE-RSA suites are all approved.
    "legacy-versions": {"NIST52-VER-02", "NIST52-VER-03", "NIST52-VER-04", "NIST52-GRP-03", "NIST52-EXT-04"},
    # AES128-SHA is RSA key transport; the CBC suites get encrypt_then_mac.
    "cbc-only": {"NIST52-131A-01", "NIST52-VER-04", "NIST52-GRP-03", "NIST52-EXT-04"},
    # Static RSA only: no ECDHE at all, so neither P-256 nor P-384.
    "static-rsa": {"NIST52-131A-01", "NIST52-GRP-02", "NIST52-VER-04", "NIST52-EXT-04"},
    "client-order": {"NIST52-SUITE-01", "NIST52-ORDER-01", "NIST52-VER-04", "NIST52-GRP-03", "NIST52-EXT-04"},
    # 3DES is off the list and disallowed after 2023; GnuTLS lets the client order decide.
    "3des": {"NIST52-SUITE-01", "NIST52-131A-02", "NIST52-ORDER-01", "NIST52-VER-04", "NIST52-GRP-03",
             "NIST52-EXT-04"},
    # A 1024-bit DHE prime, and no ECDHE.
    "dhe-1024": {"NIST52-GRP-01", "NIST52-GRP-02", "NIST52-VER-04", "NIST52-EXT-04"},
    # s_server at SECLEVEL 0: TLS 1.0/1.1 too, and the SHA-1 signed leaf.
    "sha1": {"NIST52-CERT-SIG-01", "NIST52-VER-02", "NIST52-VER-03", "NIST52-131A-01", "NIST52-SUITE-01",
             "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-ORDER-01", "NIST52-EXT-04"},
    # The stapling nginx staples a good, verified response: EXT-03 and EXT-04 pass.
    "stapling": {"NIST52-131A-01", "NIST52-SUITE-01", "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-ORDER-01"},
    "early-data": {"NIST52-131A-01", "NIST52-SUITE-01", "NIST52-SUITE-02", "NIST52-GRP-03", "NIST52-ORDER-01",
                   "NIST52-EXT-04"},
    # SSLv3 only, static-RSA AES, 3DES and RC4 suites.
    "legacy-sslv3": {"NIST52-VER-01", "NIST52-VER-04", "NIST52-131A-01", "NIST52-131A-02", "NIST52-GRP-02"},
    # RC4 only, no renegotiation_info or EMS, TLS_FALLBACK_SCSV not honoured.
    "legacy-rc4": {"NIST52-VER-02", "NIST52-VER-03", "NIST52-VER-04", "NIST52-SUITE-01", "NIST52-131A-01",
                   "NIST52-GRP-03", "NIST52-EXT-01", "NIST52-SCSV-01"},
    # DEFLATE picked when offered; AES128-SHA without encrypt_then_mac.
    "legacy-compression": {"NIST52-COMP-01", "NIST52-EXT-02", "NIST52-131A-01", "NIST52-VER-04",
                           "NIST52-GRP-03"},
    "vuln-heartbleed": {"NIST52-VER-02", "NIST52-VER-03", "NIST52-VER-04", "NIST52-131A-01", "NIST52-GRP-02",
                        "NIST52-EXT-01", "NIST52-EXT-02"},
}

BSI_FAILS = {
    # RSA 2048 leaf, suites outside Table 1, TLS 1.3 ChaCha20, ffdhe2048/6144/8192 for TLS 1.3,
    # x25519/x448, SHA-224 and PKCS#1 v1.5 handshake signatures.
    "good": {"BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-SUITE-03", "BSI2-GRP-01", "BSI2-GRP-02", "BSI2-SIG-01",
             "BSI2-SIG-02"},
    # P-256 leaf passes the key rule; ECDSA signatures are not PKCS#1 v1.5.
    "good-ec": {"BSI2-SUITE-01", "BSI2-SUITE-03", "BSI2-GRP-01", "BSI2-GRP-02", "BSI2-SIG-01"},
    "tls13-only": {"BSI2-KEY-01", "BSI2-SUITE-03", "BSI2-GRP-01", "BSI2-GRP-02"},
    "tls12-aead": {"BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-SUITE-03", "BSI2-GRP-01", "BSI2-GRP-02", "BSI2-SIG-01",
                   "BSI2-SIG-02"},
    # TLS 1.0/1.1, and SHA-1 CBC suites outside Table 1.
    "legacy-versions": {"BSI2-VER-01", "BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-GRP-02", "BSI2-SIG-01",
                        "BSI2-SIG-02"},
    "cbc-only": {"BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-GRP-02", "BSI2-SIG-01", "BSI2-SIG-02"},
    # Nothing is signed and no group is used: only the key and the suites fail.
    "static-rsa": {"BSI2-KEY-01", "BSI2-SUITE-01"},
    "client-order": {"BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-GRP-02", "BSI2-SIG-01", "BSI2-SIG-02"},
    "3des": {"BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-GRP-02", "BSI2-SIG-01", "BSI2-SIG-02"},
    # DHE-RSA-AES128-GCM-SHA256 is in Table 1 (until 2029); its 1024-bit prime is not.
    "dhe-1024": {"BSI2-KEY-01", "BSI2-GRP-01", "BSI2-SIG-01", "BSI2-SIG-02"},
    "sha1": {"BSI2-CERT-SIG-01", "BSI2-VER-01", "BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-SUITE-03", "BSI2-GRP-01",
             "BSI2-GRP-02", "BSI2-SIG-01", "BSI2-SIG-02"},
    "stapling": {"BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-SUITE-03", "BSI2-GRP-01", "BSI2-GRP-02", "BSI2-SIG-01",
                 "BSI2-SIG-02"},
    # Accepts 0-RTT data on a resumed TLS 1.3 session.
    "early-data": {"BSI2-0RTT-01", "BSI2-KEY-01", "BSI2-SUITE-01", "BSI2-SUITE-03", "BSI2-GRP-01",
                   "BSI2-GRP-02", "BSI2-SIG-01", "BSI2-SIG-02"},
    "legacy-sslv3": {"BSI2-VER-01"},
    "legacy-rc4": {"BSI2-VER-01", "BSI2-SUITE-01", "BSI2-EMS-01", "BSI2-RENEG-01", "BSI2-GRP-02", "BSI2-SIG-01",
                   "BSI2-SIG-02"},
    "legacy-compression": {"BSI2-COMP-01", "BSI2-ETM-01", "BSI2-SUITE-01", "BSI2-GRP-02", "BSI2-SIG-01",
                           "BSI2-SIG-02"},
    # Heartbeat acknowledged; static-RSA suites only under TLS 1.0 to 1.2.
    "vuln-heartbleed": {"BSI2-HB-01", "BSI2-VER-01", "BSI2-SUITE-01", "BSI2-EMS-01", "BSI2-ETM-01"},
}


def government(fails):
    """The base profile's failures as the government variant sees them."""
    return {"NIST52-VER-05" if r == "NIST52-VER-04" else r for r in fails}


class NistBsiProfilesTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoints = {name: cls.lab.endpoint(name) for name in CORE}
        for part, names in PARTS.items():
            started = cls.lab.description.get("parts", {})
            if part in started:
                found = {e["name"]: e for e in started[part]}
                cls.endpoints.update({n: found[n] for n in names})
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in cls.endpoints.items():
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, "
                         f"service: {e.get('service') or 'tls'}, sni: {e.get('sni') or 'demo.test'}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.inventory = inventory
        cls.result, cls.report = cls.scan("all", "--targets", inventory, "--profile", BASE, "--profile", GOV,
                                          "--profile", PUBLIC, "--profile", BSI, "--ca-file", cls.lab.ca_file)

    def results(self, report, name, profile):
        target = {t.get("name"): t["id"] for t in report["targets"]}[name]
        return {r["rule"]: r for r in report["results"] if r["target"] == target and r["profile"] == profile}

    def assertFails(self, report, name, profile, expected, errors=frozenset()):
        """Exactly EXPECTED fail for NAME under PROFILE; ERRORS are errors; every other rule passes or is n/a."""
        got = self.results(report, name, profile)
        self.assertTrue(got, f"no results for {name} / {profile}")
        fails = {r for r, x in got.items() if x["status"] == "fail"}
        errs = {r for r, x in got.items() if x["status"] == "error"}
        detail = "\n".join(f"  {r}: {x['status']}: {x.get('message', '')}" for r, x in sorted(got.items()))
        self.assertEqual(fails, set(expected), f"{name} / {profile}: failing rules differ\n{detail}")
        self.assertEqual(errs, set(errors), f"{name} / {profile}: error results differ\n{detail}")

    def assertStatus(self, report, name, profile, rule, status):
        r = self.results(report, name, profile)[rule]
        self.assertEqual(r["status"], status, f"{name} / {profile} / {rule}: {r.get('message', '')}")

    def errors_for(self, name, rules):
        return rules if name in PARTS["legacy"] + PARTS["vulns"] else frozenset()

    def test_scan_ran(self):
        self.assertReport(self.result, self.report)
        self.assertExit(self.result, EXIT_FAIL)
        self.assertLess(self.result.seconds, 60)

    def test_nist_base_fails_exactly(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(self.report, name, BASE_ID, NIST_FAILS[name],
                                 self.errors_for(name, NIST_TLS_PROBE_RULES))

    def test_nist_government_fails_exactly(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(self.report, name, GOV_ID, government(NIST_FAILS[name]),
                                 self.errors_for(name, NIST_TLS_PROBE_RULES))
        # TLS 1.3 is accepted by good: the "shall" holds, and the "should" is past its date.
        self.assertStatus(self.report, "good", GOV_ID, "NIST52-VER-05", "pass")
        self.assertStatus(self.report, "good", GOV_ID, "NIST52-VER-04", "not_applicable")
        r = self.results(self.report, "cbc-only", GOV_ID)["NIST52-VER-05"]
        self.assertEqual(r["severity"], "high")

    def test_nist_public_facing_tolerates_tls10_and_tls11(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(self.report, name, PUBLIC_ID, NIST_FAILS[name],
                                 self.errors_for(name, NIST_TLS_PROBE_RULES))
        base = self.results(self.report, "legacy-versions", BASE_ID)
        public = self.results(self.report, "legacy-versions", PUBLIC_ID)
        self.assertEqual((base["NIST52-VER-02"]["severity"], base["NIST52-VER-03"]["severity"]), ("high", "medium"))
        self.assertEqual((public["NIST52-VER-02"]["severity"], public["NIST52-VER-03"]["severity"]), ("low", "info"))
        self.assertEqual(public["NIST52-VER-01"]["status"], "pass")  # TLS 1.2 on, no SSL
        if "legacy-sslv3" in self.endpoints:  # SSL stays a "shall not" for public-facing servers
            self.assertStatus(self.report, "legacy-sslv3", PUBLIC_ID, "NIST52-VER-01", "fail")

    def test_nist_passes(self):
        good = self.results(self.report, "good", GOV_ID)
        for rule in ("NIST52-VER-01", "NIST52-VER-02", "NIST52-VER-03", "NIST52-VER-05", "NIST52-GRP-01",
                     "NIST52-GRP-02", "NIST52-CERT-KEY-01", "NIST52-CERT-SIG-01", "NIST52-CERT-LIFE-01",
                     "NIST52-CERT-SAN-01", "NIST52-EXT-01", "NIST52-EXT-02", "NIST52-EXT-03", "NIST52-COMP-01",
                     "NIST52-SCSV-01", "NIST52-131A-02"):
            with self.subTest(rule=rule):
                self.assertEqual(good[rule]["status"], "pass", good[rule].get("message"))
        # Not yet in force (2031): 112-bit keys are still acceptable.
        self.assertEqual(good["NIST52-131A-03"]["status"], "not_applicable")
        self.assertStatus(self.report, "legacy-versions", GOV_ID, "NIST52-SUITE-01", "pass")
        self.assertStatus(self.report, "legacy-versions", GOV_ID, "NIST52-SCSV-01", "pass")
        self.assertStatus(self.report, "tls13-only", GOV_ID, "NIST52-SUITE-01", "not_applicable")
        if "stapling" in self.endpoints:
            self.assertStatus(self.report, "stapling", GOV_ID, "NIST52-EXT-03", "pass")
            self.assertStatus(self.report, "stapling", GOV_ID, "NIST52-EXT-04", "pass")

    def test_bsi_fails_exactly(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(self.report, name, BSI_ID, BSI_FAILS[name],
                                 self.errors_for(name, BSI_TLS_PROBE_RULES))

    def test_bsi_passes(self):
        good = self.results(self.report, "good", BSI_ID)
        for rule in ("BSI2-VER-01", "BSI2-CERT-SIG-01", "BSI2-EMS-01", "BSI2-ETM-01", "BSI2-HB-01", "BSI2-COMP-01",
                     "BSI2-RENEG-01", "BSI2-0RTT-01"):
            with self.subTest(rule=rule):
                self.assertEqual(good[rule]["status"], "pass", good[rule].get("message"))
        for rule in ("BSI2-VER-02", "BSI2-SUITE-02", "BSI2-PQC-01"):  # from 2030 and 2032
            self.assertEqual(good[rule]["status"], "not_applicable")
        self.assertStatus(self.report, "good-ec", BSI_ID, "BSI2-KEY-01", "pass")
        self.assertStatus(self.report, "good-ec", BSI_ID, "BSI2-SIG-02", "pass")
        self.assertStatus(self.report, "dhe-1024", BSI_ID, "BSI2-SUITE-01", "pass")
        self.assertStatus(self.report, "cbc-only", BSI_ID, "BSI2-ETM-01", "pass")
        self.assertStatus(self.report, "tls13-only", BSI_ID, "BSI2-SIG-01", "pass")

    def test_government_tls13_rule_on_both_sides_of_2024(self):
        """scan --as-of: before 2024 TLS 1.3 is a low "should", from 2024 a high "shall"."""
        e = self.endpoints["cbc-only"]
        target = f"{e['host']}:{e['port']}"
        before_fails = {"NIST52-VER-04", "NIST52-GRP-03", "NIST52-EXT-04"}
        after_fails = {"NIST52-VER-05", "NIST52-131A-01", "NIST52-GRP-03", "NIST52-EXT-04"}
        for as_of, fails, idle in (("2023-06-01T00:00:00Z", before_fails, ("NIST52-VER-05", "NIST52-131A-01")),
                                   ("2024-06-01T00:00:00Z", after_fails, ("NIST52-VER-04",))):
            with self.subTest(as_of=as_of):
                result, report = self.scan(f"gov-{as_of[:4]}", "--target", target, "--sni", e["sni"], "--profile",
                                           GOV, "--ca-file", self.lab.ca_file, "--as-of", as_of)
                self.assertReport(result, report)
                self.assertExit(result, EXIT_FAIL)
                got = {r["rule"]: r for r in report["results"]}
                self.assertEqual({k for k, r in got.items() if r["status"] == "fail"}, fails)
                for rule in idle:
                    self.assertEqual(got[rule]["status"], "not_applicable")
                    self.assertIn("not in force", got[rule]["message"])

    def evaluate(self, out, profile, as_of):
        out_dir = self.tmpdir(out)
        r = labtest.run(["evaluate", "--facts", self.tmpdir("all") / "report.json", "--profile", profile,
                         "--as-of", as_of, "--out", out_dir])
        self.assertExit(r, EXIT_FAIL)
        return labtest.load_report(out_dir / "report.json")

    def test_dated_rules_on_both_sides_of_their_dates(self):
        """evaluate --as-of on the saved facts: each dated rule is out of force before its date, judged after."""
        cases = (
            # SP 800-131A: RSA key transport and 3DES from 2024-01-01.
            (BASE, BASE_ID, "static-rsa", "NIST52-131A-01", "2023-12-31T12:00:00Z", "2024-01-01T12:00:00Z",
             "not_applicable", "fail"),
            (BASE, BASE_ID, "3des", "NIST52-131A-02", "2023-12-31T12:00:00Z", "2024-01-01T12:00:00Z",
             "not_applicable", "fail"),
            # 112-bit keys (RSA 2048) reported from 2031.
            (BASE, BASE_ID, "good", "NIST52-131A-03", "2030-12-31T12:00:00Z", "2031-01-01T12:00:00Z",
             "not_applicable", "fail"),
            # BSI: the Table 1 rule with DHE holds until the end of 2029, the one without from 2030.
            (BSI, BSI_ID, "dhe-1024", "BSI2-SUITE-01", "2029-12-31T12:00:00Z", "2030-01-01T12:00:00Z",
             "pass", "not_applicable"),
            (BSI, BSI_ID, "dhe-1024", "BSI2-SUITE-02", "2029-12-31T12:00:00Z", "2030-01-01T12:00:00Z",
             "not_applicable", "fail"),
            # BSI: TLS 1.2 until the end of 2031.
            (BSI, BSI_ID, "good", "BSI2-VER-02", "2031-12-31T12:00:00Z", "2032-01-01T12:00:00Z",
             "not_applicable", "fail"),
        )
        for profile, profile_id, name, rule, before, after, status_before, status_after in cases:
            with self.subTest(rule=rule, endpoint=name):
                for as_of, status in ((before, status_before), (after, status_after)):
                    report = self.evaluate(f"eval-{rule}-{as_of[:10]}", profile, as_of)
                    r = self.results(report, name, profile_id)[rule]
                    self.assertEqual(r["status"], status, f"{rule} as of {as_of}: {r.get('message', '')}")
        # The 2031 key-strength rule is information only.
        report = self.evaluate("eval-info-2031", BASE, "2031-06-01T00:00:00Z")
        self.assertEqual(self.results(report, "good", BASE_ID)["NIST52-131A-03"]["severity"], "info")


if __name__ == "__main__":
    labtest.main()
