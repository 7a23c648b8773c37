#!/usr/bin/env python3
"""The shipped SSH and web-header profiles against the lab parts "ssh" and "http".

Profiles: profiles/ietf/rfc9142-ssh.yaml, profiles/bsi/tr-02102-4.yaml and
profiles/owasp/web-headers.yaml, scanned together in one run (each rule keeps
to its own services, so the SSH rules are not applicable to the web targets
and the other way round).

Endpoints (tests/lab/parts/ssh.sh, tests/lab/parts/http.sh):

  ssh-hardened  sntrup761x25519/curve25519, chacha20/AES-GCM, etm MACs, ed25519 + RSA 4096
  ssh-weak      group1-sha1/group14-sha1/group14-sha256, aes128-cbc/3des-cbc/aes128-ctr,
                hmac-sha1/hmac-md5, ssh-rsa/rsa-sha2-256 (RSA 1024) and ssh-dss (DSA 1024)
  ssh-gex       group-exchange sha256 and sha1 only, 2048-bit moduli, ed25519, default ciphers/MACs
  ssh-default   Debian's OpenSSH 9.2 defaults (group14-sha256, gex with /etc/ssh/moduli,
                hmac-sha1 and umac-64 among the MACs), ed25519 + ECDSA P-256 + RSA 3072
  ssh-v1        "SSH-1.5-" banner only;  ssh-v199  "SSH-1.99-" banner only
  http-good     https: HSTS 2 years + includeSubDomains, nosniff, frame-ancestors 'none',
                Referrer-Policy, a Secure; HttpOnly; SameSite=Strict cookie, Server: nginx
  http-weak     https: no HSTS or security headers, Server: nginx/1.22.1, X-Powered-By:
                PHP/8.2.7, two cookies without attributes
  http-redirect plain: 301 to https://demo.test:18610/
  http-plain    plain: 200 with an HSTS header
  http-offhost  plain: 302 to https://www.example.org/

Each endpoint's failing rules are asserted exactly, every other applicable rule
must pass; test_premises checks, from the probes' own facts, the lab details
those expectations rest on (test_ssh.py and test_http.py compare the facts
themselves with ssh -vv, ssh-keyscan and curl).
"""

import re

import labtest
import tlsderive

PROFILES = labtest.SOURCE / "profiles"
RFC9142 = ("ietf-rfc9142-ssh", PROFILES / "ietf" / "rfc9142-ssh.yaml")
BSI4 = ("bsi-tr-02102-4", PROFILES / "bsi" / "tr-02102-4.yaml")
OWASP = ("owasp-web-headers", PROFILES / "owasp" / "web-headers.yaml")
TIMEOUT = 3  # the scan's --timeout, seconds

SSHD = ("ssh-hardened", "ssh-weak", "ssh-gex", "ssh-default")
SSH_FAKE = ("ssh-v1", "ssh-v199")
WEB_TLS = ("http-good", "http-weak")
WEB_PLAIN = ("http-redirect", "http-plain", "http-offhost")

RFC9142_RULES = {"RFC9142-PROTO-01", "RFC9142-KEX-01", "RFC9142-KEX-02", "RFC9142-HK-01", "RFC9142-CIPH-01",
                 "RFC9142-CIPH-02", "RFC9142-MAC-01", "RFC9142-MAC-02", "RFC9142-STRICT-01", "RFC9142-DH-01",
                 "RFC9142-DH-02", "RFC9142-HKSIZE-01", "RFC9142-PQ-01", "RFC9142-BANNER-01"}
BSI4_RULES = {"BSI4-PROTO-01", "BSI4-KEX-01", "BSI4-KEX-02", "BSI4-DH-01", "BSI4-CIPH-01", "BSI4-CIPH-02",
              "BSI4-MAC-01", "BSI4-MAC-02", "BSI4-HK-01", "BSI4-HK-02", "BSI4-HKSIZE-01"}
OWASP_TLS_RULES = {"OWASP-HSTS-01", "OWASP-XCTO-01", "OWASP-FRAME-01", "OWASP-REFPOL-01", "OWASP-DISCLOSE-01",
                   "OWASP-COOKIE-01"}
OWASP_PLAIN_RULES = {"OWASP-HSTS-02", "OWASP-REDIR-01", "OWASP-DISCLOSE-01"}
OWASP_RULES = OWASP_TLS_RULES | OWASP_PLAIN_RULES

# Every OpenSSH of the lab sends "SSH-2.0-OpenSSH_9.2p1 Debian-...": RFC9142-BANNER-01 (info) fails on all.
RFC9142_FAILS = {
    "ssh-hardened": {"RFC9142-BANNER-01"},
    "ssh-weak": {
        "RFC9142-KEX-01",     # diffie-hellman-group1-sha1 (SHOULD NOT)
        "RFC9142-KEX-02",     # group1-sha1, group14-sha1
        "RFC9142-HK-01",      # ssh-rsa, ssh-dss
        "RFC9142-CIPH-02",    # aes128-cbc, 3des-cbc
        "RFC9142-MAC-01",     # hmac-sha1, hmac-md5
        "RFC9142-MAC-02",     # both are encrypt-and-MAC
        "RFC9142-HKSIZE-01",  # RSA 1024, DSA 1024
        "RFC9142-PQ-01",      # no hybrid key exchange
        "RFC9142-BANNER-01",
    },  # DH-01/02 pass: no group exchange (its fixed groups are judged by name in KEX-01)
    "ssh-gex": {
        "RFC9142-KEX-01",     # diffie-hellman-group-exchange-sha1 (SHOULD NOT)
        "RFC9142-KEX-02",
        "RFC9142-MAC-01",     # OpenSSH's default MACs: hmac-sha1(-etm), umac-64(-etm)
        "RFC9142-MAC-02",     # ... and the non-etm forms
        "RFC9142-DH-02",      # 2048-bit moduli: at least 2048 (DH-01 passes), below 3072
        "RFC9142-PQ-01",
        "RFC9142-BANNER-01",
    },
    "ssh-default": {"RFC9142-MAC-01", "RFC9142-MAC-02", "RFC9142-DH-02", "RFC9142-BANNER-01"},
}

# BSI TR-02102-4 lists neither curve25519 nor the PQ hybrids, chacha20-poly1305, ssh-ed25519
# or umac: the low-severity "-02" allow-list rules fail on them; the "-01" rules only on weak ones.
BSI4_FAILS = {
    "ssh-hardened": {"BSI4-KEX-02", "BSI4-CIPH-02", "BSI4-HK-02"},
    "ssh-weak": BSI4_RULES - {"BSI4-PROTO-01"},
    "ssh-gex": {
        "BSI4-KEX-01", "BSI4-KEX-02",  # group-exchange-sha1
        "BSI4-DH-01",                  # 2048-bit moduli < 3000
        "BSI4-CIPH-02",                # chacha20-poly1305
        "BSI4-MAC-01", "BSI4-MAC-02",  # hmac-sha1; umac
        "BSI4-HK-02",                  # ssh-ed25519
    },
    "ssh-default": {"BSI4-KEX-02", "BSI4-DH-01", "BSI4-CIPH-02", "BSI4-MAC-01", "BSI4-MAC-02", "BSI4-HK-02"},
}

OWASP_FAILS = {
    "http-good": set(),
    "http-weak": OWASP_TLS_RULES,
    "http-redirect": set(),
    "http-plain": {"OWASP-REDIR-01", "OWASP-HSTS-02"},  # 200 with HSTS over plain HTTP
    "http-offhost": {"OWASP-REDIR-01"},                 # 302, and to another host
}


class ProfileSshWebTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ssh = cls.lab.part("ssh")
        cls.http = cls.lab.part("http")
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name in SSHD + SSH_FAKE:
            e = cls.ssh[name]
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, service: ssh}}")
        for name in WEB_TLS + WEB_PLAIN:
            e = cls.http[name]
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, service: {e['service']}, "
                         f"sni: {e['sni']}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.result, cls.report = cls.scan("profiles", "--targets", inventory, "--profile", RFC9142[1],
                                          "--profile", BSI4[1], "--profile", OWASP[1], "--ca-file", cls.lab.ca_file,
                                          timeout=str(TIMEOUT))
        print(f"\nscan with three profiles: {cls.result.seconds:.1f} s, exit {cls.result.returncode}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def target(self, name):
        e = self.ssh.get(name) or self.http[name]
        return f"{e['host']}:{e['port']}"

    def statuses(self, name, profile):
        return labtest.statuses(self.report, self.target(name), profile[0])

    def result_of(self, name, rule):
        hits = [r for r in self.report["results"] if r["target"] == self.target(name) and r["rule"] == rule]
        self.assertEqual(len(hits), 1, f"{name} {rule}")
        return hits[0]

    def facts(self, name, probe):
        record = tlsderive.facts(self.report, self.target(name), probe)
        self.assertIsNotNone(record, f"{name}: no {probe} facts")
        self.assertEqual(record["status"], "ok", f"{name}: {record.get('error')}")
        return record["data"]

    def assertExactly(self, name, profile, rules, fails, others="pass", not_applicable=()):
        expected = {rule: ("fail" if rule in fails else others) for rule in rules}
        expected.update({rule: "not_applicable" for rule in not_applicable})
        self.assertStatuses(self.report, self.target(name), expected, profile[0])

    def test_scan_ran_every_profile_and_found_failures(self):
        self.assertExit(self.result, labtest.EXIT_FAIL)
        self.assertEqual({p["id"] for p in self.report["profiles"]}, {RFC9142[0], BSI4[0], OWASP[0]})
        self.assertLess(self.result.seconds, 60)

    def test_rfc9142_ssh(self):
        for name, fails in RFC9142_FAILS.items():
            with self.subTest(endpoint=name):
                self.assertExactly(name, RFC9142, RFC9142_RULES, fails)

    def test_bsi_tr_02102_4(self):
        for name, fails in BSI4_FAILS.items():
            with self.subTest(endpoint=name):
                self.assertExactly(name, BSI4, BSI4_RULES, fails)

    def test_ssh1_servers_fail_the_version_rules_and_give_errors_for_the_rest(self):
        # The fakes close after their banner: no KEXINIT, so every algorithm rule is an error.
        # Their software versions ("FakeSSH1", "FakeSSH199") contain digits: the banner rule fails too.
        for name in SSH_FAKE:
            with self.subTest(endpoint=name):
                self.assertExactly(name, RFC9142, RFC9142_RULES, {"RFC9142-PROTO-01", "RFC9142-BANNER-01"},
                                   others="error")
                self.assertExactly(name, BSI4, BSI4_RULES, {"BSI4-PROTO-01"}, others="error")
        self.assertIn("1.99", self.result_of("ssh-v199", "RFC9142-PROTO-01")["message"])

    def test_owasp_web_headers(self):
        for name, fails in OWASP_FAILS.items():
            with self.subTest(endpoint=name):
                plain = name in WEB_PLAIN
                applicable = OWASP_PLAIN_RULES if plain else OWASP_TLS_RULES
                self.assertExactly(name, OWASP, applicable, fails, not_applicable=OWASP_RULES - applicable)

    def test_rules_keep_to_their_services(self):
        for name in SSHD + SSH_FAKE:
            with self.subTest(endpoint=name):
                self.assertEqual(set(self.statuses(name, OWASP).values()), {"not_applicable"})
        for name in WEB_TLS + WEB_PLAIN:
            with self.subTest(endpoint=name):
                self.assertEqual(set(self.statuses(name, RFC9142).values()), {"not_applicable"})
                self.assertEqual(set(self.statuses(name, BSI4).values()), {"not_applicable"})

    def test_premises(self):
        """The lab details the expectations above rest on, as the probes observed them."""
        for name in SSHD:
            data = self.facts(name, "ssh")
            with self.subTest(endpoint=name):
                self.assertTrue(data["software_version"].startswith("OpenSSH_9"))
                self.assertTrue(data["strict_kex"], "Debian's OpenSSH 9.2 sends the strict-KEX marker")
        hardened = self.facts("ssh-hardened", "ssh")
        self.assertIn("sntrup761x25519-sha512@openssh.com", hardened["kex_algorithms"])
        self.assertIn("chacha20-poly1305@openssh.com", hardened["ciphers_s2c"])
        self.assertEqual(sorted((k["family"], k["bits"]) for k in hardened["host_keys"]),
                         [("ed25519", 256), ("rsa", 4096)])
        weak = self.facts("ssh-weak", "ssh")
        self.assertEqual(sorted((k["family"], k["bits"]) for k in weak["host_keys"]), [("dsa", 1024), ("rsa", 1024)])
        self.assertEqual(weak["gex"], [])
        default = self.facts("ssh-default", "ssh")
        self.assertIn("hmac-sha1", default["macs_s2c"])
        self.assertIn("umac-64@openssh.com", default["macs_s2c"])
        self.assertIn("curve25519-sha256", default["kex_algorithms"])
        self.assertIn(2048, default["fixed_dh_bits"])  # diffie-hellman-group14-sha256
        for name in ("ssh-gex", "ssh-default"):
            gex = self.facts(name, "ssh")["gex"]
            with self.subTest(endpoint=name):
                self.assertEqual([g["modulus_bits"] for g in gex if g["modulus_bits"]], [2048])
        self.assertEqual([k for k in self.facts("ssh-gex", "ssh")["kex_algorithms"] if not k.startswith("kex-")],
                         ["diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1"])
        good = self.facts("http-good", "http")["chain"][0]
        self.assertTrue(good["tls_verified"])
        self.assertIn({"name": "server", "value": "nginx"}, good["headers"])
        offhost = self.facts("http-offhost", "http")["chain"][0]
        self.assertEqual((offhost["status"], offhost["location_same_host"]), (302, False))

    def test_verdicts_name_what_decided(self):
        def violations(name, rule):
            return sorted(v["name"] for v in self.result_of(name, rule)["evidence"]["observed"]["violations"])

        self.assertEqual(violations("ssh-gex", "RFC9142-KEX-01"), ["diffie-hellman-group-exchange-sha1"])
        self.assertEqual(violations("ssh-weak", "RFC9142-KEX-01"), ["diffie-hellman-group1-sha1"])
        self.assertEqual(violations("ssh-weak", "RFC9142-HK-01"), ["ssh-dss", "ssh-rsa"])
        self.assertEqual(violations("ssh-hardened", "BSI4-HK-02"), ["ssh-ed25519"])
        self.assertEqual(violations("ssh-hardened", "BSI4-CIPH-02"), ["chacha20-poly1305@openssh.com"])
        self.assertIn("curve25519-sha256", violations("ssh-hardened", "BSI4-KEX-02"))
        self.assertNotIn("hmac-sha2-256", violations("ssh-default", "BSI4-MAC-02"))
        self.assertIn("2048", self.result_of("ssh-gex", "RFC9142-DH-02")["message"])
        self.assertIn("1024", self.result_of("ssh-weak", "BSI4-HKSIZE-01")["message"])
        disclose = self.result_of("http-weak", "OWASP-DISCLOSE-01")["message"]
        self.assertIn("nginx/", disclose)
        self.assertIn("PHP/8.2.7", disclose)
        self.assertIn("max-age=31536000", self.result_of("http-plain", "OWASP-HSTS-02")["message"])

    def test_profiles_validate_and_cite_unverified_bsi_clauses(self):
        for pid, path in (RFC9142, BSI4, OWASP):
            with self.subTest(profile=pid):
                r = labtest.run(["profiles", "validate", path])
                self.assertExit(r, labtest.EXIT_OK)
                self.assertIn(pid, r.stdout)
        shown = labtest.run(["profiles", "show", BSI4[1]])
        self.assertExit(shown, labtest.EXIT_OK)
        cites = re.findall(r"BSI TR-02102-[14] §[^;\n]*", shown.stdout)
        self.assertTrue(cites)
        for cite in cites:
            self.assertIn("(unverified)", cite, "standards.md marks the TR-02102-4 lists ◐")


if __name__ == "__main__":
    labtest.main()
