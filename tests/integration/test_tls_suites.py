#!/usr/bin/env python3
"""The tls_suites probe and the suite check types against the lab.

Expectations are derived, not written down: for a handful of endpoints
(SUITE_ENDPOINTS: the eight TLS-configuration endpoints, the good nginx one
and the rsa1024 s_server at @SECLEVEL=0, which also serves anonymous suites and
TLS 1.0/1.1), openssl s_client enumerates the accepted suites of every
accepted version by elimination, and tells server order from client order;
gnutls-cli adds the 3DES suites that Debian's libssl cannot offer (see
tlsderive.py). Each handshake costs tens of milliseconds, so the rest of the
lab (configured like one of these) is only checked for consistent facts and
for no `error` on a reachable endpoint.

Then one scan of the whole lab with tests/integration/profiles/tls-config.yaml,
and per endpoint and version:
  * the scanner's suites are a superset of those s_client saw accepted,
  * and contain none that s_client (or gnutls-cli) offered and saw refused;
  * the scanner's server/client preference agrees wherever a client could tell;
  * each rule's status is the one its property implies for the suites seen.
"""

import json
import time

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-config.yaml"
PROFILE_ID = "lab-tls-config"
SUITE_ENDPOINTS = ("rsa1024", "good", "tls13-only", "tls12-aead", "legacy-versions", "cbc-only", "static-rsa",
                   "client-order", "3des", "dhe-1024")
SILENT = ("blackhole", "none")

# What the lab's TLS-configuration endpoints were built to fail (the brief;
# dhe-1024 serves a single suite, so its LAB-TLS-ORDER may also be
# not_applicable). The derived expectations must come out as this table, so a
# lab that drifted from its intent fails here rather than testing less.
INTENDED_FAILURES = {
    "tls13-only": set(),
    "tls12-aead": set(),
    "legacy-versions": {"LAB-TLS-VERSIONS", "LAB-TLS-CBC"},
    "cbc-only": {"LAB-TLS-CBC", "LAB-TLS-FS"},
    "static-rsa": {"LAB-TLS-FS", "LAB-TLS-CBC"},
    "client-order": {"LAB-TLS-ORDER"},
    "3des": {"LAB-TLS-WEAK", "LAB-TLS-CBC", "LAB-TLS-ORDER"},   # GnuTLS honours the client's order
    "dhe-1024": set(),
}

# Without gnutls-cli no client here can see a 3DES suite (Debian's libssl has
# none). Then the 3des endpoint's 3DES suite is asserted from its configured
# GnuTLS priority string (lab.sh TLS_CONFIG: +ECDHE-RSA ... +3DES-CBC), the
# only suite asserted from configuration rather than observation.
CONFIGURED_3DES = {"3des": ("TLSv1.2", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "0xc012")}


class TlsSuitesTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = time.monotonic()
        cls.observed = tlsderive.observe_all([cls.lab.endpoint(n) for n in SUITE_ENDPOINTS])
        cls.derive_seconds = time.monotonic() - start
        if not tlsderive.gnutls_cli_available():
            for name, (version, iana, code) in CONFIGURED_3DES.items():
                cls.observed[name].accepted[version].append(tlsderive.Suite(code, iana, None, "SSLv3", "ECDHE", "RSA"))
                cls.observed[name].notes.append("3DES suite from the configured priority string")
        cls.result, cls.report = cls.scan(
            "tls-config", "--targets", cls.lab.inventory, "--profile", PROFILE, "--ca-file", cls.lab.ca_file)
        print(f"\nclients: {tlsderive.HANDSHAKES.value} handshakes in {cls.derive_seconds:.1f} s "
              f"(gnutls-cli {'used' if tlsderive.gnutls_cli_available() else 'NOT installed'}); "
              f"scan of the whole lab ({len(cls.lab.endpoints)} endpoints) with {PROFILE.name}: "
              f"{cls.result.seconds:.1f} s wall time, exit code {cls.result.returncode}")
        if cls.report:
            for name in cls.lab.endpoints:
                v = (tlsderive.facts(cls.report, cls.lab.address(name), "tls_versions") or {}).get("data") or {}
                s = tlsderive.facts(cls.report, cls.lab.address(name), "tls_suites") or {}
                o = cls.observed.get(name)
                print(f"  {name:16} connections: tls_versions={v.get('connections')} "
                      f"tls_suites={(s.get('data') or {}).get('connections')} ({s.get('status', 'absent')})"
                      + (f"; clients used {o.handshakes}" if o else ""))

    def setUp(self):
        self.assertReport(self.result, self.report)

    def suites_data(self, name):
        record = tlsderive.facts(self.report, self.lab.address(name), "tls_suites")
        self.assertIsNotNone(record, f"{name}: no tls_suites facts")
        self.assertEqual(record["status"], "ok", f"{name}: {record}")
        return record["data"]

    def per_version(self, name):
        entries = self.suites_data(name)["per_version"]
        versions = [e["version"] for e in entries]
        self.assertEqual(len(versions), len(set(versions)), f"{name}: one entry per version: {versions}")
        return {e["version"]: e for e in entries}

    def codes(self, entry):
        return {s["code"].lower() for s in entry["suites"]}

    # ---- the derivation itself --------------------------------------------------

    def test_derived_expectations_are_the_intended_ones(self):
        for name, intended in INTENDED_FAILURES.items():
            with self.subTest(endpoint=name):
                o = self.observed[name]
                got = {rule for rule, st in tlsderive.expected_statuses(o).items() if st == {"fail"}}
                self.assertEqual(got, intended, f"{name}: s_client saw {self.describe(o)}")

    def test_configured_suites_were_seen(self):
        # Every OpenSSL suite lab.sh configured that the RSA certificate can serve.
        for name in SUITE_ENDPOINTS:
            tls = self.lab.endpoint(name).get("tls")
            if not tls:
                continue
            with self.subTest(endpoint=name):
                seen = {s.openssl for s in self.observed[name].all_accepted()}
                for suite in tls["suites_openssl"]:
                    if "ECDSA" not in suite:
                        self.assertIn(suite, seen)

    # ---- facts ------------------------------------------------------------------

    def test_suites_superset_of_what_clients_saw(self):
        for name, o in self.observed.items():
            per_version = self.per_version(name)
            for version in o.accepted:
                with self.subTest(endpoint=name, version=version):
                    self.assertIn(version, per_version, f"{name}: no {version} entry")
                    missing = o.accepted_codes(version) - self.codes(per_version[version])
                    self.assertFalse(missing, f"{name} {version}: the clients saw "
                                     f"{[s for s in o.accepted[version] if s.code in missing]} accepted; "
                                     f"the scanner lists {[s['name'] for s in per_version[version]['suites']]}")

    def test_no_suite_the_clients_saw_refused(self):
        for name, o in self.observed.items():
            per_version = self.per_version(name)
            for version in o.refused:
                with self.subTest(endpoint=name, version=version):
                    extra = o.refused_codes(version) & self.codes(per_version.get(version, {"suites": []}))
                    self.assertFalse(extra, f"{name} {version}: the scanner lists "
                                     f"{[s for s in o.refused[version] if s.code in extra]}, which were offered "
                                     "to the server and refused")

    def test_no_suites_in_versions_not_accepted(self):
        for name, o in self.observed.items():
            for version, entry in self.per_version(name).items():
                if version not in o.accepted_versions():
                    with self.subTest(endpoint=name, version=version):
                        self.assertEqual(entry["suites"], [], f"{name}: suites listed for refused {version}")

    def test_suite_names_and_codes_agree_with_openssl(self):
        for name, o in self.observed.items():
            per_version = self.per_version(name)
            for version, suites in o.accepted.items():
                listed = {s["code"].lower(): s["name"] for s in per_version.get(version, {"suites": []})["suites"]}
                for s in suites:
                    if s.code in listed:
                        with self.subTest(endpoint=name, version=version, code=s.code):
                            self.assertEqual(listed[s.code], s.iana)

    def test_enumeration_complete(self):
        for name in self.observed:
            for version, entry in self.per_version(name).items():
                with self.subTest(endpoint=name, version=version):
                    self.assertIs(entry["complete"], True, f"{name} {version}: {entry.get('note')}")

    def test_preference_agrees_with_clients(self):
        for name, o in self.observed.items():
            per_version = self.per_version(name)
            for version, pref in o.preference.items():
                if pref == "unknown":
                    continue
                with self.subTest(endpoint=name, version=version):
                    self.assertEqual(per_version[version]["preference"], pref,
                                     f"{name} {version}: {per_version[version]}")

    def test_preference_of_the_order_endpoints(self):
        aead = self.per_version("tls12-aead")
        self.assertEqual(aead["TLSv1.2"]["preference"], "server")
        self.assertEqual(aead["TLSv1.3"]["preference"], "server")
        self.assertEqual(self.per_version("client-order")["TLSv1.2"]["preference"], "client")

    def test_facts_consistent_on_every_reachable_endpoint(self):
        for name, e in self.lab.endpoints.items():
            if e["server"] in SILENT:
                continue
            with self.subTest(endpoint=name):
                data = self.suites_data(name)
                names = {s["name"] for entry in data["per_version"] for s in entry["suites"]}
                self.assertEqual(set(data["accepted"]), names, "accepted is the union of per_version")
                self.assertIn(data["connections"], range(1, 2000))
                for entry in data["per_version"]:
                    self.assertIn(entry["preference"], ("server", "client", "unknown"), entry)
                    for s in entry["suites"]:
                        self.assertRegex(s["code"], r"^0x[0-9a-fA-F]{4}$", s)
                versions = (tlsderive.facts(self.report, self.lab.address(name), "tls_versions") or {}).get("data")
                if versions:
                    with_suites = {entry["version"] for entry in data["per_version"] if entry["suites"]}
                    self.assertEqual(with_suites, set(versions["accepted"]),
                                     "suites are listed for exactly the accepted versions")

    def test_silent_endpoints_are_errors(self):
        for name, e in self.lab.endpoints.items():
            if e["server"] not in SILENT:
                continue
            with self.subTest(endpoint=name):
                record = tlsderive.facts(self.report, self.lab.address(name), "tls_suites")
                self.assertIsNotNone(record, f"{name}: no tls_suites record")
                self.assertEqual(record["status"], "error", record)
                got = labtest.statuses(self.report, self.lab.address(name), PROFILE_ID)
                self.assertEqual(got, {rule: "error" for rule in tlsderive.RULES})

    # ---- rules --------------------------------------------------------------------

    def test_one_result_per_target_and_rule(self):
        index = labtest.results_by(self.report, "target", "profile", "rule")
        expected = {(self.lab.address(n), PROFILE_ID, rule) for n in self.lab.endpoints for rule in tlsderive.RULES}
        self.assertEqual(set(index), expected)

    def test_rules_follow_the_clients(self):
        index = labtest.results_by(self.report)
        for name, o in self.observed.items():
            for rule, acceptable in tlsderive.expected_statuses(o).items():
                with self.subTest(endpoint=name, rule=rule):
                    r = index[(self.lab.address(name), rule)]
                    self.assertIn(r["status"], acceptable,
                                  f"{name} {rule}: {r.get('message')}\nevidence {json.dumps(r.get('evidence'))}\n"
                                  f"the clients saw {self.describe(o)}")

    def test_failures_name_what_failed(self):
        index = labtest.results_by(self.report)
        for name, o in self.observed.items():
            for rule in ("LAB-TLS-WEAK", "LAB-TLS-FS", "LAB-TLS-CBC"):
                bad = tlsderive.offending(o, rule)
                if not bad:
                    continue
                with self.subTest(endpoint=name, rule=rule):
                    r = index[(self.lab.address(name), rule)]
                    text = json.dumps(r.get("evidence")) + r.get("message", "")
                    codes = {s.iana: s.code for s in o.all_accepted()}
                    self.assertTrue(any(b in text or codes[b] in text.lower() for b in bad),
                                    f"{name} {rule}: the evidence names none of {bad}: {text}")

    def test_the_brief_examples(self):
        def status(name, rule):
            return labtest.statuses(self.report, self.lab.address(name), PROFILE_ID)[rule]

        self.assertEqual(status("legacy-versions", "LAB-TLS-VERSIONS"), "fail")
        self.assertEqual(status("static-rsa", "LAB-TLS-FS"), "fail")
        self.assertEqual(status("3des", "LAB-TLS-WEAK"), "fail")
        self.assertEqual(labtest.statuses(self.report, self.lab.address("tls13-only"), PROFILE_ID),
                         {rule: "pass" for rule in tlsderive.RULES})

    def test_no_errors_on_reachable_endpoints(self):
        for name, e in self.lab.endpoints.items():
            if e["server"] in SILENT:
                continue
            with self.subTest(endpoint=name):
                got = labtest.statuses(self.report, self.lab.address(name), PROFILE_ID)
                self.assertNotIn("error", got.values(), got)

    @staticmethod
    def describe(o):
        return json.dumps({"versions": sorted(o.accepted_versions()),
                           "suites": {v: [s.iana for s in l] for v, l in o.accepted.items()},
                           "preference": o.preference, "notes": o.notes}, indent=1)


if __name__ == "__main__":
    labtest.main()
