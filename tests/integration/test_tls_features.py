#!/usr/bin/env python3
"""The tls_features probe and its check types against the whole lab.

What each endpoint does is not written down here: openssl s_client looks at
every lab endpoint that speaks TLS 1.2 and the scanner's tls_features facts
must agree with what it printed:

  s_client -tls1_2 -status -alpn h2,http/1.1 ...
    "Secure Renegotiation IS supported"      -> secure_renegotiation
    "Extended master secret: yes"            -> extended_master_secret
    "Compression: NONE"                      -> compression []
    "OCSP response: no response sent"        -> ocsp_stapling false
    "TLS session ticket lifetime hint"       -> session_ticket
  s_client -tls1_2 -alpn h2 / -alpn http/1.1 -> alpn (each offered alone)
  s_client -tls1_2 -cipher CBC_ONLY          -> a CBC suite is accepted, so
                                                encrypt_then_mac is yes/no,
                                                not not_applicable
  s_client <next lower version> -fallback_scsv
    "inappropriate fallback"                 -> fallback_scsv honoured
    a completed handshake                    -> not_honoured
    a single accepted version                -> not_applicable (RFC 7507 §3)

The downgrade sentinel and heartbeat are not printed by s_client. The lab's
servers are OpenSSL 3.0 and GnuTLS 3.7, which set the RFC 8446 §4.1.3
sentinel and never negotiate heartbeat (OpenSSL 3 has no heartbeat code, and
lighttpd does not enable GnuTLS's): those facts follow from the versions
s_client saw. A TLS 1.3-only endpoint has every TLS 1.2 feature listed as
not_applicable.

The scan uses tests/integration/profiles/tls-features.yaml; each rule's
expected status follows from the same observations.
"""

import concurrent.futures
import json
import re

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-features.yaml"
PROFILE_ID = "lab-tls-features"
RULES = ("LAB-EXT-01", "LAB-COMP-01", "LAB-SCSV-01", "LAB-RENEG-01", "LAB-HB-01")
SILENT = ("blackhole", "none")
ORDER = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
# Every TLS 1.2 suite of Debian's OpenSSL but the AEAD ones, i.e. the CBC
# suites (its Camellia and plain AES TLS 1.2 suites are all CBC; "!AEAD" does
# not remove GCM suites from an OpenSSL 3.0 cipher string).
CBC_ONLY = "ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIA:@SECLEVEL=0"
EXT_FEATURES = ("secure_renegotiation", "extended_master_secret", "encrypt_then_mac", "session_ticket",
                "ocsp_stapling", "alpn_h2", "heartbeat")


class Seen:
    """What s_client saw of one endpoint's features."""

    def __init__(self, name):
        self.name = name
        self.versions = set()
        self.tls12 = None          # the -tls1_2 -status -alpn handshake output, or None
        self.alpn = []
        self.cbc = False
        self.fallback = "not_applicable"


def observe(e):
    host, port, sni = e["host"], e["port"], e["sni"]
    s = Seen(e["name"])
    s.versions = {v for v, ok in tlsderive.observe_versions(host, port, sni).items() if ok}
    if "TLSv1.2" in s.versions:
        hs = tlsderive.s_client(host, port, sni, "-tls1_2", "-status", "-alpn", "h2,http/1.1",
                                "-cipher", tlsderive.LEVEL0)
        s.tls12 = hs.output if hs.ok else None
        for proto in ("h2", "http/1.1"):
            hs = tlsderive.s_client(host, port, sni, "-tls1_2", "-alpn", proto, "-cipher", tlsderive.LEVEL0)
            if hs.ok and re.search(rf"^ALPN protocol: {re.escape(proto)}$", hs.output, re.M):
                s.alpn.append(proto)
        s.cbc = tlsderive.s_client(host, port, sni, "-tls1_2", "-cipher", CBC_ONLY).ok
    accepted = sorted(s.versions, key=ORDER.index)
    if len(accepted) >= 2:
        lower = accepted[-2]
        hs = tlsderive.s_client(host, port, sni, tlsderive.FLAG[lower], "-fallback_scsv", "-cipher",
                                tlsderive.LEVEL0)
        if "inappropriate fallback" in hs.output:
            s.fallback = "honoured"
        elif hs.ok:
            s.fallback = "not_honoured"
        else:
            s.fallback = "unexpected: " + hs.output[-300:]
    return s


def line(output, pattern):
    return re.search(pattern, output, re.M) is not None


def expected_facts(s):
    """The tls_features facts s_client's view implies (only the keys it can see)."""
    if s.tls12 is None:
        # TLS 1.3 only (the lab has no endpoint whose highest legacy version is below 1.2).
        return {"probed_version": "", "not_applicable": set(EXT_FEATURES) | {"compression"},
                "fallback_scsv": s.fallback, "downgrade_sentinel": "not_applicable"}
    out = s.tls12
    return {
        "probed_version": "TLSv1.2",
        "secure_renegotiation": line(out, r"^Secure Renegotiation IS supported"),
        "extended_master_secret": line(out, r"^\s*Extended master secret: yes"),
        "compression": [] if line(out, r"^Compression: NONE") else ["deflate"],
        "ocsp_stapling": not line(out, r"^OCSP response: no response sent"),
        "session_ticket": line(out, r"TLS session ticket lifetime hint"),
        "alpn": s.alpn,
        "heartbeat": False,
        "fallback_scsv": s.fallback,
        "downgrade_sentinel": "present" if "TLSv1.3" in s.versions else "not_applicable",
    }


def expected_statuses(s):
    exp = expected_facts(s)
    if s.tls12 is None:
        ext, reneg, hb, comp = "not_applicable", "not_applicable", "not_applicable", "pass"
    else:
        ext = "pass" if exp["secure_renegotiation"] and exp["extended_master_secret"] else "fail"
        comp = "pass" if not exp["compression"] else "fail"
        reneg = "pass" if exp["secure_renegotiation"] else "fail"
        hb = "pass"
    scsv = {"honoured": "pass", "not_honoured": "fail", "not_applicable": "not_applicable"}.get(s.fallback, "error")
    return {"LAB-EXT-01": ext, "LAB-COMP-01": comp, "LAB-SCSV-01": scsv, "LAB-RENEG-01": reneg, "LAB-HB-01": hb}


class TlsFeaturesTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        speaking = [e for e in cls.lab.endpoints.values() if e["server"] not in SILENT]
        cls.silent = [e["name"] for e in cls.lab.endpoints.values() if e["server"] in SILENT]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            cls.seen = dict(zip((e["name"] for e in speaking), pool.map(observe, speaking)))
        cls.result, cls.report = cls.scan(
            "tls-features", "--targets", cls.lab.inventory, "--profile", PROFILE, "--ca-file", cls.lab.ca_file)
        print(f"\nscan of the lab with {PROFILE.name}: {cls.result.seconds:.1f} s, exit {cls.result.returncode}")
        if cls.report:
            for name in cls.lab.endpoints:
                record = tlsderive.facts(cls.report, cls.lab.address(name), "tls_features") or {}
                d = record.get("data") or {}
                print(f"  {name:16} {record.get('status', 'absent'):6} connections={d.get('connections')} "
                      f"reneg={d.get('secure_renegotiation')} ems={d.get('extended_master_secret')} "
                      f"etm={d.get('encrypt_then_mac')} ticket={d.get('session_ticket')} alpn={d.get('alpn')} "
                      f"scsv={d.get('fallback_scsv')} sentinel={d.get('downgrade_sentinel')}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def features(self, name):
        record = tlsderive.facts(self.report, self.lab.address(name), "tls_features")
        self.assertIsNotNone(record, f"{name}: no tls_features facts")
        self.assertEqual(record["status"], "ok", f"{name}: {record}")
        return record["data"]

    def test_s_client_saw_the_brief_anchors(self):
        # Pinned, so that a lab change cannot quietly change what is tested.
        good = expected_facts(self.seen["good"])
        self.assertTrue(good["secure_renegotiation"] and good["extended_master_secret"], good)
        self.assertEqual(good["compression"], [])
        self.assertFalse(good["ocsp_stapling"])
        self.assertEqual(self.seen["legacy-versions"].fallback, "honoured")
        self.assertEqual(self.seen["good"].fallback, "honoured")
        self.assertEqual(self.seen["cbc-only"].fallback, "not_applicable")
        self.assertIsNone(self.seen["tls13-only"].tls12)

    def test_facts_equal_s_client(self):
        for name, s in self.seen.items():
            with self.subTest(endpoint=name):
                data = self.features(name)
                for key, want in expected_facts(s).items():
                    got = data.get(key)
                    if key == "not_applicable":
                        self.assertTrue(want <= set(got), f"{name}: not_applicable {got}")
                    else:
                        self.assertEqual(got, want, f"{name}: {key}\nfacts: {json.dumps(data, indent=1)}")

    def test_encrypt_then_mac(self):
        for name, s in self.seen.items():
            with self.subTest(endpoint=name):
                etm = self.features(name)["encrypt_then_mac"]
                cbc = s.cbc or name == "3des"   # 3DES-CBC, which Debian's s_client cannot offer
                if s.tls12 is None or not cbc:
                    self.assertEqual(etm, "not_applicable")
                elif self.lab.endpoint(name)["server"] in ("nginx", "s_server"):
                    self.assertEqual(etm, "yes")   # OpenSSL servers answer encrypt_then_mac on CBC
                else:
                    self.assertIn(etm, ("yes", "no"))

    def test_connections_are_few_and_counted(self):
        for name in self.seen:
            with self.subTest(endpoint=name):
                data = self.features(name)
                self.assertIsInstance(data["connections"], int)
                self.assertLessEqual(data["connections"], 7)
                self.assertEqual(data["connections"], len(data["hellos"]))

    def test_rules_follow_s_client(self):
        for name, s in self.seen.items():
            with self.subTest(endpoint=name):
                got = labtest.statuses(self.report, self.lab.address(name), PROFILE_ID)
                self.assertEqual(got, expected_statuses(s),
                                 "\n".join(f"{r['rule']}: {r['status']}: {r.get('message')}"
                                           for r in self.report["results"]
                                           if r["target"] == self.lab.address(name)))

    def test_silent_endpoints_are_errors(self):
        for name in self.silent:
            with self.subTest(endpoint=name):
                got = labtest.statuses(self.report, self.lab.address(name), PROFILE_ID)
                self.assertEqual(got, {rule: "error" for rule in RULES})


if __name__ == "__main__":
    labtest.main()
