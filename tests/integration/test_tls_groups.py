#!/usr/bin/env python3
"""The tls_groups probe and the tls.key_exchange check type against the lab.

Expectations are derived from openssl s_client, not written down. For every
reachable endpoint and every group of the IANA registry (by IANA name):
  * TLS 1.3 (where a -tls1_3 handshake completes): `-tls1_3 -groups NAME`;
    the group is accepted when the handshake completes with a
    "Server Temp Key:" line;
  * TLS 1.2: the same with `-tls1_2 -cipher ECDHE:@SECLEVEL=0`, for the
    elliptic-curve groups (ffdhe is not an ECDHE group in TLS 1.2); where
    the ECDHE handshake is signed with an ECDSA certificate, whose curve must
    stay offered (RFC 8422 §5.1), also `-groups NAME:P-256:P-384:P-521`
    (without NAME's own alias),
    accepted when the Server Temp Key is NAME (the lab's servers follow the
    client's order);
  * DHE: `-tls1_2 -cipher DHE:@SECLEVEL=0` with only EC groups listed (no
    RFC 7919 group, as the probe does); the size from "Server Temp Key: DH,
    N bits", 0 when the handshake fails.
A group the local OpenSSL cannot name ("Call to SSL_CONF_cmd(-groups, ...)
failed") is left out of the comparison on both sides.

Then one scan of the whole lab with tests/integration/profiles/tls-groups.yaml
(LAB-KEX-01: tls.key_exchange, min_dh_bits 2048, min_ec_security_bits 112):
  * the facts' TLS 1.3 and TLS 1.2 groups, restricted to the groups OpenSSL
    can name, equal the derived sets; dh_bits equals the derived size;
  * LAB-KEX-01 fails exactly where a derived DH prime is under 2048 bits or
    a derived group is under 112-bit security, is not_applicable where no
    ephemeral key exchange was seen, passes elsewhere, and errors on the
    silent endpoints.
"""

import concurrent.futures
import json
import re
import threading
import time

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-groups.yaml"
PROFILE_ID = "lab-tls-groups"
RULE = "LAB-KEX-01"
SILENT = ("blackhole", "none")

# The IANA "TLS Supported Groups" names s_client might know (hybrids and
# GOST included so that a newer OpenSSL is compared on them too).
EC_GROUPS = (
    "sect163k1", "sect163r1", "sect163r2", "sect193r1", "sect193r2", "sect233k1", "sect233r1", "sect239k1",
    "sect283k1", "sect283r1", "sect409k1", "sect409r1", "sect571k1", "sect571r1", "secp160k1", "secp160r1",
    "secp160r2", "secp192k1", "secp192r1", "secp224k1", "secp224r1", "secp256k1", "secp256r1", "secp384r1",
    "secp521r1", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1", "x25519", "x448",
    "brainpoolP256r1tls13", "brainpoolP384r1tls13", "brainpoolP512r1tls13", "curveSM2")
FFDHE_GROUPS = ("ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192")
HYBRID_GROUPS = ("SecP256r1MLKEM768", "X25519MLKEM768", "SecP384r1MLKEM1024")
# Classical security bits below 112 (the IANA table's estimates; SEC 2 levels).
UNDER_112 = {"sect163k1", "sect163r1", "sect163r2", "sect193r1", "sect193r2", "secp160k1", "secp160r1",
             "secp160r2", "secp192k1", "secp192r1"}
MIN_DH_BITS = 2048
EC_ONLY = "X25519:P-256:P-384:P-521:X448"

_unknown = set()
_unknown_lock = threading.Lock()


def handshake(e, *args):
    """(ok, temp-key line or None, output) for one s_client handshake."""
    hs = tlsderive.s_client(e["host"], e["port"], e["sni"], *args)
    m = re.search(r"^Server Temp Key: (.*)$", hs.output, re.M)
    return hs.ok, (m.group(1) if m else None), hs.output


def accepts(e, version_flag, group, *extra):
    """True/False, or None when the local OpenSSL cannot name GROUP."""
    ok, temp, out = handshake(e, version_flag, "-groups", group, *extra)
    if "SSL_CONF_cmd(-groups" in out:
        with _unknown_lock:
            _unknown.add(group)
        return None
    return bool(ok and temp)


def ecdsa_only(e):
    """True when the endpoint's TLS 1.2 ECDHE handshake is signed with an ECDSA certificate."""
    ok, _, out = handshake(e, "-tls1_2", "-cipher", "ECDHE:@SECLEVEL=0")
    return ok and "Cipher is ECDHE-ECDSA-" in out


# The NIST curves' OpenSSL aliases, by IANA name.
NIST_ALIASES = {"P-256": "secp256r1", "P-384": "secp384r1", "P-521": "secp521r1"}

# s_client's "Server Temp Key:" names for the groups whose IANA name differs.
TEMP_KEY_NAMES = {"prime256v1": "secp256r1", "prime192v1": "secp192r1"}


def chosen_with_cert_curves(e, group):
    """An ECDSA certificate's curve must be offered in TLS 1.2 (RFC 8422 5.1): offer GROUP first and the
    NIST curves after it; GROUP is accepted when the server (client order, as the lab's are) chooses it."""
    # A group listed twice (secp384r1 and its alias P-384) makes OpenSSL refuse the whole list.
    tail = [c for c in ("P-256", "P-384", "P-521") if NIST_ALIASES.get(c) != group.lower()]
    ok, temp, out = handshake(e, "-tls1_2", "-cipher", "ECDHE:@SECLEVEL=0", "-groups", ":".join([group, *tail]))
    if "SSL_CONF_cmd(-groups" in out:
        with _unknown_lock:
            _unknown.add(group)
        return False
    if not ok or not temp:
        return False
    fields = [f.strip() for f in temp.split(",")]
    name = fields[1] if fields[0] == "ECDH" and len(fields) > 2 else fields[0]
    return TEMP_KEY_NAMES.get(name, name).lower() == group.lower()


class Derived:
    def __init__(self, name):
        self.name = name
        self.versions = {}
        self.tls13 = set()
        self.tls12 = set()
        self.dh_bits = 0
        self.handshakes = 0

    def expected_status(self):
        groups = self.tls13 | self.tls12
        if (0 < self.dh_bits < MIN_DH_BITS or groups & UNDER_112 or
                any(int(g[5:]) < MIN_DH_BITS for g in groups if g.startswith("ffdhe"))):
            return "fail"
        if not groups and self.dh_bits == 0:
            return "not_applicable"
        return "pass"


def derive(e):
    before = tlsderive.HANDSHAKES.value
    d = Derived(e["name"])
    d.versions = tlsderive.observe_versions(e["host"], e["port"], e["sni"])
    if d.versions["TLSv1.3"]:
        d.tls13 = {g for g in EC_GROUPS + FFDHE_GROUPS + HYBRID_GROUPS if accepts(e, "-tls1_3", g)}
    if d.versions["TLSv1.2"]:
        d.tls12 = {g for g in EC_GROUPS if accepts(e, "-tls1_2", g, "-cipher", "ECDHE:@SECLEVEL=0")}
        if ecdsa_only(e):
            d.tls12 |= {g for g in EC_GROUPS if g not in d.tls12 and chosen_with_cert_curves(e, g)}
        ok, temp, _ = handshake(e, "-tls1_2", "-cipher", "DHE:@SECLEVEL=0", "-groups", EC_ONLY)
        m = re.match(r"DH, (\d+) bits", temp or "")
        d.dh_bits = int(m.group(1)) if ok and m else 0
    d.handshakes = tlsderive.HANDSHAKES.value - before  # approximate under concurrency
    return d


class TlsGroupsTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = time.monotonic()
        reachable = [e for e in cls.lab.endpoints.values() if e["server"] not in SILENT]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            cls.derived = {d.name: d for d in pool.map(derive, reachable)}
        cls.derive_seconds = time.monotonic() - start
        cls.unknown = set(_unknown)
        cls.result, cls.report = cls.scan(
            "tls-groups", "--targets", cls.lab.inventory, "--profile", PROFILE, "--ca-file", cls.lab.ca_file)
        print(f"\nclients: {tlsderive.HANDSHAKES.value} s_client handshakes in {cls.derive_seconds:.1f} s; "
              f"groups the local OpenSSL cannot name: {sorted(cls.unknown)}; scan of the whole lab: "
              f"{cls.result.seconds:.1f} s, exit code {cls.result.returncode}")
        if cls.report:
            for name in cls.lab.endpoints:
                rec = tlsderive.facts(cls.report, cls.lab.address(name), "tls_groups") or {}
                data = rec.get("data") or {}
                print(f"  {name:16} tls_groups: {rec.get('status', 'absent'):5} connections={data.get('connections')} "
                      f"tls13={len(data.get('tls13_groups') or [])} tls12={len(data.get('tls12_groups') or [])} "
                      f"dh_bits={data.get('dh_bits')}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def data(self, name):
        rec = tlsderive.facts(self.report, self.lab.address(name), "tls_groups")
        self.assertIsNotNone(rec, f"{name}: no tls_groups facts")
        self.assertEqual(rec["status"], "ok", f"{name}: {rec}")
        return rec["data"]

    def comparable(self, groups):
        return {g for g in groups if g not in self.unknown}

    def test_derivation_sees_the_intended_variety(self):
        self.assertEqual(self.derived["dhe-1024"].dh_bits, 1024)
        self.assertEqual(self.derived["good"].dh_bits, 0)   # nginx without ssl_dhparam: no DHE
        self.assertIn("x25519", self.derived["good"].tls13)
        self.assertEqual(self.derived["static-rsa"].tls12, set())
        self.assertIn("secp256r1", self.derived["3des"].tls12)   # GnuTLS
        # ECDSA P-256 certificate: TLS 1.2 groups beyond its own curve, seen only with it offered too
        self.assertLessEqual({"secp256r1", "x25519", "secp384r1"}, self.derived["good-ec"].tls12)

    def test_tls13_groups_equal_the_derived_set(self):
        for name, d in self.derived.items():
            with self.subTest(endpoint=name):
                got = self.data(name)["tls13_groups"]
                self.assertEqual(len(got), len(set(got)), f"{name}: duplicates in {got}")
                self.assertEqual(self.comparable(got), self.comparable(d.tls13),
                                 f"{name}: scanner {got}, s_client {sorted(d.tls13)}")

    def test_tls12_groups_equal_the_derived_set(self):
        for name, d in self.derived.items():
            with self.subTest(endpoint=name):
                got = self.data(name)["tls12_groups"]
                self.assertEqual(len(got), len(set(got)), f"{name}: duplicates in {got}")
                self.assertEqual(self.comparable(got), self.comparable(d.tls12),
                                 f"{name}: scanner {got}, s_client {sorted(d.tls12)}")

    def test_dh_bits_equal_the_derived_size(self):
        for name, d in self.derived.items():
            with self.subTest(endpoint=name):
                self.assertEqual(self.data(name)["dh_bits"], d.dh_bits)
        self.assertEqual(self.data("dhe-1024")["dh_bits"], 1024)

    def test_facts_consistent(self):
        for name in self.derived:
            with self.subTest(endpoint=name):
                data = self.data(name)
                union = list(dict.fromkeys(data["tls13_groups"] + data["tls12_groups"]))
                self.assertEqual(data["accepted"], union)
                self.assertIs(data["complete"], True, data.get("note"))
                # groups accepted + 1 per version, + 1 for DHE
                n13 = len(data["tls13_groups"]) + 1 if self.derived[name].versions["TLSv1.3"] else 0
                n12 = len(data["tls12_groups"]) + 2 if data["tls12_version"] else 0
                self.assertLessEqual(data["connections"], n13 + n12 + 1, data)
                if self.derived[name].versions["TLSv1.3"]:
                    # the EncryptedExtensions handshake, then at least the refused removal hello
                    self.assertGreaterEqual(data["connections"], 2)
                    self.assertIn(data["tls13_source"], ("encrypted_extensions", "removal"))
                else:
                    # TLS 1.2 may be settled entirely by what tls_suites saw
                    self.assertEqual(data["tls13_source"], "")

    def test_rule_follows_the_clients(self):
        for name, d in self.derived.items():
            with self.subTest(endpoint=name):
                r = labtest.results_by(self.report)[(self.lab.address(name), RULE)]
                self.assertEqual(r["status"], d.expected_status(),
                                 f"{name}: {r.get('message')}\nevidence {json.dumps(r.get('evidence'))}\n"
                                 f"s_client: tls13 {sorted(d.tls13)} tls12 {sorted(d.tls12)} dh {d.dh_bits}")

    def test_dhe_1024_fails_naming_its_prime(self):
        r = labtest.results_by(self.report)[(self.lab.address("dhe-1024"), RULE)]
        self.assertEqual(r["status"], "fail")
        self.assertIn("1024", r.get("message", ""))
        self.assertEqual(labtest.statuses(self.report, self.lab.address("good"), PROFILE_ID), {RULE: "pass"})

    def test_silent_endpoints_are_errors(self):
        for name, e in self.lab.endpoints.items():
            if e["server"] not in SILENT:
                continue
            with self.subTest(endpoint=name):
                rec = tlsderive.facts(self.report, self.lab.address(name), "tls_groups")
                self.assertIsNotNone(rec)
                self.assertEqual(rec["status"], "error", rec)
                self.assertEqual(labtest.statuses(self.report, self.lab.address(name), PROFILE_ID), {RULE: "error"})


if __name__ == "__main__":
    labtest.main()
