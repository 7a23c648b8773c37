#!/usr/bin/env python3
"""The tls_sigalgs probe and the tls.signature_algorithms check type against the lab.

Expectations are derived from openssl s_client, not written down. For the
endpoints good (RSA key), good-ec (ECDSA P-256 key), legacy-versions (nginx at
SECLEVEL 0, TLS 1.0-1.2), client-order (client's order decides) and
static-rsa (no signed key exchange), and for every scheme of the IANA
registry (by IANA name):
  * TLS 1.2: `-tls1_2 -sigalgs NAME -cipher kECDHE:kDHE:!aNULL:@SECLEVEL=0`;
  * TLS 1.3: `-tls1_3 -sigalgs NAME -cipher ALL:@SECLEVEL=0`;
the scheme is accepted when the handshake completes with a "Peer signature
type" line that agrees with NAME (s_client refuses a signature with a scheme
it did not offer, so NAME is the one used). A name the local OpenSSL cannot
use ("Call to SSL_CONF_cmd(-sigalgs, ...) failed", or no TLS 1.3 hello at
all for MD5/SHA-1/SHA-224/DSA schemes) is left out of the comparison.
Whose order decides: with the first two accepted schemes A and B, offer A:B
and B:A; the same pick both times is "server", the first one both times
"client".

Then one scan of those endpoints with tests/integration/profiles/tls-sigalgs.yaml
(LAB-SIG-01: forbid md5, sha1, rsa_pkcs1 in TLS 1.3):
  * the facts' schemes per version, restricted to the nameable ones, equal
    the derived sets; sha1 is "accepted" exactly where s_client got a SHA-1
    signature; the order fact equals the derived one;
  * TLS 1.2 on static-rsa is "not observable";
  * LAB-SIG-01 fails where a derived scheme is SHA-1 or MD5, is
    not_applicable where nothing was signed, passes elsewhere.
The handshake counts of the probe are printed.
"""

import concurrent.futures
import json
import re
import threading
import time

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-sigalgs.yaml"
PROFILE_ID = "lab-tls-sigalgs"
RULE = "LAB-SIG-01"
ENDPOINTS = ("good", "good-ec", "legacy-versions", "client-order", "static-rsa")

# The IANA "TLS SignatureScheme" names (and the TLS 1.2 pairs OpenSSL names).
SCHEMES = (
    "rsa_pkcs1_md5", "dsa_md5", "ecdsa_md5", "rsa_pkcs1_sha1", "dsa_sha1", "ecdsa_sha1", "rsa_pkcs1_sha224",
    "dsa_sha224", "ecdsa_sha224", "rsa_pkcs1_sha256", "dsa_sha256", "ecdsa_secp256r1_sha256",
    "rsa_pkcs1_sha256_legacy", "rsa_pkcs1_sha384", "dsa_sha384", "ecdsa_secp384r1_sha384",
    "rsa_pkcs1_sha384_legacy", "rsa_pkcs1_sha512", "dsa_sha512", "ecdsa_secp521r1_sha512",
    "rsa_pkcs1_sha512_legacy", "eccsi_sha256", "iso_ibs1", "iso_ibs2", "iso_chinese_ibs", "sm2sig_sm3",
    "gostr34102012_256a", "gostr34102012_256b", "gostr34102012_256c", "gostr34102012_256d",
    "gostr34102012_512a", "gostr34102012_512b", "gostr34102012_512c", "rsa_pss_rsae_sha256",
    "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512", "ed25519", "ed448", "rsa_pss_pss_sha256",
    "rsa_pss_pss_sha384", "rsa_pss_pss_sha512", "ecdsa_brainpoolP256r1tls13_sha256",
    "ecdsa_brainpoolP384r1tls13_sha384", "ecdsa_brainpoolP512r1tls13_sha512", "gostr34102012_256_intrinsic",
    "gostr34102012_512_intrinsic", "mldsa44", "mldsa65", "mldsa87")
# s_client's "Peer signature type" for each scheme family.
TYPE_OF = (("rsa_pss_", "RSA-PSS"), ("rsa_pkcs1_", "RSA"), ("ecdsa_", "ECDSA"), ("dsa_", "DSA"),
           ("ed25519", "Ed25519"), ("ed448", "Ed448"))
# OpenSSL puts none of these in a TLS 1.3-only ClientHello.
NOT_IN_TLS13 = re.compile(r"(md5|sha1|sha224)$|^dsa_")
SHA1 = {"rsa_pkcs1_sha1", "dsa_sha1", "ecdsa_sha1"}
FORBIDDEN_HASH = re.compile(r"_(md5|sha1)$")
FLAGS = {"TLSv1.2": ("-tls1_2", "-cipher", "kECDHE:kDHE:!aNULL:@SECLEVEL=0"),
         "TLSv1.3": ("-tls1_3", "-cipher", "ALL:@SECLEVEL=0")}

_unknown = set()
_unknown_lock = threading.Lock()


def signed_with(e, version, sigalgs):
    """The scheme s_client saw the server sign with when offering SIGALGS, or None (None also when unnameable)."""
    hs = tlsderive.s_client(e["host"], e["port"], e["sni"], *FLAGS[version], "-sigalgs", sigalgs)
    if "SSL_CONF_cmd(-sigalgs" in hs.output:
        with _unknown_lock:
            _unknown.add(sigalgs)
        return None
    m = re.search(r"^Peer signature type: (\S+)", hs.output, re.M)
    if not (hs.ok and hs.version == version and m):
        return None
    offered = sigalgs.split(":")
    if len(offered) == 1:
        family = next((t for prefix, t in TYPE_OF if offered[0].startswith(prefix)), None)
        if family is not None and family != m.group(1):
            raise AssertionError(f"{e['name']} {version}: offered {offered[0]}, s_client saw {m.group(1)}")
        return offered[0]
    d = re.search(r"^Peer signing digest: (\S+)", hs.output, re.M)
    digest = d.group(1).lower() if d else ""
    matching = [s for s in offered
                if any(s.startswith(p) and t == m.group(1) for p, t in TYPE_OF) and (not digest or s.endswith(digest))]
    return matching[0] if len(matching) == 1 else None


class Derived:
    def __init__(self, name):
        self.name = name
        self.versions = {}
        self.schemes = {"TLSv1.2": set(), "TLSv1.3": set()}
        self.preference = {}

    def sha1(self, version):
        return "accepted" if self.schemes[version] & SHA1 else "refused"

    def expected_status(self):
        signed = self.schemes["TLSv1.2"] | self.schemes["TLSv1.3"]
        if any(FORBIDDEN_HASH.search(s) for s in signed) or any(
                s.startswith("rsa_pkcs1_") for s in self.schemes["TLSv1.3"]):
            return "fail"
        return "pass" if signed else "not_applicable"


def derive(e):
    d = Derived(e["name"])
    d.versions = tlsderive.observe_versions(e["host"], e["port"], e["sni"])
    for version in ("TLSv1.2", "TLSv1.3"):
        if not d.versions[version]:
            continue
        for name in SCHEMES:
            if version == "TLSv1.3" and NOT_IN_TLS13.search(name):
                continue
            if signed_with(e, version, name) == name:
                d.schemes[version].add(name)
        accepted = sorted(d.schemes[version], key=SCHEMES.index)
        if len(accepted) >= 2:
            a, b = accepted[:2]
            first, second = signed_with(e, version, f"{a}:{b}"), signed_with(e, version, f"{b}:{a}")
            d.preference[version] = ("server" if first == second and first is not None
                                     else "client" if (first, second) == (a, b) else "unknown")
    return d


class TlsSigalgsTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = time.monotonic()
        endpoints = [cls.lab.endpoints[n] for n in ENDPOINTS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            cls.derived = {d.name: d for d in pool.map(derive, endpoints)}
        cls.derive_seconds = time.monotonic() - start
        cls.unknown = set(_unknown)
        inventory = cls.lab.write_inventory(cls.tmpdir("inventory") / "inventory.yaml", ENDPOINTS)
        cls.result, cls.report = cls.scan(
            "tls-sigalgs", "--targets", inventory, "--profile", PROFILE, "--ca-file", cls.lab.ca_file)
        print(f"\nclients: {tlsderive.HANDSHAKES.value} s_client handshakes in {cls.derive_seconds:.1f} s; "
              f"schemes the local OpenSSL cannot name: {len(cls.unknown)}; scan: {cls.result.seconds:.1f} s, "
              f"exit code {cls.result.returncode}")
        if cls.report:
            for name in ENDPOINTS:
                rec = tlsderive.facts(cls.report, cls.lab.address(name), "tls_sigalgs") or {}
                data = rec.get("data") or {}
                per = ", ".join(f"{v['version']}: {len(v['schemes'])} schemes in {v['connections']} connections, "
                                f"sha1 {v['sha1']}, order {v['preference']}" for v in data.get("per_version", []))
                print(f"  {name:16} tls_sigalgs: {rec.get('status', 'absent'):5} "
                      f"connections={data.get('connections')} {per}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def data(self, name):
        rec = tlsderive.facts(self.report, self.lab.address(name), "tls_sigalgs")
        self.assertIsNotNone(rec, f"{name}: no tls_sigalgs facts")
        self.assertEqual(rec["status"], "ok", f"{name}: {rec}")
        return rec["data"]

    def version(self, name, version):
        found = [v for v in self.data(name)["per_version"] if v["version"] == version]
        return found[0] if found else None

    def comparable(self, schemes):
        return {s for s in schemes if s not in self.unknown}

    def test_derivation_sees_the_intended_variety(self):
        self.assertIn("rsa_pss_rsae_sha256", self.derived["good"].schemes["TLSv1.3"])
        self.assertIn("ecdsa_secp256r1_sha256", self.derived["good-ec"].schemes["TLSv1.3"])
        self.assertIn("rsa_pkcs1_sha1", self.derived["legacy-versions"].schemes["TLSv1.2"])
        self.assertNotIn("rsa_pkcs1_sha1", self.derived["good"].schemes["TLSv1.2"])
        self.assertEqual(self.derived["static-rsa"].schemes["TLSv1.2"], set())

    def test_schemes_equal_the_derived_sets(self):
        for name, d in self.derived.items():
            for version in ("TLSv1.2", "TLSv1.3"):
                with self.subTest(endpoint=name, version=version):
                    v = self.version(name, version)
                    if not d.versions[version]:
                        self.assertIsNone(v)
                        continue
                    self.assertIsNotNone(v, f"{name}: no {version} entry")
                    got = v["schemes"]
                    self.assertEqual(len(got), len(set(got)), f"{name}: duplicates in {got}")
                    self.assertEqual(self.comparable(got), self.comparable(d.schemes[version]),
                                     f"{name} {version}: scanner {got}, s_client {sorted(d.schemes[version])}")
                    self.assertIs(v["complete"], True, v.get("note"))
                    self.assertEqual(v["unoffered"], "")

    def test_sha1_follows_the_clients(self):
        for name, d in self.derived.items():
            with self.subTest(endpoint=name):
                v = self.version(name, "TLSv1.2")
                if name == "static-rsa":
                    self.assertEqual(v["sha1"], "not_observable")
                    continue
                self.assertEqual(v["sha1"], d.sha1("TLSv1.2"), v)
                if d.versions["TLSv1.3"]:
                    self.assertEqual(self.version(name, "TLSv1.3")["sha1"], "refused")
                self.assertEqual(self.data(name)["sha1_accepted"], d.sha1("TLSv1.2") == "accepted")

    def test_order_follows_the_clients(self):
        for name, d in self.derived.items():
            for version, expected in d.preference.items():
                with self.subTest(endpoint=name, version=version):
                    self.assertEqual(self.version(name, version)["preference"], expected)
        self.assertEqual(self.derived["client-order"].preference.get("TLSv1.2"), "client")

    def test_static_rsa_is_not_observable(self):
        v = self.version("static-rsa", "TLSv1.2")
        self.assertIs(v["observable"], False)
        self.assertIn("not observable", v["note"])
        self.assertEqual(v["connections"], 0)

    def test_handshakes_stay_few(self):
        for name in ENDPOINTS:
            with self.subTest(endpoint=name):
                data = self.data(name)
                for v in data["per_version"]:
                    # accepted schemes + the refusal + the order (+ the SHA-1 question)
                    self.assertLessEqual(v["connections"], len(v["schemes"]) + 3, v)
                self.assertEqual(data["connections"], sum(v["connections"] for v in data["per_version"]))
                union = list(dict.fromkeys(s for v in data["per_version"] for s in v["schemes"]))
                self.assertEqual(data["accepted"], union)

    def test_rule_follows_the_clients(self):
        for name, d in self.derived.items():
            with self.subTest(endpoint=name):
                r = labtest.results_by(self.report)[(self.lab.address(name), RULE)]
                self.assertEqual(r["status"], d.expected_status(),
                                 f"{name}: {r.get('message')}\nevidence {json.dumps(r.get('evidence'))}\n"
                                 f"s_client: {({v: sorted(s) for v, s in d.schemes.items()})}")
        r = labtest.results_by(self.report)[(self.lab.address("legacy-versions"), RULE)]
        self.assertIn("rsa_pkcs1_sha1", r.get("message", ""))


if __name__ == "__main__":
    labtest.main()
