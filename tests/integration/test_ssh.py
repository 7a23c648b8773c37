#!/usr/bin/env python3
"""The ssh probe and the ssh.* checks against the lab part "ssh".

Endpoints: tests/lab/parts/ssh.sh (18600-18608). The facts are compared with
what the real OpenSSH client observes of each sshd:

  ssh -vv -o KexAlgorithms=K ...      -> "peer server KEXINIT proposal": the server's kex, host key,
                                         cipher, MAC and compression lists, in order
  ssh-keyscan -t T | ssh-keygen -lf - -> each host key's type, size and SHA256 fingerprint

Each rule's expected status in tests/integration/profiles/ssh.yaml follows
from those lists (names with SHA-1, CBC, non-etm MACs ...) and host key sizes;
the group-exchange sizes follow from the moduli the lab gives each sshd. The
test-only fake server (tests/lab/ssh_test_server.py) must give an SSH-1
verdict or error results, within the timeout.
"""

import re
import subprocess
import time

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "ssh.yaml"
TIMEOUT = 3  # the scan's --timeout, seconds
SSHD = ("ssh-hardened", "ssh-weak", "ssh-gex", "ssh-default")
RULES = ("LAB-SSH-PROTO-01", "LAB-SSH-KEX-01", "LAB-SSH-HK-01", "LAB-SSH-CIPH-01", "LAB-SSH-MAC-01",
         "LAB-SSH-HKSIZE-01", "LAB-SSH-DH-01", "LAB-SSH-STRICT-01", "LAB-SSH-BANNER-01", "LAB-SSH-BANNER-02",
         "LAB-SSH-TLS-01")
PROPOSAL_KEYS = {"KEX algorithms": "kex_algorithms", "host key algorithms": "host_key_algorithms",
                 "ciphers ctos": "ciphers_c2s", "ciphers stoc": "ciphers_s2c", "MACs ctos": "macs_c2s",
                 "MACs stoc": "macs_s2c", "compression ctos": "compression_c2s",
                 "compression stoc": "compression_s2c"}


def server_proposal(port):
    """The server's KEXINIT lists as `ssh -vv` prints them."""
    out = subprocess.run(
        ["ssh", "-vv", "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o",
         "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "-p", str(port), "lab@127.0.0.1", "true"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30).stdout.decode().replace("\r", "")
    section = out.split("peer server KEXINIT proposal", 1)[1]
    lists = {}
    for key, fact in PROPOSAL_KEYS.items():
        m = re.search(rf"debug2: {re.escape(key)}: ([^\n]*)", section)
        assert m, f"ssh -vv printed no '{key}' for port {port}"
        lists[fact] = [n for n in m.group(1).split(",") if n]
    return lists


def host_keys(port):
    """{type: (bits, fingerprint)} from ssh-keyscan and ssh-keygen -l."""
    scan = subprocess.run(["ssh-keyscan", "-T", "5", "-t", "rsa,dsa,ecdsa,ed25519", "-p", str(port), "127.0.0.1"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30).stdout
    listed = subprocess.run(["ssh-keygen", "-lf", "-"], input=scan, stdout=subprocess.PIPE, timeout=30).stdout.decode()
    keys = {}
    for line in listed.splitlines():
        bits, fp, _, kind = line.split()
        keys[kind.strip("()")] = (int(bits), fp)
    return keys


FAMILY = {"RSA": "rsa", "DSA": "dsa", "ECDSA": "ecdsa", "ED25519": "ed25519"}


def expected_statuses(lists, keys, gex_bits):
    """Each rule's status from the client's view (see the profile for each rule's parameters)."""
    kex = [k for k in lists["kex_algorithms"] if not k.startswith(("ext-info-", "kex-strict-"))]
    ciphers = lists["ciphers_c2s"] + lists["ciphers_s2c"]
    macs = lists["macs_c2s"] + lists["macs_s2c"]
    fixed = {"group1-": 1024, "group14-": 2048, "group15-": 3072, "group16-": 4096, "group18-": 8192}
    dh = [b for k in kex for g, b in fixed.items() if f"diffie-hellman-{g}" in k] + gex_bits
    return {
        "LAB-SSH-PROTO-01": "pass",
        "LAB-SSH-KEX-01": "fail" if any("sha1" in k for k in kex) else "pass",
        "LAB-SSH-HK-01": "fail" if {"ssh-rsa", "ssh-dss"} & set(lists["host_key_algorithms"]) else "pass",
        "LAB-SSH-CIPH-01": "fail" if any("-cbc" in c or "3des" in c for c in ciphers) else "pass",
        "LAB-SSH-MAC-01": "fail" if any("-etm@" not in m or "sha1" in m or "md5" in m for m in macs) else "pass",
        "LAB-SSH-HKSIZE-01": "fail" if any(t in ("RSA", "DSA") and b < 3072 for t, (b, _) in keys.items())
        else "pass",
        "LAB-SSH-DH-01": "fail" if any(b < 3072 for b in dh) else "pass",
        "LAB-SSH-STRICT-01": "pass" if "kex-strict-s-v00@openssh.com" in lists["kex_algorithms"] else "fail",
        "LAB-SSH-BANNER-01": "fail",  # OpenSSH always sends its version, Debian a comment too
        "LAB-SSH-BANNER-02": "pass",
        "LAB-SSH-TLS-01": "not_applicable",
    }


class SshTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part = cls.lab.part("ssh")
        cls.seen = {name: {"lists": server_proposal(cls.part[name]["port"]), "keys": host_keys(cls.part[name]["port"])}
                    for name in SSHD}
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in cls.part.items():
            lines.append(f"  - {{name: {name}, host: 127.0.0.1, port: {e['port']}, service: ssh}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        start = time.monotonic()
        cls.result, cls.report = cls.scan("ssh", "--targets", inventory, "--profile", PROFILE, timeout=str(TIMEOUT))
        cls.seconds = time.monotonic() - start
        print(f"\nscan with {PROFILE.name}: {cls.seconds:.1f} s, exit {cls.result.returncode}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def target(self, name):
        return f"127.0.0.1:{self.part[name]['port']}"

    def record(self, name, probe="ssh"):
        return tlsderive.facts(self.report, self.target(name), probe)

    def results(self, name):
        return {r["rule"]: r for r in self.report["results"] if r["target"] == self.target(name)}

    def test_client_saw_what_the_lab_configures(self):
        s = self.seen
        self.assertIn("diffie-hellman-group1-sha1", s["ssh-weak"]["lists"]["kex_algorithms"])
        self.assertEqual(s["ssh-weak"]["keys"]["RSA"][0], 1024)
        self.assertEqual(s["ssh-hardened"]["keys"]["RSA"][0], 4096)
        self.assertEqual(s["ssh-gex"]["lists"]["kex_algorithms"][0], "diffie-hellman-group-exchange-sha256")
        self.assertIn("ECDSA", s["ssh-default"]["keys"])

    def test_kexinit_lists_equal_the_client_view(self):
        for name in SSHD:
            with self.subTest(endpoint=name):
                record = self.record(name)
                self.assertEqual(record["status"], "ok", record.get("error"))
                data = record["data"]
                for fact, want in self.seen[name]["lists"].items():
                    self.assertEqual(data[fact], want, fact)
                self.assertEqual(data["proto_version"], "2.0")
                self.assertTrue(data["software_version"].startswith("OpenSSH_9"))
                self.assertEqual(data["strict_kex"], "kex-strict-s-v00@openssh.com" in data["kex_algorithms"])
                self.assertEqual(data["errors"], [e for e in data["errors"] if e["stage"].startswith("gex:")])

    def test_host_keys_equal_keyscan(self):
        for name in SSHD:
            with self.subTest(endpoint=name):
                data = self.record(name)["data"]
                got = {k["family"]: (k["bits"], k["fingerprint_sha256"]) for k in data["host_keys"]}
                want = {FAMILY[t]: v for t, v in self.seen[name]["keys"].items()}
                self.assertEqual(got, want)
                # Every offered host key algorithm was covered, each key read once.
                covered = [a for k in data["host_keys"] for a in [k["algorithm"], *k["also_for"]]]
                self.assertEqual(sorted(covered), sorted(data["host_key_algorithms"]))

    def test_group_exchange_sizes(self):
        # The lab's gex sshd has only 2047-bit moduli; the default one Debian's /etc/ssh/moduli.
        # OpenSSH clamps requests to at least 2048 bits (DH_GRP_MIN): min=n=max=1024 is refused.
        for name in ("ssh-gex", "ssh-default"):
            with self.subTest(endpoint=name):
                gex = self.record(name)["data"]["gex"]
                self.assertEqual([(g["min"], g["n"], g["max"]) for g in gex], [(1024, 2048, 8192), (1024, 1024, 1024)])
                self.assertEqual(gex[0]["modulus_bits"], 2048)
                self.assertEqual(gex[1]["modulus_bits"], 0)
                self.assertNotEqual(gex[1]["error"], "")
        for name in ("ssh-hardened", "ssh-weak"):
            self.assertEqual(self.record(name)["data"]["gex"], [])

    def test_handshakes_and_connections(self):
        for name in SSHD:
            with self.subTest(endpoint=name):
                record = self.record(name)
                data = record["data"]
                gex_offered = any(k.startswith("diffie-hellman-group-exchange") for k in data["kex_algorithms"])
                host_key_kex_is_gex = all(k["kex"].startswith("diffie-hellman-group-exchange")
                                          for k in data["host_keys"])
                extra = (0 if host_key_kex_is_gex else 1) + 1 if gex_offered else 0
                self.assertEqual(data["handshakes"], len(data["host_keys"]) + extra)
                self.assertEqual(data["connections"], data["handshakes"])
                self.assertEqual(record["connections"], data["connections"])

    def test_statuses_follow_the_client_view(self):
        for name in SSHD:
            with self.subTest(endpoint=name):
                data = self.record(name)["data"]
                gex_bits = [g["modulus_bits"] for g in data["gex"] if g["modulus_bits"]]
                seen = self.seen[name]
                self.assertStatuses(self.report, self.target(name), expected_statuses(seen["lists"], seen["keys"],
                                                                                       gex_bits))

    def test_evidence(self):
        weak = self.results("ssh-weak")
        kex = weak["LAB-SSH-KEX-01"]["evidence"]["observed"]
        self.assertEqual([v["name"] for v in kex["violations"]],
                         ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"])
        self.assertIn("1024", weak["LAB-SSH-HKSIZE-01"]["message"])
        self.assertEqual(sorted(k["bits"] for k in weak["LAB-SSH-HKSIZE-01"]["evidence"]["observed"]["host_keys"]), [1024, 1024])
        self.assertEqual(self.results("ssh-gex")["LAB-SSH-DH-01"]["evidence"]["observed"]["gex"][0]["modulus_bits"], 2048)
        banner = self.results("ssh-hardened")["LAB-SSH-BANNER-01"]
        self.assertRegex(banner["evidence"]["observed"]["software_version"], r"^OpenSSH_9\.")
        for name in SSHD:
            for rule, r in self.results(name).items():
                if r["status"] in ("pass", "fail"):
                    self.assertTrue(r.get("evidence", {}).get("observed"), f"{name} {rule}: no evidence")

    def test_no_tls_probe_on_ssh_targets(self):
        for name in self.part:
            with self.subTest(endpoint=name):
                self.assertIsNone(self.record(name, "tls"))
                self.assertEqual(self.results(name)["LAB-SSH-TLS-01"]["status"], "not_applicable")

    def test_ssh1_and_broken_servers(self):
        v1 = self.results("ssh-v1")
        self.assertEqual(v1["LAB-SSH-PROTO-01"]["status"], "fail")
        self.assertEqual(v1["LAB-SSH-PROTO-01"]["evidence"]["observed"]["proto_version"], "1.5")
        self.assertEqual(v1["LAB-SSH-KEX-01"]["status"], "error")
        self.assertIn("SSH-1", v1["LAB-SSH-KEX-01"]["message"])
        v199 = self.results("ssh-v199")
        self.assertEqual(v199["LAB-SSH-PROTO-01"]["status"], "fail")
        self.assertEqual(v199["LAB-SSH-KEX-01"]["status"], "error")
        for name in ("ssh-garbage", "ssh-silent"):
            with self.subTest(endpoint=name):
                record = self.record(name)
                self.assertEqual(record["status"], "error")
                self.assertTrue(record["error"].startswith("banner: "), record["error"])
                for rule, r in self.results(name).items():
                    if rule != "LAB-SSH-TLS-01":
                        self.assertEqual(r["status"], "error", rule)
        self.assertIn("timed out", self.record("ssh-silent")["error"])
        bad = self.results("ssh-badpacket")
        self.assertEqual(bad["LAB-SSH-PROTO-01"]["status"], "pass")
        self.assertEqual(bad["LAB-SSH-MAC-01"]["status"], "error")
        self.assertIn("packet_length", bad["LAB-SSH-MAC-01"]["message"])

    def test_scan_is_bounded(self):
        # Nine targets with a 3 s timeout; the silent one costs at most a few timeouts.
        self.assertLess(self.seconds, 60)


if __name__ == "__main__":
    labtest.main()
