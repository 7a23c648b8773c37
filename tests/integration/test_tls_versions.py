#!/usr/bin/env python3
"""The tls_versions probe and tls.protocol_versions against the whole lab.

What each endpoint accepts is not written down here: openssl s_client tries
every version flag (-tls1 ... -tls1_3) against every lab endpoint that speaks
TLS (see tlsderive.py), and the scanner's tls_versions facts must name exactly
the versions in which s_client completed a handshake. SSLv2 and SSLv3 cannot be
tried with Debian 12's s_client and no Debian 12 library serves them
(LAB-NOTES), so no lab endpoint may be reported as accepting them.

The scan uses tests/integration/profiles/tls-config.yaml, whose
LAB-TLS-VERSIONS allows TLS 1.2 and 1.3 only: an endpoint fails it exactly
when s_client completed a TLS 1.0 or 1.1 handshake.
"""

import json
import re
import time

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-config.yaml"
PROFILE_ID = "lab-tls-config"
RULE = "LAB-TLS-VERSIONS"
NAMES = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
SILENT = ("blackhole", "none")


class TlsVersionsTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speaking = [e for e in cls.lab.endpoints.values() if e["server"] not in SILENT]
        cls.silent = [e["name"] for e in cls.lab.endpoints.values() if e["server"] in SILENT]
        start = time.monotonic()
        cls.observed = tlsderive.observe_all(cls.speaking, with_suites=False)
        cls.derive_seconds = time.monotonic() - start
        cls.result, cls.report = cls.scan(
            "tls-config", "--targets", cls.lab.inventory, "--profile", PROFILE, "--ca-file", cls.lab.ca_file)
        print(f"\ns_client: {tlsderive.HANDSHAKES.value} handshakes in {cls.derive_seconds:.1f} s; "
              f"scan of the whole lab ({len(cls.lab.endpoints)} endpoints) with {PROFILE.name}: "
              f"{cls.result.seconds:.1f} s wall time, exit code {cls.result.returncode}")
        if cls.report:
            for name in cls.lab.endpoints:
                record = tlsderive.facts(cls.report, cls.lab.address(name), "tls_versions") or {}
                data = record.get("data") or {}
                print(f"  {name:16} tls_versions {record.get('status', 'absent'):6} "
                      f"connections={data.get('connections')} accepted={data.get('accepted')}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def versions_data(self, name):
        record = tlsderive.facts(self.report, self.lab.address(name), "tls_versions")
        self.assertIsNotNone(record, f"{name}: no tls_versions facts")
        self.assertEqual(record["status"], "ok", f"{name}: {record}")
        return record["data"]

    def test_exit_code_is_1(self):
        # Failures (legacy versions), and error results for the blackhole and the closed port.
        self.assertExit(self.result, labtest.EXIT_FAIL)

    def test_s_client_saw_the_configured_versions(self):
        # The lab itself: what s_client sees is what lab.sh configured (pinned,
        # so that a lab change cannot quietly change what is tested).
        expected = {
            "tls13-only": {"TLSv1.3"},
            "tls12-aead": {"TLSv1.2", "TLSv1.3"},
            "legacy-versions": {"TLSv1", "TLSv1.1", "TLSv1.2"},
            "cbc-only": {"TLSv1.2"}, "static-rsa": {"TLSv1.2"}, "client-order": {"TLSv1.2"},
            "3des": {"TLSv1.2"}, "dhe-1024": {"TLSv1.2"},
            "good": {"TLSv1.2", "TLSv1.3"}, "good-ec": {"TLSv1.2", "TLSv1.3"},
        }
        for name, versions in expected.items():
            with self.subTest(endpoint=name):
                self.assertEqual(self.observed[name].accepted_versions(), versions)
        for name, e in self.lab.endpoints.items():
            if "tls" in e:
                with self.subTest(endpoint=name, source="endpoints.json"):
                    self.assertEqual(self.observed[name].accepted_versions(), set(e["tls"]["versions"]))

    def test_accepted_versions_equal_s_client(self):
        for name, o in self.observed.items():
            with self.subTest(endpoint=name):
                data = self.versions_data(name)
                self.assertEqual(set(data["accepted"]), o.accepted_versions(),
                                 f"{name}: scanner accepted {data['accepted']}, s_client {sorted(o.accepted_versions())}"
                                 f"\nprotocols: {json.dumps(data.get('protocols'), indent=1)}")
                self.assertEqual(len(data["accepted"]), len(set(data["accepted"])), "no duplicates")

    def test_no_ssl_2_or_3(self):
        for name in self.observed:
            with self.subTest(endpoint=name):
                data = self.versions_data(name)
                for p in data["protocols"]:
                    if p["version"] in tlsderive.UNOBSERVABLE_VERSIONS:
                        self.assertFalse(p["accepted"], f"{name}: {p}")

    def test_protocol_entries(self):
        for name, o in self.observed.items():
            with self.subTest(endpoint=name):
                data = self.versions_data(name)
                entries = data["protocols"]
                seen = [p["version"] for p in entries]
                self.assertEqual(len(seen), len(set(seen)), f"one entry per version: {seen}")
                self.assertTrue(set(seen) <= set(NAMES), seen)
                # Every TLS version was tried, and each entry says what decided it.
                self.assertTrue(set(tlsderive.VERSIONS) <= set(seen), f"{name}: versions tried {seen}")
                for p in entries:
                    self.assertIsInstance(p["accepted"], bool, p)
                    self.assertTrue(isinstance(p.get("evidence"), str) and p["evidence"].strip(), p)
                    if p["version"] in tlsderive.VERSIONS:
                        self.assertEqual(p["accepted"], o.versions[p["version"]], f"{name}: {p}")
                self.assertEqual({p["version"] for p in entries if p["accepted"]}, set(data["accepted"]))

    def test_highest(self):
        for name, o in self.observed.items():
            with self.subTest(endpoint=name):
                data = self.versions_data(name)
                self.assertEqual(data["highest"], max(o.accepted_versions(), key=NAMES.index))

    def test_connections_are_counted(self):
        for name in self.observed:
            with self.subTest(endpoint=name):
                n = self.versions_data(name)["connections"]
                self.assertIsInstance(n, int)
                # At least one connection per TLS version; and bounded.
                self.assertGreaterEqual(n, len(tlsderive.VERSIONS))
                self.assertLess(n, 100)

    def test_silent_endpoints_are_errors(self):
        for name in self.silent:
            with self.subTest(endpoint=name):
                record = tlsderive.facts(self.report, self.lab.address(name), "tls_versions")
                self.assertIsNotNone(record, f"{name}: no tls_versions record")
                self.assertEqual(record["status"], "error", record)
                self.assertTrue(record.get("error"), record)
                self.assertEqual(labtest.statuses(self.report, self.lab.address(name), PROFILE_ID)[RULE], "error")

    def test_versions_rule_follows_s_client(self):
        for name, o in self.observed.items():
            with self.subTest(endpoint=name):
                bad = tlsderive.offending(o, RULE)
                index = labtest.results_by(self.report)
                r = index[(self.lab.address(name), RULE)]
                self.assertEqual(r["status"], "fail" if bad else "pass", f"{name}: {r.get('message')}\n{r}")
                if bad:
                    text = json.dumps(r["evidence"]) + r.get("message", "")
                    for v in bad:
                        self.assertRegex(text, rf"\b{re.escape(v)}(?![.0-9])", f"{name}: the evidence names {v}")

    def test_legacy_versions_fails_and_tls13_only_passes(self):
        # The brief's examples, as a readable anchor for the derived assertions above.
        s = labtest.statuses(self.report, self.lab.address("legacy-versions"), PROFILE_ID)
        self.assertEqual(s[RULE], "fail")
        s = labtest.statuses(self.report, self.lab.address("tls13-only"), PROFILE_ID)
        self.assertEqual(s[RULE], "pass")


if __name__ == "__main__":
    labtest.main()
