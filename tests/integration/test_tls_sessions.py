#!/usr/bin/env python3
"""OCSP stapling, SCTs (tls probe) and the tls_session probe against the lab.

Endpoints: the "sessions" lab part (tests/lab/parts/sessions.sh, 18481-18485)
and, when the core lab runs too, its good nginx (18443). What each does is not
written down here: openssl s_client looks at each and the facts must agree:

  s_client -status                          "Cert Status: good", "This Update:" -> ocsp_stapled, ocsp_status,
                                            "OCSP response: no response sent"       ocsp_this_update
  s_client -tls1_2 -no_ticket -reconnect    "Reused," after the first handshake -> resumption.session_id
  s_client -tls1_2 -sess_out, then -sess_in "TLS session ticket lifetime hint",  -> resumption.ticket_issued,
                                            "Reused,"                               resumption.ticket
  s_client -tls1_3 -sess_out, then -sess_in "Reused,", "Max Early Data: N"      -> resumption.tls13_psk,
            -early_data FILE                "Early data was accepted/rejected"     max_early_data, early_data
  s_client -tls1_2, then "R" on stdin       "RENEGOTIATING" and "no renegotiation" -> client_renegotiation
  s_client | openssl x509 -text             "Log ID : ..." lines                -> scts (source certificate)

The SCTs of the lab's "sct" endpoint come from made-up logs (see sessions.sh):
their log signatures are not verified by the scanner, nor here.

The scan uses tests/integration/profiles/tls-sessions.yaml; each rule's
expected status follows from the same observations.
"""

import concurrent.futures
import datetime
import json
import pathlib
import re
import subprocess
import tempfile

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "tls-sessions.yaml"
PROFILE_ID = "lab-tls-sessions"
SNI = "demo.test"


def s_client(port, *args, stdin=b"", timeout=15):
    cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", SNI, *args]
    try:
        p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode("utf-8", "replace")


def s_client_renegotiate(port):
    """s_client reads its command letters only without -ign_eof: keep stdin open, send R."""
    cmd = ["sh", "-c", f"(sleep 1; echo R; sleep 2) | openssl s_client -connect 127.0.0.1:{port} "
                       f"-servername {SNI} -tls1_2 2>&1"]
    return subprocess.run(cmd, stdout=subprocess.PIPE, timeout=20).stdout.decode("utf-8", "replace")


def openssl_time(text):
    """'Nov 28 02:37:23 2026 GMT' -> '2026-11-28T02:37:23Z'."""
    t = datetime.datetime.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y GMT")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def log_ids(x509_text):
    """The hex Log IDs in `openssl x509 -text`'s CT Precertificate SCTs section."""
    ids, current = [], None
    for line in x509_text.splitlines():
        s = line.strip()
        if s.startswith("Log ID"):
            current = s.split(":", 1)[1].strip()
        elif current is not None and re.fullmatch(r"[0-9A-F:]+", s):
            current += s
        elif current is not None:
            ids.append(current.replace(":", "").lower())
            current = None
    return ids


def observe(port, https):
    """What openssl s_client sees of one endpoint: the facts it implies."""
    seen = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        out = s_client(port, "-status", stdin=b"")
        seen["ocsp_stapled"] = "OCSP Response Status: successful" in out
        m = re.search(r"Cert Status: (\w+)", out)
        seen["ocsp_status"] = m.group(1) if m else ""
        m = re.search(r"This Update: (.+)", out)
        seen["ocsp_this_update"] = openssl_time(m.group(1)) if m else ""
        seen["secure_renegotiation"] = "Secure Renegotiation IS supported" in s_client(port, "-tls1_2")

        out = s_client(port, "-tls1_2", "-no_ticket", "-reconnect")
        seen["session_id"] = "yes" if out.count("\nReused,") >= 1 else "no"

        sess12 = tmp / "s12.pem"
        out = s_client(port, "-tls1_2", "-sess_out", str(sess12))
        seen["ticket_issued"] = "TLS session ticket lifetime hint" in out
        out = s_client(port, "-tls1_2", "-sess_in", str(sess12))
        seen["ticket"] = "yes" if seen["ticket_issued"] and "\nReused," in out else "no"

        # TLS 1.3 tickets come after the handshake: ask for a page and wait for the close.
        sess13 = tmp / "s13.pem"
        out = s_client(port, "-tls1_3", "-sess_out", str(sess13), "-ign_eof",
                       stdin=b"GET / HTTP/1.0\r\nHost: demo.test\r\n\r\n")
        m = re.search(r"Max Early Data: (\d+)", out)
        seen["max_early_data"] = int(m.group(1)) if m else 0
        early = tmp / "early.txt"
        early.write_bytes(f"HEAD / HTTP/1.1\r\nHost: {SNI}\r\nConnection: close\r\n\r\n".encode()
                          if https else b"\r\n")
        args = ["-tls1_3", "-sess_in", str(sess13)]
        if seen["max_early_data"] > 0:
            args += ["-early_data", str(early)]
        out = s_client(port, *args)
        seen["tls13_psk"] = "yes" if "\nReused, TLSv1.3" in out else "no"
        if seen["max_early_data"] == 0:
            seen["early_data"] = "not_offered"
        else:
            seen["early_data"] = "accepted" if "Early data was accepted" in out else "rejected"

        out = s_client_renegotiate(port)
        if "RENEGOTIATING" not in out:
            seen["client_renegotiation"] = "s_client did not renegotiate"
        elif re.search(r"no renegotiation|alert|errno", out):
            seen["client_renegotiation"] = "refused"
        else:
            seen["client_renegotiation"] = "accepted"

        pem = s_client(port)
        x509 = subprocess.run(["openssl", "x509", "-noout", "-text"], input=pem.encode(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT).stdout.decode()
        seen["sct_log_ids"] = sorted(log_ids(x509))
    return seen


def expected_statuses(s):
    good_staple = s["ocsp_stapled"] and s["ocsp_status"] == "good"
    resume_ok = s["session_id"] == "yes" and s["ticket"] == "no"
    return {
        "LAB-OCSP-01": "pass" if good_staple else "fail",
        "LAB-SCT-01": "pass" if len(set(s["sct_log_ids"])) >= 2 else "fail",
        "LAB-RESUME-01": "pass" if resume_ok else "fail",
        "LAB-RENEG-02": "pass" if s["secure_renegotiation"] and s["client_renegotiation"] == "refused" else "fail",
        "LAB-0RTT-01": "fail" if s["early_data"] == "accepted" else "pass",
    }


class TlsSessionsTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        part = cls.lab.part("sessions")
        cls.targets = {name: e["port"] for name, e in part.items() if name != "ocsp-responder"}
        if "good" in cls.lab.endpoints:
            cls.targets["good"] = cls.lab.endpoints["good"]["port"]
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            cls.seen = dict(zip(cls.targets, pool.map(lambda p: observe(p, True), cls.targets.values())))
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, port in cls.targets.items():
            lines.append(f"  - {{name: {name}, host: 127.0.0.1, port: {port}, service: https, sni: {SNI}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.result, cls.report = cls.scan("tls-sessions", "--targets", inventory, "--profile", PROFILE,
                                          "--ca-file", cls.lab.ca_file)
        print(f"\nscan with {PROFILE.name}: {cls.result.seconds:.1f} s, exit {cls.result.returncode}")
        for name, port in cls.targets.items():
            print(f"  {name:14} s_client: {json.dumps(cls.seen[name])}")
            if cls.report:
                record = tlsderive.facts(cls.report, f"127.0.0.1:{port}", "tls_session") or {}
                print(f"  {'':14} tls_session {record.get('status')} connections={record.get('connections')}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def record(self, name, probe):
        record = tlsderive.facts(self.report, f"127.0.0.1:{self.targets[name]}", probe)
        self.assertIsNotNone(record, f"{name}: no {probe} facts")
        self.assertEqual(record["status"], "ok", f"{name}: {record}")
        return record["data"]

    def test_s_client_saw_what_the_lab_configures(self):
        # The anchors of the comparison, so that a silently broken s_client parse cannot pass.
        s = self.seen
        self.assertEqual((s["stapling"]["ocsp_stapled"], s["stapling"]["ocsp_status"]), (True, "good"))
        self.assertEqual(s["early-data"]["early_data"], "accepted")
        self.assertEqual((s["session-cache"]["session_id"], s["session-cache"]["ticket"]), ("yes", "no"))
        self.assertEqual(s["renegotiation"]["client_renegotiation"], "accepted")
        self.assertEqual(s["stapling"]["client_renegotiation"], "refused")
        self.assertEqual(len(s["sct"]["sct_log_ids"]), 2)

    def test_staple_and_scts_equal_s_client(self):
        for name, s in self.seen.items():
            with self.subTest(endpoint=name):
                tls = self.record(name, "tls")
                self.assertEqual(tls["ocsp_stapled"], s["ocsp_stapled"])
                self.assertEqual(tls["ocsp_status"], s["ocsp_status"])
                if s["ocsp_stapled"]:
                    self.assertEqual(tls["ocsp_this_update"], s["ocsp_this_update"])
                    # The lab responder signs with the intermediate the server presents.
                    self.assertTrue(tls["ocsp_verified"], tls.get("ocsp_verify_error"))
                    self.assertTrue(tls["ocsp_for_leaf"])
                got = sorted(x["log_id"] for x in tls.get("scts", []) if x["source"] == "certificate")
                self.assertEqual(got, s["sct_log_ids"])

    def test_session_facts_equal_s_client(self):
        for name, s in self.seen.items():
            with self.subTest(endpoint=name):
                d = self.record(name, "tls_session")
                r = d["resumption"]
                self.assertEqual(r["session_id"], s["session_id"], json.dumps(d, indent=1))
                self.assertEqual(r["ticket_issued"], s["ticket_issued"], json.dumps(d, indent=1))
                self.assertEqual(r["ticket"], s["ticket"], json.dumps(d, indent=1))
                self.assertEqual(r["tls13_psk"], s["tls13_psk"], json.dumps(d, indent=1))
                self.assertEqual(d["max_early_data"], s["max_early_data"])
                self.assertEqual(d["early_data"], s["early_data"], json.dumps(d, indent=1))
                self.assertEqual(d["client_renegotiation"], s["client_renegotiation"], json.dumps(d, indent=1))

    def test_connections_are_few_and_counted(self):
        for name in self.seen:
            with self.subTest(endpoint=name):
                d = self.record(name, "tls_session")
                self.assertLessEqual(d["connections"], 5)
                self.assertEqual(len(d["steps"]) >= d["connections"], True, d["steps"])

    def test_rules_follow_s_client(self):
        for name, s in self.seen.items():
            with self.subTest(endpoint=name):
                self.assertStatuses(self.report, f"127.0.0.1:{self.targets[name]}", expected_statuses(s), PROFILE_ID)


if __name__ == "__main__":
    labtest.main()
