#!/usr/bin/env python3
"""STARTTLS: every TLS probe upgrades the connection first, for every protocol.

Endpoints:
* the lab part "starttls" (tests/lab/parts/starttls.sh): postfix, dovecot,
  vsftpd, slapd, prosody, PostgreSQL, MariaDB and the lab's test front, one
  endpoint per protocol; skipped when that part was not started;
* a hand-written SMTP STARTTLS test front started here on a loopback port
  (LoopbackSmtpFront, Python's ssl module with the lab's good chain), so that
  the test does not depend on that part alone; and a second one that does not
  offer STARTTLS, for the error path.

Expectations come from `openssl s_client -starttls NAME` on the same endpoint:
the negotiated version and suite, the verification result and the leaf
certificate (SHA-256 of the DER) of the `tls` probe; the versions the
`tls_versions` probe accepts, one s_client per version flag. The scan uses the
x509 profile and the lab's TLS configuration profile (tls-config.yaml).
A second scan with the sessions profile (tls-sessions.yaml) runs the
tls_session probe behind each upgrade; its resumption facts must equal
s_client's: `-tls1_2 -no_ticket` and `-tls1_2` with -sess_out then -sess_in
("Reused,"), and `-tls1_3` likewise, holding the connection open a second for
the server's NewSessionTicket.
Everything is on loopback.
"""

import concurrent.futures
import hashlib
import re
import socket
import ssl
import pathlib
import subprocess
import tempfile
import threading
import time

import labtest
import tlsderive

TLS_PROFILE = labtest.TEST_PROFILES / "tls-config.yaml"
SESSIONS_PROFILE = labtest.TEST_PROFILES / "tls-sessions.yaml"
S_CLIENT_TIMEOUT = 15


class LoopbackSmtpFront:
    """Test front (hand-written, not a packaged server): an SMTP greeting, EHLO
    with or without STARTTLS, then TLS through Python's ssl module. Each
    connection is served on its own thread; everything is bounded by a timeout."""

    def __init__(self, cert, key, offer_starttls=True):
        self.offer = offer_starttls
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()
        return False

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            f = conn.makefile("rb")
            conn.sendall(b"220 front.lab ESMTP test front\r\n")
            while True:
                line = f.readline(1024)
                if not line:
                    return
                verb = line.strip().split(b" ")[0].upper()
                if verb in (b"EHLO", b"LHLO"):
                    caps = [b"front.lab", b"PIPELINING"] + ([b"STARTTLS"] if self.offer else []) + [b"8BITMIME"]
                    reply = b"".join(b"250-" + c + b"\r\n" for c in caps[:-1]) + b"250 " + caps[-1] + b"\r\n"
                    conn.sendall(reply)
                elif verb == b"STARTTLS" and self.offer:
                    conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                    tls = self.ctx.wrap_socket(conn, server_side=True)
                    try:
                        tls.recv(1024)  # until the client closes
                    finally:
                        tls.close()
                    return
                elif verb == b"QUIT":
                    conn.sendall(b"221 2.0.0 Bye\r\n")
                    return
                else:
                    conn.sendall(b"502 5.5.2 Error: command not recognized\r\n")
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()


def s_client(endpoint, *args):
    """openssl s_client -starttls on ENDPOINT; returns its whole output."""
    cmd = ["openssl", "s_client", "-starttls", endpoint["s_client"],
           "-connect", f"{endpoint['host']}:{endpoint['port']}", "-servername", endpoint["sni"], *args]
    if endpoint["s_client"].startswith("xmpp"):
        cmd += ["-xmpphost", endpoint["sni"]]  # the stream's domain, as the scanner sends its SNI name
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=S_CLIENT_TIMEOUT)
        return p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        return f"timeout: {e}"


def s_client_held(endpoint, *args, hold=1.0):
    """s_client with its stdin kept open HOLD seconds, so that post-handshake messages arrive."""
    cmd = ["openssl", "s_client", "-starttls", endpoint["s_client"],
           "-connect", f"{endpoint['host']}:{endpoint['port']}", "-servername", endpoint["sni"], *args]
    if endpoint["s_client"].startswith("xmpp"):
        cmd += ["-xmpphost", endpoint["sni"]]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(hold)
    try:
        out, _ = p.communicate(timeout=S_CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    return out.decode("utf-8", "replace")


def observe_resumption(endpoint, accepted):
    """resumption.{session_id,ticket,tls13_psk} as s_client sees them behind the upgrade."""
    seen = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, flags in (("session_id", ["-tls1_2", "-no_ticket"]), ("ticket", ["-tls1_2"]),
                           ("tls13_psk", ["-tls1_3"])):
            if ("TLSv1.3" if key == "tls13_psk" else "TLSv1.2") not in accepted:
                seen[key] = "not_applicable"
                continue
            sess = pathlib.Path(tmp) / f"{key}.pem"
            first = s_client_held(endpoint, *flags, "-sess_out", str(sess))
            if not sess.is_file() or (key == "ticket" and "TLS session ticket lifetime hint" not in first):
                seen[key] = "no"
                continue
            again = s_client_held(endpoint, *flags, "-sess_in", str(sess), hold=0.5)
            seen[key] = "yes" if "\nReused," in again else "no"
    return seen


def observe(endpoint, ca_file):
    """What s_client sees on ENDPOINT: version, suite, verification, leaf SHA-256, accepted versions."""
    brief = s_client(endpoint, "-brief", "-CAfile", str(ca_file))
    full = s_client(endpoint, "-CAfile", str(ca_file))
    version = re.search(r"^Protocol version: (\S+)", brief, re.M)
    suite = re.search(r"^Ciphersuite: (\S+)", brief, re.M)
    verification = re.search(r"^Verification: (.+)$", brief, re.M)
    pem = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", full, re.S)
    accepted = []
    for v in tlsderive.VERSIONS:
        out = s_client(endpoint, "-brief", tlsderive.FLAG[v], "-cipher", tlsderive.LEVEL0)
        m = re.search(r"^Protocol version: (\S+)", out, re.M)
        if m and m.group(1) == v:
            accepted.append(v)
    return {
        "resumption": observe_resumption(endpoint, accepted),
        "version": version.group(1) if version else None,
        "suite": suite.group(1) if suite else None,
        "verified": bool(verification) and verification.group(1).strip() == "OK",
        "leaf_sha256": hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.group(0))).hexdigest() if pem else None,
        "accepted": accepted,
        "output": brief,
    }


def hexdigits(text):
    return re.sub(r"[^0-9a-f]", "", (text or "").lower())


class StarttlsTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        certs = cls.lab.dir / "certs"
        cls.front = LoopbackSmtpFront(certs / "good.chain.pem", certs / "good.key").__enter__()
        cls.plain = LoopbackSmtpFront(certs / "good.chain.pem", certs / "good.key", offer_starttls=False).__enter__()
        sni = "demo.test"
        cls.endpoints = {
            "front-smtp": {"name": "front-smtp", "host": "127.0.0.1", "port": cls.front.port, "sni": sni,
                           "starttls": "smtp", "s_client": "smtp"},
        }
        try:
            for name, e in cls.lab.part("starttls").items():
                cls.endpoints["starttls-" + name] = dict(e, s_client=e.get("s_client") or e["starttls"])
            cls.with_part = True
        except labtest.unittest.SkipTest:
            cls.with_part = False
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = {n: pool.submit(observe, e, cls.lab.ca_file) for n, e in cls.endpoints.items()}
            cls.observed = {n: f.result() for n, f in futures.items()}

        inventory = cls.tmpdir("inv") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in cls.endpoints.items():
            # service tls: the x509 profile applies to TLS-bearing services by name.
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, service: tls, "
                         f"starttls: {e['starttls']}, sni: {e['sni']}}}")
        lines.append(f"  - {{name: no-starttls, host: 127.0.0.1, port: {cls.plain.port}, service: smtp, "
                     f"sni: {sni}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.inventory = inventory
        cls.result, cls.report = cls.scan("starttls", "--targets", inventory, "--profile", labtest.X509_REF,
                                          "--profile", TLS_PROFILE, "--ca-file", cls.lab.ca_file,
                                          "--max-conn-per-host", "16")
        print(f"\nscan of {len(cls.endpoints) + 1} STARTTLS targets (lab part: {cls.with_part}): "
              f"{cls.result.seconds:.1f} s, exit code {cls.result.returncode}")

    @classmethod
    def tearDownClass(cls):
        cls.front.__exit__(None, None, None)
        cls.plain.__exit__(None, None, None)
        super().tearDownClass()

    def target(self, name):
        self.assertReport(self.result, self.report)
        for t in self.report["targets"]:
            if t.get("name") == name:
                return t
        self.fail(f"no target named {name} in the report")

    def test_tls_probe_matches_s_client(self):
        for name, e in self.endpoints.items():
            with self.subTest(endpoint=name):
                o = self.observed[name]
                self.assertIsNotNone(o["version"], f"s_client -starttls {e['s_client']} failed:\n{o['output']}")
                t = self.target(name)
                self.assertEqual(t["starttls"], e["starttls"])
                record = t["facts"]["tls"]
                self.assertEqual(record["status"], "ok", record.get("error"))
                data = record["data"]
                self.assertEqual(data["version"], o["version"])
                self.assertIn(o["suite"], (data["cipher"], data["cipher_openssl"]))
                self.assertEqual(data["verification"]["trusted"], o["verified"])
                self.assertEqual(hexdigits(data["chain"][0]["sha256"]), o["leaf_sha256"])

    def test_versions_match_s_client(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                record = self.target(name)["facts"]["tls_versions"]
                self.assertEqual(record["status"], "ok", record.get("error"))
                got = [v for v in record["data"]["accepted"] if v in tlsderive.VERSIONS]
                self.assertEqual(got, self.observed[name]["accepted"])
                self.assertFalse(set(record["data"]["accepted"]) & set(tlsderive.UNOBSERVABLE_VERSIONS))

    def test_session_resumption_behind_the_upgrade_matches_s_client(self):
        result, report = self.scan("sessions", "--targets", self.inventory, "--profile", SESSIONS_PROFILE,
                                   "--ca-file", self.lab.ca_file, "--max-conn-per-host", "16")
        self.assertReport(result, report)
        by_name = {t["name"]: t for t in report["targets"]}
        compared = 0
        for name, e in self.endpoints.items():
            with self.subTest(endpoint=name):
                rec = by_name[name]["facts"].get("tls_session")
                self.assertIsNotNone(rec, f"{name}: no tls_session facts")
                self.assertEqual(rec["status"], "ok", f"{name}: {rec.get('error')}")
                got = rec["data"]["resumption"]
                want = self.observed[name]["resumption"]
                for key, value in want.items():
                    self.assertEqual(got[key], value, f"{name}: resumption.{key}: scanner {got}, s_client {want}")
                compared += 1
        self.assertGreaterEqual(compared, 1)

    def test_x509_rules_judge_the_upgraded_certificate(self):
        for name in self.endpoints:
            with self.subTest(endpoint=name):
                t = self.target(name)
                got = labtest.statuses(self.report, t["id"], labtest.X509_ID)
                self.assertEqual(set(got), set(labtest.X509_RULES))
                self.assertNotIn("error", got.values(), got)
                self.assertEqual(got["X509-TRUST-01"], "pass" if self.observed[name]["verified"] else "fail")

    def test_server_without_starttls_is_an_error_with_its_reason(self):
        t = self.target("no-starttls")
        self.assertEqual(t["starttls"], "smtp")  # service smtp implies it
        # The x509 rules apply to TLS services by name (smtps, not smtp), so
        # the tls probe is not planned; the TLS profile's tls_versions is.
        record = t["facts"]["tls_versions"]
        self.assertEqual(record["status"], "error")
        self.assertEqual(record["error"],
                         "smtp: server does not offer STARTTLS (EHLO capabilities: PIPELINING, 8BITMIME)")
        results = [r for r in self.report["results"] if r["target"] == t["id"]]
        self.assertTrue(results)
        self.assertTrue(all(r["status"] in ("error", "not_applicable") for r in results), results)

    def test_text_report_names_the_protocol(self):
        text = (self.tmpdir("starttls") / "report.txt").read_text(encoding="utf-8")
        self.assertIn(f"(front-smtp) [starttls smtp]", text)

    def test_evaluate_keeps_the_protocol(self):
        out = self.tmpdir("evaluate")
        r = labtest.run(["evaluate", "--facts", self.tmpdir("starttls") / "report.json",
                         "--profile", labtest.X509_REF, "--out", out])
        self.assertIn(r.returncode, (labtest.EXIT_OK, labtest.EXIT_FAIL, labtest.EXIT_INCOMPLETE), r.describe())
        again = labtest.load_report(out / "report.json")
        self.assertEqual({t["name"]: t["starttls"] for t in again["targets"]},
                         {t["name"]: t["starttls"] for t in self.report["targets"]})

    def test_cli_flag(self):
        r = labtest.run(["scan", "--help"])
        self.assertIn("--starttls", r.stdout)
        bad = labtest.run(["scan", "--target", f"127.0.0.1:{self.front.port}", "--starttls", "gopher"])
        self.assertExit(bad, labtest.EXIT_USAGE)
        self.assertIn("--starttls must be none or one of smtp", bad.stderr)
        result, report = self.scan("cli", "--target", f"127.0.0.1:{self.front.port}", "--starttls", "smtp",
                                   "--sni", "demo.test", "--ca-file", self.lab.ca_file,
                                   "--profile", labtest.X509_REF)
        self.assertReport(result, report)
        self.assertEqual(report["targets"][0]["starttls"], "smtp")
        self.assertEqual(report["targets"][0]["facts"]["tls"]["status"], "ok")
        self.assertEqual(labtest.statuses(report, report["targets"][0]["id"])["X509-TRUST-01"], "pass")


if __name__ == "__main__":
    labtest.main()
