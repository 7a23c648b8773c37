#!/usr/bin/env python3
"""`scan --config`: the unattended, scheduled scan, run as cron or systemd run it.

Against the lab (good 18443, expired 18444, blackhole 18451) and an openssl
s_server of the test's own on 18570 that is reconfigured between scans, the
test checks:

* two overlapping runs of one configuration: the second exits 6 (locked) and
  says who holds the lock; the first finishes normally;
* a run killed with SIGKILL during the scan, and one killed during the report
  write (frozen the moment its .partial directory appears), leave no report
  directory but whole ones and a history whose rows are complete or running;
  the next run marks them interrupted, removes the half-written directory and
  works;
* reconfiguring the server (good certificate -> SHA-1 signed) is a regression:
  exit 5 with --fail-on-regression, the report's comparison and
  `history diff` name it; `history list|show|prune` read the same history;
* alerts reach a local webhook (bearer token from a file) and a local SMTP
  server (STARTTLS and AUTH required, tests/integration/smtp_sink.py, its
  certificate from a CA the test makes) with the regression in them, and
  nothing is sent on an unchanged rerun; the secrets appear in no report or log;
* a configuration with an inline secret is refused with file:line:column;
* --quiet prints nothing; the progress line appears on a TTY only.
"""

import http.server
import json
import os
import pathlib
import pty
import re
import select
import signal
import sqlite3
import subprocess
import threading
import time

import labtest

OWN_PORT = 18570  # outside the lab's ports and the other tests'
SNI = "demo.test"
EXIT_REGRESSION, EXIT_LOCKED = 5, 6
WEBHOOK_TOKEN = "hook-token-5c1b7e0d"
SMTP_PASSWORD = "smtp-pass-a93e11f2"


class Webhook:
    """A local HTTP receiver: records every POST (headers and JSON body)."""

    def __init__(self):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "body": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """tests/integration/smtp_sink.py with a certificate for 127.0.0.1 from the test's own CA."""

    def __init__(self, directory):
        self.dir = directory
        self.mail = directory / "mail"
        ca_key, ca = directory / "ca.key", directory / "ca.pem"
        key, csr, cert = directory / "smtp.key", directory / "smtp.csr", directory / "smtp.pem"
        ext = directory / "smtp.ext"
        ext.write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n", encoding="utf-8")

        def openssl(*args):
            subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)

        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=conformscan test mail CA")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
        openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                "-out", cert, "-days", "2", "-extfile", ext)
        self.ca = ca
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", str(pathlib.Path(__file__).with_name("smtp_sink.py")), "--cert", str(cert),
             "--key", str(key), "--out", str(self.mail), "--user", "conformscan", "--password", SMTP_PASSWORD],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("ready "):
            self.proc.kill()
            raise AssertionError(f"smtp_sink.py did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(line.split()[1])

    def messages(self):
        out = []
        for eml in sorted(self.mail.glob("*.eml"), key=lambda p: int(p.stem)):
            meta = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
            out.append((eml.read_text(encoding="utf-8", errors="replace"), meta))
        return out

    def stop(self):
        labtest.stop_process(self.proc)


def history_rows(out_dir):
    with sqlite3.connect(out_dir / "history.sqlite") as db:
        return db.execute("SELECT scan_id, status, exit_code FROM scans ORDER BY started_at, rowid").fetchall()


def report_dirs(out_dir):
    return sorted(p.name for p in (out_dir / "reports").iterdir())


class ScheduledScanTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base = cls.tmpdir("scheduled")
        secrets = cls.tmpdir("secrets")
        (secrets / "webhook.token").write_text(WEBHOOK_TOKEN + "\n", encoding="utf-8")

    def write_config(self, name, targets, extra=""):
        """A configuration NAME with its inventory; returns (config path, output directory)."""
        d = self.tmpdir(f"scheduled/{name}")
        lines = ["operator: Lab Operator", "scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for t_name, port, service in targets:
            lines.append(f"  - {{name: {t_name}, host: 127.0.0.1, port: {port}, service: {service}, sni: {SNI}}}")
        (d / "inventory.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        config = d / "conformscan.yaml"
        config.write_text(
            f"name: {name}\n"
            "inventory: inventory.yaml\n"
            f"profiles: [{labtest.X509_REF}]\n"
            f"ca_file: {self.lab.dir / 'lab-ca.pem'}\n"
            "output:\n"
            "  directory: out\n"
            "  formats: [json, text, html, csv]\n" + extra, encoding="utf-8")
        return config, d / "out"

    def start(self, config, *args):
        return subprocess.Popen([str(labtest.BIN), "scan", "--config", str(config), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_running(self, out_dir, seconds=20):
        """Until the history records a running scan (the scan has begun)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if (out_dir / "history.sqlite").is_file():
                try:
                    if any(s == "running" for _, s, _ in history_rows(out_dir)):
                        return
                except sqlite3.OperationalError:
                    pass
            time.sleep(0.02)
        self.fail("no scan was recorded as running")

    def assertWholeReports(self, out_dir):
        """Every report directory is whole: its report.json parses and matches the history's SHA-256."""
        with sqlite3.connect(out_dir / "history.sqlite") as db:
            recorded = dict(db.execute("SELECT path, sha256 FROM reports WHERE format = 'json'").fetchall())
        for name in report_dirs(out_dir):
            self.assertFalse(name.endswith(".partial"), f"half-written report directory {name} left")
            path = out_dir / "reports" / name / "report.json"
            labtest.load_report(path)
            self.assertEqual(recorded.get(str(path)), labtest.sha256_file(path), f"{path} not as recorded")

    # -- overlapping runs -------------------------------------------------------------------------

    def test_a_second_run_of_the_same_configuration_is_refused_while_the_first_runs(self):
        config, out = self.write_config("overlap", [("good", 18443, "https"), ("blackhole", 18451, "tls")],
                                        "limits: {timeout: 4}\n")
        first = self.start(config)
        try:
            self.wait_running(out)
            second = labtest.run(["scan", "--config", config])
            self.assertExit(second, EXIT_LOCKED)
            self.assertIn("another run of scan --config", second.stderr)
            self.assertIn(f"pid {first.pid}", second.stderr)
            self.assertEqual(second.stderr.count("nothing scanned"), 1, second.stderr)
            self.assertEqual(second.stdout, "")
        finally:
            stdout, stderr = first.communicate(timeout=120)
        # blackhole never answers: the first run is incomplete (3), not locked out.
        self.assertEqual(first.returncode, labtest.EXIT_INCOMPLETE, stderr)
        rows = history_rows(out)
        self.assertEqual([s for _, s, _ in rows], ["incomplete"], "the locked run must not be recorded")
        self.assertWholeReports(out)
        # The lock is free again.
        third = labtest.run(["scan", "--config", config, "--quiet"])
        self.assertExit(third, labtest.EXIT_INCOMPLETE)

    # -- kill -9 ----------------------------------------------------------------------------------

    def test_a_run_killed_during_the_scan_leaves_no_report_and_the_next_run_recovers(self):
        config, out = self.write_config("killed-scan", [("good", 18443, "https"), ("blackhole", 18451, "tls")],
                                        "limits: {timeout: 5}\n")
        victim = self.start(config)
        self.wait_running(out)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        self.assertEqual(report_dirs(out), [], "a scan killed before its reports left a report directory")
        self.assertEqual([s for _, s, _ in history_rows(out)], ["running"])
        self.assertFalse((out / "latest").exists())

        after = labtest.run(["scan", "--config", config])  # not --quiet: the warnings are the point
        self.assertExit(after, labtest.EXIT_INCOMPLETE)
        self.assertIn("died before finishing; recorded as interrupted", after.stderr)
        self.assertIn("left by a run that died", after.stderr)
        self.assertEqual([s for _, s, _ in history_rows(out)], ["interrupted", "incomplete"])
        self.assertEqual(len(report_dirs(out)), 1)
        self.assertWholeReports(out)
        self.assertEqual((out / "latest").resolve(), (out / "reports" / report_dirs(out)[0]).resolve())

    def test_a_run_killed_while_writing_its_reports_leaves_no_truncated_report(self):
        config, out = self.write_config("killed-write", [("good", 18443, "https"), ("expired", 18444, "tls")],
                                        "signing: {key: %s}\n" % self.signing_key())
        first = labtest.run(["scan", "--config", config, "--quiet"])
        self.assertExit(first, labtest.EXIT_FAIL)
        kept = report_dirs(out)
        # Freeze the next run the moment its .partial directory appears, look, then kill it.
        caught = None
        for _ in range(20):
            victim = self.start(config)
            reports = out / "reports"
            while victim.poll() is None:
                partial = [p for p in reports.iterdir() if p.name.endswith(".partial")]
                if partial:
                    victim.send_signal(signal.SIGSTOP)
                    caught = partial[0]
                    break
            if caught is not None:
                break
            victim.communicate(timeout=30)  # it finished first: try again
            kept = report_dirs(out)
        self.assertIsNotNone(caught, "no run was caught while writing its reports")
        try:
            self.assertEqual([d for d in report_dirs(out) if not d.endswith(".partial")], kept)
            self.assertEqual(os.readlink(out / "latest"), f"reports/{kept[-1]}")
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.communicate(timeout=30)
        rows = history_rows(out)
        self.assertEqual(rows[-1][1], "running")
        self.assertTrue(all(s == "complete" for _, s, _ in rows[:-1]), rows)

        after = labtest.run(["scan", "--config", config])
        self.assertExit(after, labtest.EXIT_FAIL)
        self.assertIn("removed the half-written report directory", after.stderr)
        self.assertEqual(history_rows(out)[-2][1], "interrupted")
        self.assertEqual(history_rows(out)[-1][1], "complete")
        self.assertWholeReports(out)
        # The chain of the surviving reports verifies, signature and all.
        latest = out / "latest" / "report.json"
        verify = labtest.run(["report", "verify", latest, "--pubkey", self.signing_key().with_suffix(".pub"),
                              "--chain"])
        self.assertExit(verify, 0)

    @classmethod
    def signing_key(cls):
        key = cls.tmpdir("keys") / "operator.key"
        if not key.is_file():
            made = labtest.run(["keygen", "--out", key.with_suffix("")])
            assert made.returncode == 0, made.describe()
        return key

    # -- regression, history, alerts --------------------------------------------------------------

    def test_a_reconfigured_server_is_a_regression_in_the_report_the_history_and_the_alerts(self):
        hook = Webhook()
        smtp = SmtpSink(self.tmpdir("smtp"))
        server = labtest.TlsServer(self.lab, OWN_PORT, "good")
        try:
            notify = (
                "retention: {keep: 3}\n"
                "notify:\n"
                "  events: [new_failures, regressions, expired_waivers, expiring_certificates]\n"
                f"  webhook: {{url: 'http://127.0.0.1:{hook.port}/conformscan', "
                f"token_file: {self.tmpdir('secrets') / 'webhook.token'}, retries: 1, timeout: 5}}\n"
                f"  email: {{smtp_url: 'smtp://127.0.0.1:{smtp.port}', from: scanner@lab.test, "
                "to: [noc@lab.test, soc@lab.test], username: conformscan, password_env: CS_TEST_SMTP_PASSWORD, "
                f"starttls: required, ca_file: {smtp.ca}}}\n")
            config, out = self.write_config("alerts", [("web", OWN_PORT, "tls"), ("expired", 18444, "tls")], notify)
            env = dict(os.environ, CS_TEST_SMTP_PASSWORD=SMTP_PASSWORD)
            log = self.tmpdir("logs") / "alerts.log"

            def scan(*args):
                return labtest_run_env(["--log-file", log, "scan", "--config", config, *args], env)

            # 1. First scan: the expired lab certificate is a new failure (and an expired certificate).
            first = scan("--fail-on-regression")
            self.assertExit(first, labtest.EXIT_FAIL)
            self.assertEqual(len(hook.requests), 1, first.describe())
            body = hook.requests[0]["body"]
            self.assertEqual(hook.requests[0]["headers"].get("Authorization"), f"Bearer {WEBHOOK_TOKEN}")
            self.assertEqual(hook.requests[0]["path"], "/conformscan")
            self.assertIsNone(body["previous_scan"])
            self.assertEqual(body["events"], ["new_failures", "expiring_certificates"])
            self.assertEqual({(i["target"], i["rule"]) for i in body["changes"]["new_failures"]["items"]},
                             {("127.0.0.1:18444", "X509-VALIDITY-01")})
            self.assertEqual(len(smtp.messages()), 1)

            # 2. Unchanged rerun: nothing sent, nothing new in the report's comparison.
            second = scan("--fail-on-regression")
            self.assertExit(second, labtest.EXIT_FAIL)
            self.assertEqual(len(hook.requests), 1, "an unchanged rerun sent a webhook")
            self.assertEqual(len(smtp.messages()), 1, "an unchanged rerun sent an e-mail")
            report = labtest.load_report(out / "latest" / "report.json")
            self.assertEqual(report["comparison"]["events"], [])
            self.assertEqual(report["comparison"]["new_failures"]["count"], 0)
            self.assertEqual(report["comparison"]["expiring_certificates"][0]["new"], False)

            # 3. Reconfigure: the server now serves a SHA-1 signed certificate.
            server.stop()
            server = labtest.TlsServer(self.lab, OWN_PORT, "sha1")
            third = scan("--fail-on-regression")
            self.assertExit(third, EXIT_REGRESSION)
            report = labtest.load_report(out / "latest" / "report.json")
            regression = {("127.0.0.1:%d" % OWN_PORT, "X509-SIG-01")}
            self.assertEqual({(i["target"], i["rule"]) for i in report["comparison"]["regressions"]["items"]},
                             regression)
            self.assertEqual(report["comparison"]["events"], ["new_failures", "regressions"])
            self.assertIn("regression   127.0.0.1:%d X509-SIG-01" % OWN_PORT, third.stdout)
            self.assertEqual(report["previous_report"]["path"].split("/")[0], "..")
            page = (out / "latest" / "report.html").read_text(encoding="utf-8")
            self.assertIn('data-count="regressions">1<', page)
            self.assertEqual(len(re.findall(r'<tr class="change" data-change="regressions">', page)), 1)
            self.assertRegex(page, r'data-change="regressions">.*?X509-SIG-01')
            # Without --fail-on-regression the same state is plain failures.
            self.assertEqual(len(hook.requests), 2)
            body = hook.requests[1]["body"]
            self.assertEqual(body["events"], ["new_failures", "regressions"])
            self.assertEqual({(i["target"], i["rule"]) for i in body["changes"]["regressions"]["items"]}, regression)
            self.assertEqual(body["scan"]["report"], str((out / "reports").resolve() /
                                                         os.readlink(out / "latest").split("/")[1] / "report.json"))
            mails = smtp.messages()
            self.assertEqual(len(mails), 2)
            text, meta = mails[1]
            self.assertTrue(meta["tls"] and meta["authenticated"], meta)
            self.assertEqual(sorted(meta["rcpt_tos"]), ["noc@lab.test", "soc@lab.test"])
            self.assertIn("Subject: [conformscan] alerts: 1 regressions, 1 new failures", text)
            self.assertIn("X509-SIG-01", text)
            self.assertIn(body["scan"]["report"], text)

            # history list / show / diff read the same story.
            listed = json.loads(labtest.run(["history", "list", "-c", config, "--format", "json"]).stdout)
            self.assertEqual([s["status"] for s in listed], ["complete"] * 3)
            self.assertEqual([s["exit_code"] for s in listed], [EXIT_REGRESSION, 1, 1])
            shown = json.loads(labtest.run(["history", "show", "latest", "-c", config, "--format", "json"]).stdout)
            self.assertEqual([(a["channel"], a["ok"]) for a in shown["alerts"]], [("webhook", True), ("email", True)])
            self.assertEqual(shown["alerts"][0]["detail"], f"http://127.0.0.1:{hook.port}/conformscan")
            self.assertEqual(json.loads(labtest.run(["history", "show", "previous", "-c", config,
                                                     "--format", "json"]).stdout)["alerts"], [])
            shown = labtest.run(["history", "show", "latest", "-c", config])
            self.assertExit(shown, 0)
            self.assertIn("1 regressions, 1 new failures, 0 fixed", shown.stdout)
            self.assertIn(f"fail  [high] 127.0.0.1:{OWN_PORT} X509-SIG-01", shown.stdout)
            diff = labtest.run(["history", "diff", "-c", config, "--format", "json"])
            self.assertExit(diff, labtest.EXIT_FAIL)  # something newly fails
            d = json.loads(diff.stdout)
            self.assertEqual({(c["target_name"], c["rule"]) for c in d["regressions"]}, {("web", "X509-SIG-01")})
            self.assertEqual({(c["target_name"], c["rule"]) for c in d["still_failing"]},
                             {("expired", "X509-VALIDITY-01")})
            same = labtest.run(["history", "diff", listed[2]["scan_id"][:8], listed[1]["scan_id"], "-c", config])
            self.assertExit(same, 0)
            self.assertIn("0 new failures, 0 regressions, 0 fixed", same.stdout)

            # Edit the inventory (a new, passing target): still compared with the previous scan, result by
            # result, but not chained to it (another configuration digest). Retention keeps 3: this fourth
            # scan prunes the first, its directory too.
            inventory = config.parent / "inventory.yaml"
            inventory.write_text(inventory.read_text(encoding="utf-8") +
                                 f"  - {{name: good, host: 127.0.0.1, port: 18443, service: https, sni: {SNI}}}\n",
                                 encoding="utf-8")
            fourth = scan()
            self.assertExit(fourth, labtest.EXIT_FAIL)
            self.assertIn("the configuration changed since the previous scan", fourth.stderr)
            report = labtest.load_report(out / "latest" / "report.json")
            self.assertEqual(report["comparison"]["previous_scan"], listed[0]["scan_id"])
            self.assertTrue(report["comparison"]["configuration_changed"])
            self.assertNotIn("previous_report", report)
            self.assertEqual((report["comparison"]["regressions"]["count"],
                              report["comparison"]["new_failures"]["count"], report["comparison"]["fixed"]["count"]),
                             (0, 0, 0))
            self.assertIn('id="configuration-changed"', (out / "latest" / "report.html").read_text(encoding="utf-8"))
            self.assertEqual(len(hook.requests), 2, "nothing new: no alert")
            self.assertEqual(len(history_rows(out)), 3)
            self.assertEqual(len(report_dirs(out)), 3)
            self.assertNotIn(listed[2]["scan_id"][:8], " ".join(report_dirs(out)))
            dry = labtest.run(["history", "prune", "-c", config, "--keep", "1", "--dry-run"])
            self.assertExit(dry, 0)
            self.assertIn("would prune 2 scan(s)", dry.stdout)
            self.assertEqual((len(history_rows(out)), len(report_dirs(out))), (3, 3))
            pruned = labtest.run(["history", "prune", "-c", config, "--keep", "1"])
            self.assertExit(pruned, 0)
            self.assertIn("pruned 2 scan(s)", pruned.stdout)
            self.assertEqual(len(report_dirs(out)), 1)

            # Secrets appear nowhere the scan wrote.
            for path in [log, *out.rglob("*")]:
                if path.is_file() and path.suffix != ".sqlite":
                    data = path.read_bytes()
                    self.assertNotIn(WEBHOOK_TOKEN.encode(), data, path)
                    self.assertNotIn(SMTP_PASSWORD.encode(), data, path)
        finally:
            server.stop()
            smtp.stop()
            hook.stop()

    # -- refusals, quiet, progress ----------------------------------------------------------------

    def test_an_undeliverable_alert_is_logged_and_recorded_and_the_scan_still_counts(self):
        # 18452 is the lab's closed port: the webhook's connection is refused.
        config, out = self.write_config(
            "undeliverable", [("expired", 18444, "tls")],
            "notify:\n  webhook: {url: 'http://127.0.0.1:18452/hook', retries: 0, timeout: 3}\n")
        r = labtest.run(["scan", "--config", config])
        self.assertExit(r, labtest.EXIT_FAIL)  # the finding's code, not an alerting error
        self.assertIn("alert not delivered by webhook", r.stderr)
        shown = json.loads(labtest.run(["history", "show", "latest", "-c", config, "--format", "json"]).stdout)
        self.assertEqual(shown["status"], "complete")
        self.assertEqual(len(shown["alerts"]), 1)
        self.assertEqual((shown["alerts"][0]["channel"], shown["alerts"][0]["ok"]), ("webhook", False))
        self.assertIn("127.0.0.1:18452", shown["alerts"][0]["detail"])
        text = labtest.run(["history", "show", "latest", "-c", config]).stdout
        self.assertIn("webhook", text)
        self.assertIn("NOT delivered", text)
        failed_scan = shown["scan_id"]

        # The receiver is back (notify is not part of the configuration's digest): the next run, with no
        # change of its own, still tells what the lost alert would have told.
        hook = Webhook()
        try:
            source = config.read_text(encoding="utf-8")
            config.write_text(source.replace("http://127.0.0.1:18452/hook", f"http://127.0.0.1:{hook.port}/hook"),
                              encoding="utf-8")
            again = labtest.run(["scan", "--config", config])
            self.assertExit(again, labtest.EXIT_FAIL)
            self.assertIn(f"the alerts of scan(s) {failed_scan} were not delivered", again.stderr)
            self.assertEqual(len(hook.requests), 1, again.describe())
            body = hook.requests[0]["body"]
            self.assertEqual(body["undelivered_scans"], [failed_scan])
            self.assertIn("new_failures", body["events"])
            self.assertEqual({(i["target"], i["rule"]) for i in body["changes"]["new_failures"]["items"]},
                             {("127.0.0.1:18444", "X509-VALIDITY-01")})
            # The report itself still compares with the scan just before it: nothing new there.
            report = labtest.load_report(out / "latest" / "report.json")
            self.assertEqual(report["comparison"]["previous_scan"], failed_scan)
            self.assertEqual(report["comparison"]["new_failures"]["count"], 0)
            # Delivered now: the run after that is quiet.
            third = labtest.run(["scan", "--config", config])
            self.assertExit(third, labtest.EXIT_FAIL)
            self.assertEqual(len(hook.requests), 1, "an unchanged rerun after a delivered alert sent another")
        finally:
            hook.stop()

    def test_an_inline_secret_is_refused_with_its_position(self):
        config, out = self.write_config(
            "inline", [("good", 18443, "https")],
            "notify:\n  webhook: {url: 'http://127.0.0.1:9/x', token: s3cr3t-inline}\n")
        for args in (["scan", "--config", config], ["config", "check", "-c", config]):
            r = labtest.run(args)
            self.assertExit(r, labtest.EXIT_USAGE)
            self.assertRegex(r.stderr, re.escape(str(config)) + r":\d+:\d+")
            self.assertIn("token", r.stderr)
            self.assertNotIn("s3cr3t-inline", r.stderr)
        self.assertFalse((out / "history.sqlite").exists(), "a refused configuration must not start a history")

    def test_quiet_prints_nothing_and_the_progress_line_needs_a_tty(self):
        config, _ = self.write_config("quiet", [("good", 18443, "https"), ("expired", 18444, "tls")])
        quiet = labtest.run(["--quiet", "scan", "--config", config])
        self.assertExit(quiet, labtest.EXIT_FAIL)
        self.assertEqual((quiet.stdout, quiet.stderr), ("", ""))
        plain = labtest.run(["scan", "--config", config])
        self.assertNotIn("targets/s", plain.stderr)
        # On a terminal: "[n/2] R targets/s  TARGET".
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(str(labtest.BIN), [str(labtest.BIN), "scan", "--config", str(config)])
        data = b""
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), labtest.EXIT_FAIL)
        self.assertRegex(data.decode(errors="replace"), r"\[2/2\] \d+\.\d targets/s")

    def test_history_commands_refuse_what_they_cannot_read(self):
        config, _ = self.write_config("empty", [("good", 18443, "https")])
        r = labtest.run(["history", "list", "-c", config])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn("no history yet", r.stderr)
        r = labtest.run(["history", "prune", "-c", config])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn("--keep N or --older-than D", r.stderr)
        r = labtest.run(["scan", "--config", config, "--target", "127.0.0.1:18443"])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn("excludes", r.stderr)
        r = labtest.run(["scan", "--fail-on-regression", "--target", "127.0.0.1:18443"])
        self.assertExit(r, labtest.EXIT_USAGE)
        self.assertIn("--fail-on-regression needs --config", r.stderr)
        if not pathlib.Path("/etc/conformscan/conformscan.yaml").exists():
            # --config alone is the packaged default.
            r = labtest.run(["scan", "--config"])
            self.assertExit(r, labtest.EXIT_USAGE)
            self.assertIn("/etc/conformscan/conformscan.yaml: cannot read the configuration: no such file", r.stderr)


def labtest_run_env(args, env):
    """labtest.run with an environment (the SMTP password comes from one)."""
    start = time.monotonic()
    proc = subprocess.run([str(labtest.BIN), *map(str, args)], capture_output=True, text=True,
                          timeout=labtest.RUN_TIMEOUT, env=env)
    return labtest.Run(args, proc, time.monotonic() - start)


if __name__ == "__main__":
    labtest.main()
