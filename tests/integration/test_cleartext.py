#!/usr/bin/env python3
"""Service identification, the cleartext management checks and `service: auto`
against the lab part "cleartext" (tests/lab/parts/cleartext.sh, 18630-18649).

What each server does is not taken from the part's description alone: the
test reads each one itself, the way a person would with socat or ftp,

  raw bytes on connecting                    -> telnet option negotiation (IAC), the 220 greeting
  FEAT / USER anonymous / QUIT over TCP      -> whether AUTH TLS is offered, whether USER is refused first
  curl -I http://ADDR:PORT/                  -> plain HTTP

and the tcp probe's facts and each rule's verdict must agree. The second
host, 127.0.0.2, carries telnet, HTTP and FTP on 18640-18642 for the port
sweep (net.exposed_services) and for a `service: auto` inventory line.
"""

import re
import socket
import subprocess
import time

import labtest

PROFILE = labtest.TEST_PROFILES / "cleartext.yaml"
HOST2 = "127.0.0.2"
SWEPT = list(range(18640, 18650))


def raw_greeting(host, port, wait=1.0):
    """The bytes a server volunteers within WAIT seconds of the connection."""
    with socket.create_connection((host, port), timeout=5) as s:
        s.settimeout(0.3)
        data = b""
        end = time.monotonic() + wait
        while time.monotonic() < end:
            try:
                chunk = s.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                break
            data += chunk
        return data


def ftp_dialog(port, *commands):
    """The replies of the FTP server on 127.0.0.1:PORT to COMMANDS, as text lines."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.settimeout(1.0)
        f = s.makefile("rb")
        lines = [f.readline().decode().rstrip("\r\n")]
        for c in commands:
            s.sendall(c.encode() + b"\r\n")
            while True:
                line = f.readline().decode().rstrip("\r\n")
                lines.append(line)
                if re.match(r"^\d{3} ", line) or not line:
                    break
        return lines


def curl_status(host, port):
    out = subprocess.run(["curl", "-s", "-I", "--max-time", "5", f"http://{host}:{port}/"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20).stdout.decode("latin-1")
    m = re.match(r"HTTP/1\.[01] (\d{3})", out)
    return int(m.group(1)) if m else None


class CleartextTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part = cls.lab.part("cleartext")
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ['scope:', f'  allow: ["127.0.0.1/32", "{HOST2}/32"]', "targets:"]
        for name in ("telnet", "ftp-plain", "ftp-tls", "ftp-tls-req", "http-admin"):
            e = cls.part[name]
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, service: tcp}}")
        for name in ("good", "blackhole", "closed"):
            e = cls.lab.endpoint(name)
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, service: tcp}}")
        # Two targets on the second host: the sweep runs once for both; only 18641 is declared.
        lines.append(f"  - {{name: host2-http, host: {HOST2}, port: 18641, service: http}}")
        lines.append(f"  - {{name: host2-closed, host: {HOST2}, port: 18643, service: tcp}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.result, cls.report = cls.scan("cleartext", "--targets", inventory, "--profile", PROFILE,
                                          "--format", "json", timeout="3")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def target(self, tid):
        for t in self.report["targets"]:
            if t["id"] == tid:
                return t
        self.fail(f"no target {tid} in the report")

    def tcp(self, tid):
        rec = self.target(tid)["facts"]["tcp"]
        self.assertEqual(rec["status"], "ok", rec)
        return rec["data"]

    def result_of(self, tid, rule):
        for r in self.report["results"]:
            if r["target"] == tid and r["rule"] == rule:
                return r
        self.fail(f"no result for {rule} on {tid}")

    def assertRule(self, tid, rule, status):
        r = self.result_of(tid, rule)
        self.assertEqual(r["status"], status, f"{rule} on {tid}: {r.get('message')}\n{r.get('evidence')}")
        return r

    # ---- identification, against what a client sees ---------------------------------

    def test_telnet_is_identified_by_its_option_negotiation(self):
        raw = raw_greeting("127.0.0.1", 18630)
        self.assertEqual(raw[0], 0xFF, f"telnetd sent no IAC first: {raw!r}")
        f = self.tcp("127.0.0.1:18630")
        self.assertEqual(f["service"], "telnet")
        self.assertEqual(f["identified_by"], "greeting")
        self.assertFalse(f["tls_offered"])
        # Every option the server asked for is in the facts: DO TERMINAL-TYPE is 0xff 0xfd 0x18.
        self.assertIn(b"\xff\xfd\x18", raw)
        self.assertIn("DO TERMINAL-TYPE", f["capabilities"])
        self.assertTrue(f["evidence"].startswith("IAC "), f["evidence"])

    def test_ftp_servers_and_their_tls(self):
        for port, tls, user_code in ((18631, False, "331"), (18632, True, "331"), (18633, True, "530")):
            seen = ftp_dialog(port, "FEAT", "USER anonymous", "QUIT")
            self.assertTrue(seen[0].startswith("220 "), seen)
            self.assertEqual(any("AUTH TLS" in line for line in seen), tls, seen)
            self.assertTrue(any(line.startswith(user_code + " ") for line in seen), seen)
            f = self.tcp(f"127.0.0.1:{port}")
            self.assertEqual(f["service"], "ftp", f)
            self.assertEqual(f["tls_offered"], tls, f)
            self.assertEqual(f["evidence"], seen[0])
            self.assertTrue(f["ftp_user_reply"].startswith(user_code + " "), f)
            self.assertEqual("AUTH TLS" in f.get("capabilities", []), tls, f)

    def test_http_tls_silent_and_closed(self):
        self.assertEqual(curl_status("127.0.0.1", 18634), 200)
        f = self.tcp("127.0.0.1:18634")
        self.assertEqual(f["service"], "http")
        self.assertFalse(f["tls_offered"])
        self.assertTrue(f["evidence"].startswith("HTTP/1."), f)
        good = self.lab.endpoint("good")
        f = self.tcp(f"127.0.0.1:{good['port']}")
        self.assertEqual((f["service"], f["identified_by"]), ("tls", "tls-client-hello"))
        self.assertTrue(f["tls_offered"])
        self.assertTrue(f["evidence"].startswith("TLS handshake record"), f)
        f = self.tcp(f"127.0.0.1:{self.lab.endpoint('blackhole')['port']}")
        self.assertEqual(f["service"], "silent", f)
        f = self.tcp(f"127.0.0.1:{self.lab.endpoint('closed')['port']}")
        self.assertEqual(f["state"], "closed")
        self.assertNotIn("service", f)

    # ---- the checks ------------------------------------------------------------------

    def test_cleartext_management(self):
        expected = {18630: "fail", 18631: "fail", 18632: "pass", 18633: "pass", 18634: "fail"}
        for port, status in expected.items():
            r = self.assertRule(f"127.0.0.1:{port}", "LAB-CLEAR-01", status)
            self.assertIn("service", r["evidence"]["observed"])
        self.assertIn("telnet", self.result_of("127.0.0.1:18630", "LAB-CLEAR-01")["message"])
        for name in ("good", "blackhole", "closed"):
            self.assertRule(f"127.0.0.1:{self.lab.endpoint(name)['port']}", "LAB-CLEAR-01", "pass")
        # Plain HTTP on a port the profile does not name as an admin port is no finding.
        self.assertRule(f"{HOST2}:18641", "LAB-CLEAR-01", "pass")

    def test_tftp_per_host(self):
        # curl's tftp:// client sees ERROR 1 (exit code 68) from the lab's tftpd on 127.0.0.1 only.
        rc = subprocess.run(["curl", "-s", "--max-time", "5", "-o", "/dev/null",
                             "tftp://127.0.0.1:18635/conformscan-probe-absent"], timeout=20).returncode
        self.assertEqual(rc, 68)
        r = self.assertRule("127.0.0.1:18631", "LAB-TFTP-01", "fail")
        self.assertIn("TFTP answers on 127.0.0.1 udp/18635: ERROR 1", r["message"])
        self.assertRule("127.0.0.1:18630", "LAB-TFTP-01", "fail")
        self.assertRule(f"{HOST2}:18641", "LAB-TFTP-01", "pass")
        # One tftp probe run per host.
        runs = [t["facts"]["tftp"] for t in self.report["targets"] if t["host"] == "127.0.0.1"]
        self.assertEqual(sum(1 for r in runs if r.get("connections", 0) > 0), 1)

    def test_ftp_auth_tls(self):
        self.assertRule("127.0.0.1:18631", "LAB-FTP-TLS-01", "fail")
        r = self.assertRule("127.0.0.1:18632", "LAB-FTP-TLS-01", "fail")
        self.assertIn("331", r["message"])
        r = self.assertRule("127.0.0.1:18633", "LAB-FTP-TLS-01", "pass")
        self.assertIn("530", r["message"])
        self.assertRule("127.0.0.1:18630", "LAB-FTP-TLS-01", "not_applicable")

    def test_exposed_services_per_host(self):
        # 127.0.0.1 has nothing on 18640-18649.
        self.assertRule("127.0.0.1:18630", "LAB-EXPOSED-01", "pass")
        for tid in (f"{HOST2}:18641", f"{HOST2}:18643"):
            r = self.assertRule(tid, "LAB-EXPOSED-01", "fail")
            unexpected = {e["port"]: e for e in r["evidence"]["observed"]["unexpected"]}
            self.assertEqual(sorted(unexpected), [18640, 18642], r["evidence"]["observed"])
            self.assertEqual(unexpected[18640]["service"], "telnet")
            self.assertEqual(unexpected[18642]["service"], "ftp")
            self.assertIn("vsFTPd", unexpected[18642]["evidence"])
            self.assertIn("18640 telnet", r["message"])
        # One sweep for the host, shared by both of its targets.
        a = self.target(f"{HOST2}:18641")["facts"]["port_sweep"]
        b = self.target(f"{HOST2}:18643")["facts"]["port_sweep"]
        self.assertEqual(a["data"], b["data"])
        self.assertEqual(sorted([a.get("connections", 0) > 0, b.get("connections", 0) > 0]), [False, True])
        self.assertEqual(a["data"]["ports"], SWEPT)
        self.assertEqual(a["data"]["closed"], [p for p in SWEPT if p not in (18640, 18641, 18642)])

    def test_declared_open_ports_pass(self):
        inventory = self.tmpdir("declared") / "inventory.yaml"
        inventory.write_text(
            f'scope:\n  allow: ["{HOST2}/32"]\ntargets:\n'
            f"  - {{host: {HOST2}, port: 18641, service: http, open_ports: [18640, 18642]}}\n", encoding="utf-8")
        result, report = self.scan("declared", "--targets", inventory, "--profile", PROFILE)
        self.assertReport(result, report)
        r = [x for x in report["results"] if x["rule"] == "LAB-EXPOSED-01"]
        self.assertEqual([x["status"] for x in r], ["pass"], r)
        self.assertEqual(r[0]["evidence"]["observed"]["declared"], [18640, 18641, 18642])


class MailGreetingTest(labtest.LabTestCase):
    """SMTP, IMAP, POP3 and FTP greetings and their STARTTLS offers, from the starttls part's servers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part = cls.lab.part("starttls")  # skips when that part is not started

    def test_greetings_and_starttls_offers(self):
        names = ("smtp", "imap", "pop3", "ftp")
        path = self.tmpdir("mail") / "inventory.yaml"
        lines = ['scope:', '  allow: ["127.0.0.1/32"]', "targets:"]
        for n in names:
            lines.append(f"  - {{host: 127.0.0.1, port: {self.part[n]['port']}, service: tcp}}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result, report = self.scan("mail", "--targets", path, "--profile", PROFILE)
        self.assertReport(result, report)
        facts = {t["port"]: t["facts"]["tcp"]["data"] for t in report["targets"]}
        for n in names:
            f = facts[self.part[n]["port"]]
            # What a client sees first: 220 for SMTP and FTP, * OK for IMAP, +OK for POP3.
            greeting = raw_greeting("127.0.0.1", self.part[n]["port"]).decode("latin-1")
            self.assertEqual(f["evidence"][:3], greeting[:3], f)
            self.assertEqual(f["service"], n, f)
            self.assertTrue(f["tls_offered"], f)


class ServiceAutoTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lab.part("cleartext")

    def write(self, name, scope, line):
        path = self.tmpdir(name) / "inventory.yaml"
        path.write_text(f'scope:\n  allow: [{scope}]\ntargets:\n{line}\n', encoding="utf-8")
        return path

    def test_auto_line_identifies_each_open_port(self):
        inv = self.write("auto", f'"{HOST2}/32"',
                         f"  - {{cidr: {HOST2}/32, ports: [18640, 18641, 18642, 18643], service: auto}}")
        result, report = self.scan("auto", "--targets", inv, "--profile", PROFILE, "--profile",
                                   labtest.X509_REF)
        self.assertReport(result, report)
        services = {t["id"]: t["service"] for t in report["targets"]}
        self.assertEqual(services, {f"{HOST2}:18640": "telnet", f"{HOST2}:18641": "http",
                                    f"{HOST2}:18642": "ftp"})
        for t in report["targets"]:
            self.assertTrue(t["auto_service"])
        swept = report["scan"]["options"]["service_auto"]
        self.assertEqual(swept["swept"], 4)
        self.assertEqual(swept["closed"], [f"{HOST2}:18643"])
        self.assertEqual(len(swept["open"]), 3)
        st = labtest.results_by(report, "target", "rule")
        self.assertEqual(st[(f"{HOST2}:18640", "LAB-CLEAR-01")]["status"], "fail")
        self.assertEqual(st[(f"{HOST2}:18642", "LAB-FTP-TLS-01")]["status"], "fail")
        # Certificate rules are not applicable: by their applies_to on telnet and plain HTTP, and on
        # FTP (which they name) because the server offers no TLS; no TLS probe ran anywhere.
        for tid in services:
            r = st[(tid, "X509-VALIDITY-01")]
            self.assertEqual(r["status"], "not_applicable", r)
        self.assertIn("service: auto identified ftp", st[(f"{HOST2}:18642", "X509-VALIDITY-01")]["message"])
        for t in report["targets"]:
            self.assertNotIn("tls", t["facts"])

    def test_too_large_and_out_of_scope_cidrs_are_refused(self):
        big = self.write("big", '"127.0.0.0/8"', "  - {cidr: 127.0.0.0/23, ports: [18640], service: auto}")
        result, _ = self.scan("big", "--targets", big, "--profile", PROFILE)
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertRegex(result.stderr, r"inventory\.yaml:4:\d+: .*too large for service: auto")
        out = self.write("out", '"127.0.0.1/32"', f"  - {{cidr: {HOST2}/31, ports: [18640], service: auto}}")
        result, _ = self.scan("out", "--targets", out, "--profile", PROFILE)
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertRegex(result.stderr, r"inventory\.yaml:4:\d+: .*not inside scope\.allow")


if __name__ == "__main__":
    labtest.main()
