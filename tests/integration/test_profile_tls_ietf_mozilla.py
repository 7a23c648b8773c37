#!/usr/bin/env python3
"""The BCP 195 profile (RFC 9325, RFC 8996 and companions) and the Mozilla
Server Side TLS 6.0 intermediate and modern profiles, on the real binary
against the lab.

One scan judges a chosen set of lab endpoints with the three profiles at once;
for each endpoint the test asserts the exact set of failing rules per profile
("and no other rule"), and that the rules it meets pass. The web endpoints of
the http part carry the HSTS and redirect rules, which keep to their services.

Why each endpoint fails what it fails (observed on the lab, Debian 12,
OpenSSL 3.0):
* nginx and s_server with OpenSSL defaults follow the client's suite order and
  accept static-RSA, CBC, CCM, CAMELLIA and ARIA suites besides ECDHE, and
  accept x448, secp521r1 and ffdhe2048..8192 for TLS 1.3 besides x25519,
  P-256 and P-384;
* the suite probe offers every suite in code-point order, so a client-order
  server that accepts TLS_RSA_* picks TLS_RSA_WITH_AES_128_CBC_SHA first:
  RFC9325-FS-01 (forward secrecy preferred) fails there;
* no lab server has ML-KEM (OpenSSL 3.0): the information rule for
  X25519MLKEM768 (MOZ-*-GRP-03) fails on every TLS endpoint;
* every lab leaf is signed by the lab's RSA intermediate, so Mozilla modern's
  ECDSA-signature rule fails even on the ECDSA endpoint, and every RSA leaf
  fails modern's ECDSA-key rule;
* the legacy part and vuln-heartbleed/-ccs/-robot are recorded-response
  servers that never finish a handshake: the rules over the tls probe
  (certificate, OCSP) are errors there, and only their protocol rules are
  asserted as failures.
"""

import json

import labtest
import tlsderive
from labtest import EXIT_FAIL

SOURCE_PROFILES = labtest.SOURCE / "profiles"
RFC = ("ietf-rfc9325-bcp195", SOURCE_PROFILES / "ietf" / "rfc9325-bcp195.yaml")
INT = ("mozilla-intermediate", SOURCE_PROFILES / "mozilla" / "intermediate.yaml")
MOD = ("mozilla-modern", SOURCE_PROFILES / "mozilla" / "modern.yaml")
PROFILES = (RFC, INT, MOD)

CORE = ("good", "good-ec", "tls13-only", "tls12-aead", "legacy-versions", "cbc-only", "static-rsa",
        "client-order", "3des", "dhe-1024", "sha1")
PARTS = {"sessions": ("stapling", "early-data"),
         "legacy": ("legacy-sslv3", "legacy-export", "legacy-rc4", "legacy-compression"),
         "vulns": ("vuln-heartbleed", "vuln-ccs", "vuln-robot", "vuln-ticketbleed", "vuln-patched"),
         "http": ("http-good", "http-weak", "http-redirect", "http-plain", "http-offhost")}
# Recorded-response servers: no handshake completes, so the tls probe has no facts.
RECORDED = PARTS["legacy"] + ("vuln-heartbleed", "vuln-ccs", "vuln-robot")
PLAIN_HTTP = ("http-redirect", "http-plain", "http-offhost")

RFC_RULES = {"RFC9325-VER-01", "RFC9325-VER-02", "RFC9325-VER-03", "RFC9325-VER-04", "RFC9325-SCSV-01",
             "RFC9325-DOWNGRADE-01", "RFC9325-COMP-01", "RFC9325-RENEG-01", "RFC9325-SUITE-01", "RFC9325-SUITE-02",
             "RFC9325-SUITE-03", "RFC9325-SUITE-04", "RFC9325-FS-01", "RFC9325-SUITE-05", "RFC9325-ORDER-01",
             "RFC9325-SIG-01", "RFC9325-KEX-01", "RFC9325-CERT-KEY-01", "RFC9325-VULN-01", "RFC9325-HSTS-01",
             "RFC9325-HSTS-02", "RFC9325-REDIR-01"}
RFC_HTTP_RULES = {"RFC9325-HSTS-02", "RFC9325-REDIR-01"}  # services [http]; HSTS-01 is [https]
INT_RULES = {"MOZ-INT-VER-01", "MOZ-INT-VER-02", "MOZ-INT-SUITE-01", "MOZ-INT-SUITE-02", "MOZ-INT-GRP-01",
             "MOZ-INT-GRP-02", "MOZ-INT-GRP-03", "MOZ-INT-KEX-01", "MOZ-INT-CERT-KEY-01", "MOZ-INT-CERT-SIG-01",
             "MOZ-INT-CERT-LIFE-01", "MOZ-INT-CERT-LIFE-02", "MOZ-INT-HSTS-01", "MOZ-INT-OCSP-01"}
MOD_RULES = {"MOZ-MOD-VER-01", "MOZ-MOD-SUITE-01", "MOZ-MOD-GRP-01", "MOZ-MOD-GRP-02", "MOZ-MOD-GRP-03",
             "MOZ-MOD-CERT-KEY-01", "MOZ-MOD-CERT-SIG-01", "MOZ-MOD-CERT-LIFE-01", "MOZ-MOD-HSTS-01",
             "MOZ-MOD-OCSP-01"}

# The rules over the tls probe's completed handshake: errors on a recorded-response server.
TLS_PROBE_RULES = {
    RFC[0]: {"RFC9325-CERT-KEY-01"},
    INT[0]: {"MOZ-INT-CERT-KEY-01", "MOZ-INT-CERT-SIG-01", "MOZ-INT-CERT-LIFE-01", "MOZ-INT-CERT-LIFE-02",
             "MOZ-INT-OCSP-01"},
    MOD[0]: {"MOZ-MOD-CERT-KEY-01", "MOZ-MOD-CERT-SIG-01", "MOZ-MOD-CERT-LIFE-01", "MOZ-MOD-OCSP-01"},
}

# ---- BCP 195 ---------------------------------------------------------------------------------
# nginx with OpenSSL defaults: client order (ORDER-01), TLS_RSA_* accepted (SUITE-03) and so
# picked first from the code-point-ordered hello (FS-01).
RFC_NGINX_DEFAULT = {"RFC9325-FS-01", "RFC9325-SUITE-03", "RFC9325-ORDER-01"}
# The fake TLS 1.0-1.2 servers of the vulns part: static-RSA AES suites only, no TLS 1.3.
RFC_FAKE_VULN = {"RFC9325-VER-02", "RFC9325-VER-04", "RFC9325-SUITE-03", "RFC9325-FS-01", "RFC9325-SUITE-05",
                 "RFC9325-VULN-01"}
RFC_FAILS = {
    # https without an HSTS header on the core nginx.
    "good": RFC_NGINX_DEFAULT | {"RFC9325-HSTS-01"},
    # The ECDSA certificate leaves no TLS_RSA suite: ECDHE is picked first even in client order.
    "good-ec": {"RFC9325-ORDER-01"},
    # TLS 1.2 refused (§3.1.1 MUST), hence also none of the recommended TLS 1.2 suites.
    "tls13-only": {"RFC9325-VER-03", "RFC9325-SUITE-05"},
    # TLS 1.2 + 1.3, ECDHE AEAD suites, server order: meets every rule.
    "tls12-aead": set(),
    # The TLS 1.0 endpoint fails RFC 9325 §3.1.1 / RFC 8996 (VER-02) and no suite rule: its three
    # ECDHE-RSA suites are forward-secret and AEAD or CBC with AES. Beyond that: no TLS 1.3 (VER-04,
    # a SHOULD), and @SECLEVEL=0 lets OpenSSL sign TLS 1.2 with rsa_pkcs1_sha1 (RFC 9155, SIG-01).
    "legacy-versions": {"RFC9325-VER-02", "RFC9325-VER-04", "RFC9325-SIG-01"},
    # AES128-SHA is static RSA; no ECDHE AES-GCM suite; server order puts ECDHE first (FS-01 passes).
    "cbc-only": {"RFC9325-SUITE-03", "RFC9325-SUITE-05", "RFC9325-VER-04"},
    # Static RSA only: no forward secrecy at all.
    "static-rsa": {"RFC9325-FS-01", "RFC9325-SUITE-03", "RFC9325-SUITE-05", "RFC9325-VER-04"},
    # ECDHE AEAD suites, but the client's order decides.
    "client-order": {"RFC9325-ORDER-01", "RFC9325-VER-04"},
    # GnuTLS: 3DES (112 bits < 128), client order, and +SIGN-ALL signs TLS 1.2 with rsa_pkcs1_sha1.
    "3des": {"RFC9325-SUITE-02", "RFC9325-ORDER-01", "RFC9325-SIG-01", "RFC9325-VER-04"},
    # A 1024-bit DHE prime (§4.5), a DHE suite in TLS 1.2 (§4.1), no ECDHE suite, SHA-1 signatures
    # at @SECLEVEL=0.
    "dhe-1024": {"RFC9325-KEX-01", "RFC9325-SUITE-04", "RFC9325-SUITE-05", "RFC9325-SIG-01", "RFC9325-VER-04"},
    # s_server at @SECLEVEL=0: TLS 1.0/1.1 too, DHE suites, SHA-1 handshake signatures, client order.
    # (Its SHA-1 signed leaf is a certificate matter BCP 195 leaves to other profiles.)
    "sha1": RFC_NGINX_DEFAULT | {"RFC9325-VER-02", "RFC9325-SIG-01", "RFC9325-SUITE-04"},
    # https nginx with defaults and no HSTS; the staple itself is not a BCP 195 rule.
    "stapling": RFC_NGINX_DEFAULT | {"RFC9325-HSTS-01"},
    "early-data": RFC_NGINX_DEFAULT | {"RFC9325-HSTS-01"},
    # SSLv3 only: AES128-SHA (static RSA), DES-CBC3-SHA (< 128 bits) and RC4-MD5.
    "legacy-sslv3": {"RFC9325-VER-01", "RFC9325-VER-03", "RFC9325-VER-04", "RFC9325-SUITE-01",
                     "RFC9325-SUITE-02", "RFC9325-SUITE-03", "RFC9325-FS-01", "RFC9325-SUITE-05"},
    # TLS 1.0 only with export, DES, IDEA, SEED suites; EXP-EDH-RSA-DES-CBC-SHA is DHE with a 512-bit prime.
    "legacy-export": {"RFC9325-VER-02", "RFC9325-VER-03", "RFC9325-VER-04", "RFC9325-SUITE-01",
                      "RFC9325-SUITE-02", "RFC9325-SUITE-03", "RFC9325-SUITE-04", "RFC9325-FS-01",
                      "RFC9325-SUITE-05", "RFC9325-KEX-01"},
    # RC4 only, no renegotiation_info, TLS_FALLBACK_SCSV not honoured, SHA-1 signatures even unasked.
    "legacy-rc4": {"RFC9325-VER-02", "RFC9325-VER-04", "RFC9325-SUITE-01", "RFC9325-SUITE-03", "RFC9325-FS-01",
                   "RFC9325-SUITE-05", "RFC9325-RENEG-01", "RFC9325-SCSV-01", "RFC9325-SIG-01"},
    # DEFLATE picked when offered (§3.3); AES128-SHA besides ECDHE-RSA-AES128-GCM-SHA256; SHA-1 signatures.
    "legacy-compression": {"RFC9325-COMP-01", "RFC9325-SUITE-03", "RFC9325-SIG-01", "RFC9325-VER-04"},
    "vuln-heartbleed": RFC_FAKE_VULN,
    "vuln-ccs": RFC_FAKE_VULN,
    "vuln-robot": RFC_FAKE_VULN,
    # Real TLS 1.2 handshakes (Python ssl, its default suites include TLS_RSA_*, in server order):
    # the Ticketbleed echo is the finding; its patched twin fails only the suite and version rules.
    "vuln-ticketbleed": {"RFC9325-SUITE-03", "RFC9325-VER-04", "RFC9325-VULN-01"},
    "vuln-patched": {"RFC9325-SUITE-03", "RFC9325-VER-04"},
    # HSTS for two years: HSTS-01 passes; the nginx suite defaults remain.
    "http-good": RFC_NGINX_DEFAULT,
    "http-weak": RFC_NGINX_DEFAULT | {"RFC9325-HSTS-01"},
    # Plain HTTP: 301 to https on the same host, no HSTS.
    "http-redirect": set(),
    # 200 over plain HTTP, with an HSTS header (RFC 6797 §7.2 MUST NOT).
    "http-plain": {"RFC9325-REDIR-01", "RFC9325-HSTS-02"},
    # 302, and to another host.
    "http-offhost": {"RFC9325-REDIR-01"},
}

# ---- Mozilla intermediate -----------------------------------------------------------------------
# x448, secp521r1 and ffdhe* are off tls_curves (GRP-01); no X25519MLKEM768 (GRP-03, info).
INT_GROUPS = {"MOZ-INT-GRP-01", "MOZ-INT-GRP-03"}
# No ECDHE at all: no x25519 (GRP-02); the allow-list has nothing to judge (not applicable).
INT_NO_ECDHE = {"MOZ-INT-GRP-02", "MOZ-INT-GRP-03"}
INT_FAKE_VULN = {"MOZ-INT-VER-01", "MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_NO_ECDHE
INT_FAILS = {
    # CBC, static RSA, CCM, CAMELLIA and ARIA suites beside the six; no HSTS on https.
    "good": {"MOZ-INT-SUITE-01", "MOZ-INT-HSTS-01"} | INT_GROUPS,
    "good-ec": {"MOZ-INT-SUITE-01"} | INT_GROUPS,
    # Both versions are required: TLS 1.3 only is Mozilla's modern, not intermediate.
    "tls13-only": {"MOZ-INT-VER-02"} | INT_GROUPS,
    # Its three TLS 1.2 suites are all on Mozilla's list, ChaCha20 included.
    "tls12-aead": INT_GROUPS,
    "legacy-versions": {"MOZ-INT-VER-01", "MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_GROUPS,
    "cbc-only": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_GROUPS,
    "static-rsa": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_NO_ECDHE,
    # Mozilla recommends the client's order (server_preferred_order: false): not a finding here.
    "client-order": {"MOZ-INT-VER-02"} | INT_GROUPS,
    "3des": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_GROUPS,
    # DHE-RSA is not among the six since 5.8, and its prime is below dh_param_size 2048.
    "dhe-1024": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01", "MOZ-INT-KEX-01"} | INT_NO_ECDHE,
    # The SHA-1 signed leaf (certificate_signatures), TLS 1.0/1.1, s_server's default suites.
    "sha1": {"MOZ-INT-CERT-SIG-01", "MOZ-INT-VER-01", "MOZ-INT-SUITE-01"} | INT_GROUPS,
    # The staple is good and verified: OCSP-01 passes (as it does, with no staple, everywhere else).
    "stapling": {"MOZ-INT-SUITE-01", "MOZ-INT-HSTS-01"} | INT_GROUPS,
    "early-data": {"MOZ-INT-SUITE-01", "MOZ-INT-HSTS-01"} | INT_GROUPS,
    "legacy-sslv3": {"MOZ-INT-VER-01", "MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_NO_ECDHE,
    "legacy-export": {"MOZ-INT-VER-01", "MOZ-INT-VER-02", "MOZ-INT-SUITE-01", "MOZ-INT-KEX-01"} | INT_NO_ECDHE,
    # Its ECDHE-RSA-RC4 suite uses x25519 and P-256 only: the group rules pass.
    "legacy-rc4": {"MOZ-INT-VER-01", "MOZ-INT-VER-02", "MOZ-INT-SUITE-01", "MOZ-INT-GRP-03"},
    "legacy-compression": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01", "MOZ-INT-GRP-03"},
    "vuln-heartbleed": INT_FAKE_VULN,
    "vuln-ccs": INT_FAKE_VULN,
    "vuln-robot": INT_FAKE_VULN,
    "vuln-ticketbleed": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_GROUPS,
    "vuln-patched": {"MOZ-INT-VER-02", "MOZ-INT-SUITE-01"} | INT_GROUPS,
    # max-age=63072000 is exactly the two years Mozilla asks.
    "http-good": {"MOZ-INT-SUITE-01"} | INT_GROUPS,
    "http-weak": {"MOZ-INT-SUITE-01", "MOZ-INT-HSTS-01"} | INT_GROUPS,
    "http-redirect": set(), "http-plain": set(), "http-offhost": set(),
}

# ---- Mozilla modern -------------------------------------------------------------------------------
MOD_GROUPS = {"MOZ-MOD-GRP-01", "MOZ-MOD-GRP-03"}
# The good RSA chain: an RSA leaf (certificate_types ecdsa) signed with sha256WithRSAEncryption.
MOD_RSA_CERT = {"MOZ-MOD-CERT-KEY-01", "MOZ-MOD-CERT-SIG-01"}
MOD_TLS12 = {"MOZ-MOD-VER-01"}  # anything but TLS 1.3 alone
MOD_FAILS = {
    "good": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS | {"MOZ-MOD-HSTS-01"},
    # ECDSA P-256 leaf: the key passes, but the lab's RSA intermediate signed it.
    "good-ec": MOD_TLS12 | {"MOZ-MOD-CERT-SIG-01"} | MOD_GROUPS,
    # TLS 1.3 only with OpenSSL's three default suites: only the certificate and the groups fail.
    "tls13-only": MOD_RSA_CERT | MOD_GROUPS,
    "tls12-aead": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "legacy-versions": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "cbc-only": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "static-rsa": MOD_TLS12 | MOD_RSA_CERT | {"MOZ-MOD-GRP-02", "MOZ-MOD-GRP-03"},
    "client-order": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "3des": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    # The 1024-bit DHE prime fails the group rule's strength floor; no x25519.
    "dhe-1024": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS | {"MOZ-MOD-GRP-02"},
    "sha1": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "stapling": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS | {"MOZ-MOD-HSTS-01"},
    "early-data": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS | {"MOZ-MOD-HSTS-01"},
    "legacy-sslv3": MOD_TLS12 | {"MOZ-MOD-GRP-02", "MOZ-MOD-GRP-03"},
    # The 512-bit export DHE prime fails GRP-01.
    "legacy-export": MOD_TLS12 | MOD_GROUPS | {"MOZ-MOD-GRP-02"},
    "legacy-rc4": MOD_TLS12 | {"MOZ-MOD-GRP-03"},
    "legacy-compression": MOD_TLS12 | {"MOZ-MOD-GRP-03"},
    "vuln-heartbleed": MOD_TLS12 | {"MOZ-MOD-GRP-02", "MOZ-MOD-GRP-03"},
    "vuln-ccs": MOD_TLS12 | {"MOZ-MOD-GRP-02", "MOZ-MOD-GRP-03"},
    "vuln-robot": MOD_TLS12 | {"MOZ-MOD-GRP-02", "MOZ-MOD-GRP-03"},
    "vuln-ticketbleed": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "vuln-patched": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "http-good": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS,
    "http-weak": MOD_TLS12 | MOD_RSA_CERT | MOD_GROUPS | {"MOZ-MOD-HSTS-01"},
    "http-redirect": set(), "http-plain": set(), "http-offhost": set(),
}

EXPECTED = {RFC[0]: RFC_FAILS, INT[0]: INT_FAILS, MOD[0]: MOD_FAILS}
RULES = {RFC[0]: RFC_RULES, INT[0]: INT_RULES, MOD[0]: MOD_RULES}


class TlsIetfMozillaProfilesTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoints = {name: cls.lab.endpoint(name) for name in CORE}
        started = cls.lab.description.get("parts", {})
        for part, names in PARTS.items():
            if part in started:
                found = {e["name"]: e for e in started[part]}
                cls.endpoints.update({n: found[n] for n in names})
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in cls.endpoints.items():
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, "
                         f"service: {e.get('service') or 'tls'}, sni: {e.get('sni') or 'demo.test'}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args = ["all", "--targets", inventory]
        for _, path in PROFILES:
            args += ["--profile", path]
        cls.result, cls.report = cls.scan(*args, "--ca-file", cls.lab.ca_file)
        print(f"\nscan of {len(cls.endpoints)} endpoints with three profiles: {cls.result.seconds:.1f} s, "
              f"exit {cls.result.returncode}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def target_id(self, name, report=None):
        return {t.get("name"): t["id"] for t in (report or self.report)["targets"]}[name]

    def results(self, name, profile, report=None):
        report = report or self.report
        target = self.target_id(name, report)
        return {r["rule"]: r for r in report["results"] if r["target"] == target and r["profile"] == profile}

    def facts(self, name, probe):
        record = tlsderive.facts(self.report, self.target_id(name), probe)
        self.assertIsNotNone(record, f"{name}: no {probe} facts")
        self.assertEqual(record["status"], "ok", f"{name}: {record.get('error')}")
        return record["data"]

    def assertFails(self, name, profile):
        """Exactly the expected rules fail; the tls-probe rules are errors on recorded-response servers;
        every other rule passes or is not applicable."""
        got = self.results(name, profile)
        self.assertEqual(set(got), RULES[profile], f"{name} / {profile}: rule set differs")
        fails = {r for r, x in got.items() if x["status"] == "fail"}
        errors = {r for r, x in got.items() if x["status"] == "error"}
        detail = "\n".join(f"  {r}: {x['status']}: {x.get('message', '')}" for r, x in sorted(got.items()))
        self.assertEqual(fails, EXPECTED[profile][name], f"{name} / {profile}: failing rules differ\n{detail}")
        expected_errors = TLS_PROBE_RULES[profile] if name in RECORDED else set()
        self.assertEqual(errors, expected_errors, f"{name} / {profile}: error results differ\n{detail}")

    def assertStatus(self, name, profile, rule, status):
        r = self.results(name, profile)[rule]
        self.assertEqual(r["status"], status, f"{name} / {profile} / {rule}: {r.get('message', '')}")

    def test_scan_ran(self):
        self.assertExit(self.result, EXIT_FAIL)
        self.assertEqual({p["id"] for p in self.report["profiles"]}, {p for p, _ in PROFILES})
        self.assertLess(self.result.seconds, 60)

    def test_rfc9325_fails_exactly(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(name, RFC[0])

    def test_mozilla_intermediate_fails_exactly(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(name, INT[0])

    def test_mozilla_modern_fails_exactly(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                self.assertFails(name, MOD[0])

    def test_rfc9325_passes(self):
        # tls12-aead meets every TLS rule; the web rules are not its business.
        got = self.results("tls12-aead", RFC[0])
        for rule in RFC_RULES - {"RFC9325-HSTS-01"} - RFC_HTTP_RULES:
            with self.subTest(rule=rule):
                self.assertEqual(got[rule]["status"], "pass", got[rule].get("message"))
        for rule in {"RFC9325-HSTS-01"} | RFC_HTTP_RULES:
            self.assertEqual(got[rule]["status"], "not_applicable")
        # legacy-versions: TLS 1.0 and 1.1 are the §3.1.1 finding, with the RFC 8996 references;
        # fallback SCSV is honoured and every suite is forward-secret and strong.
        ver = self.results("legacy-versions", RFC[0])["RFC9325-VER-02"]
        self.assertIn("TLSv1", ver["message"])
        self.assertEqual(ver["severity"], "high")
        for rule in ("RFC9325-SCSV-01", "RFC9325-SUITE-01", "RFC9325-SUITE-02", "RFC9325-SUITE-03", "RFC9325-FS-01",
                     "RFC9325-SUITE-05", "RFC9325-ORDER-01", "RFC9325-RENEG-01", "RFC9325-COMP-01"):
            with self.subTest(endpoint="legacy-versions", rule=rule):
                self.assertStatus("legacy-versions", RFC[0], rule, "pass")
        # TLS 1.3 only: nothing to fall back to, no renegotiation, no TLS 1.2 order.
        for rule in ("RFC9325-SCSV-01", "RFC9325-RENEG-01", "RFC9325-ORDER-01"):
            self.assertStatus("tls13-only", RFC[0], rule, "not_applicable")
        if "vuln-patched" in self.endpoints:
            self.assertStatus("vuln-patched", RFC[0], "RFC9325-VULN-01", "pass")
            self.assertIn("Ticketbleed", self.results("vuln-ticketbleed", RFC[0])["RFC9325-VULN-01"]["message"])
        if "http-good" in self.endpoints:
            self.assertStatus("http-good", RFC[0], "RFC9325-HSTS-01", "pass")
            self.assertStatus("http-redirect", RFC[0], "RFC9325-REDIR-01", "pass")
            self.assertStatus("http-redirect", RFC[0], "RFC9325-HSTS-02", "pass")
        # A DHE suite in TLS 1.2 is a low "SHOULD NOT"; forward secrecy preferred is a high "MUST".
        self.assertEqual(self.results("dhe-1024", RFC[0])["RFC9325-SUITE-04"]["severity"], "low")
        self.assertEqual(self.results("static-rsa", RFC[0])["RFC9325-FS-01"]["severity"], "high")

    def test_mozilla_passes(self):
        for profile in (INT[0], MOD[0]):
            good = self.results("good", profile)
            with self.subTest(profile=profile):
                # A staple is judged only when sent: none is sent here, and that passes.
                ocsp = "MOZ-INT-OCSP-01" if profile == INT[0] else "MOZ-MOD-OCSP-01"
                self.assertEqual(good[ocsp]["status"], "pass", good[ocsp].get("message"))
                if "stapling" in self.endpoints:
                    self.assertStatus("stapling", profile, ocsp, "pass")
                    self.assertIn("good", self.results("stapling", profile)[ocsp]["message"])
        # Mozilla's verdict on ChaCha20 and X25519: accepted (tls12-aead offers ECDHE-RSA-CHACHA20-POLY1305).
        self.assertIn("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", self.facts("tls12-aead", "tls_suites")["accepted"])
        for rule in ("MOZ-INT-SUITE-01", "MOZ-INT-SUITE-02", "MOZ-INT-GRP-02", "MOZ-INT-KEX-01", "MOZ-INT-CERT-KEY-01",
                     "MOZ-INT-CERT-SIG-01", "MOZ-INT-CERT-LIFE-01", "MOZ-INT-CERT-LIFE-02", "MOZ-INT-VER-01",
                     "MOZ-INT-VER-02"):
            with self.subTest(endpoint="tls12-aead", rule=rule):
                self.assertStatus("tls12-aead", INT[0], rule, "pass")
        # The TLS 1.3-only endpoint meets modern's version and suite rules; the ECDSA leaf its key rule.
        self.assertStatus("tls13-only", MOD[0], "MOZ-MOD-VER-01", "pass")
        self.assertStatus("tls13-only", MOD[0], "MOZ-MOD-SUITE-01", "pass")
        self.assertStatus("good-ec", MOD[0], "MOZ-MOD-CERT-KEY-01", "pass")
        # The lab leaves are valid for 90 days: within the 90-day maximum and recommendation.
        self.assertStatus("good", MOD[0], "MOZ-MOD-CERT-LIFE-01", "pass")
        self.assertStatus("good", INT[0], "MOZ-INT-CERT-LIFE-02", "pass")
        if "http-good" in self.endpoints:  # max-age=63072000, exactly two years
            self.assertStatus("http-good", INT[0], "MOZ-INT-HSTS-01", "pass")
            self.assertStatus("http-good", MOD[0], "MOZ-MOD-HSTS-01", "pass")
        # Severities: the post-quantum group is information, the 90-day recommendation low.
        good = self.results("good", INT[0])
        self.assertEqual(good["MOZ-INT-GRP-03"]["severity"], "info")
        self.assertEqual(good["MOZ-INT-CERT-LIFE-02"]["severity"], "low")

    def test_rules_keep_to_their_services(self):
        for name in self.endpoints:
            service = self.endpoints[name].get("service") or "tls"
            with self.subTest(endpoint=name):
                rfc = self.results(name, RFC[0])
                if service != "https":
                    self.assertEqual(rfc["RFC9325-HSTS-01"]["status"], "not_applicable")
                    self.assertEqual(self.results(name, INT[0])["MOZ-INT-HSTS-01"]["status"], "not_applicable")
                    self.assertEqual(self.results(name, MOD[0])["MOZ-MOD-HSTS-01"]["status"], "not_applicable")
                if service == "http":  # plain HTTP: only the two http rules apply
                    self.assertEqual({r for r, x in rfc.items() if x["status"] != "not_applicable"}, RFC_HTTP_RULES)
                    for profile in (INT[0], MOD[0]):
                        self.assertEqual({x["status"] for x in self.results(name, profile).values()},
                                         {"not_applicable"})
                else:
                    for rule in RFC_HTTP_RULES:
                        self.assertEqual(rfc[rule]["status"], "not_applicable")

    def test_premises(self):
        """The lab details the expectations above rest on, as the probes observed them."""
        # The downgrade sentinel: present when a TLS 1.2+1.3 server is held to TLS 1.2.
        self.assertEqual(self.facts("good", "tls_features")["downgrade_sentinel"], "present")
        self.assertEqual(self.facts("tls13-only", "tls_features")["downgrade_sentinel"], "not_applicable")
        # FS-01: nginx defaults follow the client's order, so the code-point-first TLS_RSA suite wins.
        tls12 = {v["version"]: v for v in self.facts("good", "tls_suites")["per_version"]}["TLSv1.2"]
        self.assertEqual(tls12["preference"], "client")
        self.assertEqual(tls12["suites"][0]["name"], "TLS_RSA_WITH_AES_128_CBC_SHA")
        # GRP-01 and GRP-03: OpenSSL 3.0's default groups, and no ML-KEM.
        groups = set(self.facts("good", "tls_groups")["accepted"])
        self.assertTrue({"x448", "secp521r1", "ffdhe2048"} <= groups, groups)
        for name in self.endpoints:
            if name in RECORDED or name in PLAIN_HTTP:
                continue
            self.assertNotIn("X25519MLKEM768", self.facts(name, "tls_groups")["accepted"], name)
        # MOZ-MOD-CERT-SIG-01: the ECDSA leaf is signed by the lab's RSA intermediate.
        chain = self.facts("good-ec", "tls")["chain"]
        self.assertEqual((chain[0]["key"]["type"], chain[0]["key"]["curve"]), ("EC", "prime256v1"))
        self.assertEqual(chain[0]["signature"]["algorithm"], "sha256WithRSAEncryption")

    def evaluate(self, out, facts_report, profile):
        out_dir = self.tmpdir(out)
        facts_path = out_dir / "facts.json"
        facts_path.write_text(json.dumps(facts_report), encoding="utf-8")
        r = labtest.run(["evaluate", "--facts", facts_path, "--profile", profile, "--out", out_dir / "eval"])
        self.assertIn(r.returncode, (labtest.EXIT_OK, EXIT_FAIL), r.describe())
        return labtest.load_report(out_dir / "eval" / "report.json")

    def test_fact_rules_fail_on_the_facts_they_guard(self):
        """Two rules no lab server can fail or pass, on hand-edited copies of the saved facts:
        a TLS 1.3 server negotiating TLS 1.2 without the DOWNGRD sentinel (every lab TLS 1.3
        server sets it), and a leaf signed with ECDSA (every lab leaf is RSA-signed)."""
        edited = json.loads(json.dumps(self.report))
        target = self.target_id("good", edited)
        for t in edited["targets"]:
            if t["id"] == target:
                t["facts"]["tls_features"]["data"]["downgrade_sentinel"] = "absent"
                t["facts"]["tls"]["data"]["chain"][0]["signature"]["algorithm"] = "ecdsa-with-SHA256"
        report = self.evaluate("eval-downgrade", edited, RFC[1])
        self.assertEqual(self.results("good", RFC[0], report)["RFC9325-DOWNGRADE-01"]["status"], "fail")
        fails = {r for r, x in self.results("good", RFC[0], report).items() if x["status"] == "fail"}
        self.assertEqual(fails, RFC_FAILS["good"] | {"RFC9325-DOWNGRADE-01"})
        report = self.evaluate("eval-ecdsa-signed", edited, MOD[1])
        self.assertEqual(self.results("good", MOD[0], report)["MOZ-MOD-CERT-SIG-01"]["status"], "pass")


if __name__ == "__main__":
    labtest.main()
