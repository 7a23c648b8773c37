"""Shared helpers for the integration tests.

The tests run the real `conformscan` binary against the loopback lab that
tests/lab/lab.sh starts, and check the JSON report it writes. ctest gives them
three environment variables (see tests/CMakeLists.txt):

  CONFORMSCAN_BIN     the binary
  CONFORMSCAN_LAB     the lab directory (endpoints.json, inventory.yaml, lab-ca.pem)
  CONFORMSCAN_SOURCE  the repository root

Run one by hand with the lab started into tests/lab/run (git-ignored):

  tests/lab/lab.sh start tests/lab/run
  CONFORMSCAN_BIN=build/conformscan python3 tests/integration/test_certificates.py

Every address used here is on loopback. Standard library only, except that
every report.json loaded is also checked against schemas/report.schema.json
when python3-jsonschema is installed (scripts/install-deps.sh installs it;
test_report_schema.py requires it).
"""

import hashlib
import json
import os
import pathlib
import re
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SOURCE = pathlib.Path(os.environ.get("CONFORMSCAN_SOURCE") or pathlib.Path(__file__).resolve().parents[2])
BIN = pathlib.Path(os.environ.get("CONFORMSCAN_BIN") or SOURCE / "build" / "conformscan")
LAB = pathlib.Path(os.environ.get("CONFORMSCAN_LAB") or SOURCE / "tests" / "lab" / "run")

# The guard around every run of the binary: a scan that hangs is a failure, not a stuck test.
RUN_TIMEOUT = 120

X509_REF = "itu-t/x509-certificates"
X509_ID = "itu-t-x509-certificates"
X509_FILE = SOURCE / "profiles" / "itu-t" / "x509-certificates.yaml"
X509_RULES = ("X509-VALIDITY-01", "X509-TRUST-01", "X509-HOST-01", "X509-KEY-01", "X509-SIG-01", "X509-LIFE-01")

TEST_PROFILES = pathlib.Path(__file__).resolve().parent / "profiles"
CLOSED_PORT_FILE = TEST_PROFILES / "closed-port.yaml"
CLOSED_PORT_ID = "conformscan-lab-closed-port"
CLOSED_PORT_RULE = "LAB-NET-01"

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


class Run:
    """One finished run of the binary."""

    def __init__(self, args, proc, seconds):
        self.args = args
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.seconds = seconds

    def describe(self):
        def tail(text, n=40):
            lines = text.splitlines()
            return "\n".join((["..."] if len(lines) > n else []) + lines[-n:])

        return (f"conformscan {' '.join(map(str, self.args))}\n"
                f"exit code {self.returncode} after {self.seconds:.1f} s\n"
                f"--- stdout (tail)\n{tail(self.stdout)}\n--- stderr (tail)\n{tail(self.stderr)}")


def run(args, timeout=RUN_TIMEOUT, cwd=None):
    """Runs conformscan with ARGS; a run longer than TIMEOUT seconds is killed and fails the test."""
    args = [str(a) for a in args]
    start = time.monotonic()
    try:
        proc = subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"conformscan {' '.join(args)} did not finish within {timeout} s "
                             f"(killed); stderr so far:\n{e.stderr}") from None
    return Run(args, proc, time.monotonic() - start)


def _no_duplicate_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate JSON key {key!r}")
        obj[key] = value
    return obj


_report_validator = None


def report_schema_errors(report, limit=5):
    """Where REPORT breaks schemas/report.schema.json ([] when it matches, or when jsonschema is missing)."""
    global _report_validator
    if _report_validator is None:
        try:
            import jsonschema
        except ImportError:
            print("labtest: python3-jsonschema missing; reports are not checked against the schema",
                  file=sys.stderr)
            _report_validator = False
            return []
        schema = json.loads((SOURCE / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
        _report_validator = jsonschema.Draft202012Validator(schema)
    if _report_validator is False:
        return []
    errors = sorted(_report_validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:limit]]


def load_report(path):
    """Loads a report.json; a duplicated key anywhere is an error, not a silent overwrite, and so is
    a report that does not match the published schema."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f, object_pairs_hook=_no_duplicate_keys)
    errors = report_schema_errors(report)
    if errors:
        raise AssertionError(f"{path} does not match schemas/report.schema.json:\n  " + "\n  ".join(errors))
    return report


def results_by(report, *fields):
    """Indexes report["results"] by the tuple of FIELDS (default target, rule); keys must be unique."""
    fields = fields or ("target", "rule")
    index = {}
    for r in report["results"]:
        key = tuple(r[f] for f in fields)
        if key in index:
            raise AssertionError(f"two results for {dict(zip(fields, key))}")
        index[key] = r
    return index


def statuses(report, target, profile=None):
    """{rule: status} for one target (and one profile, if given)."""
    return {r["rule"]: r["status"] for r in report["results"]
            if r["target"] == target and (profile is None or r["profile"] == profile)}


def target_names(report):
    """{target id: target name} from report["targets"]."""
    return {t["id"]: t.get("name") or t["id"] for t in report["targets"]}


def sha256_file(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def project_version():
    text = (SOURCE / "CMakeLists.txt").read_text(encoding="utf-8")
    m = re.search(r"project\(\s*conformscan\s+VERSION\s+([0-9][0-9.]*)", text)
    return m.group(1) if m else None


def ipv6_loopback_available():
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Lab:
    """The running lab, as described by the endpoints.json that lab.sh wrote."""

    def __init__(self, directory=LAB):
        self.dir = pathlib.Path(directory)
        path = self.dir / "endpoints.json"
        if not path.is_file():
            raise AssertionError(
                f"no lab in {self.dir} ({path} missing): start it with tests/lab/lab.sh start {self.dir}")
        with open(path, encoding="utf-8") as f:
            self.description = json.load(f)
        self.endpoints = {e["name"]: e for e in self.description["endpoints"]}
        self.ca_file = self.dir / "lab-ca.pem"
        # The core endpoints only; inventory.yaml also lists the lab parts' targets.
        core = self.dir / "inventory-core.yaml"
        self.inventory = core if core.is_file() else self.dir / "inventory.yaml"

    def endpoint(self, name):
        return self.endpoints[name]

    def part(self, name):
        """The endpoints of lab part NAME (tests/lab/parts/NAME.sh); skips the test when it was not started."""
        parts = self.description.get("parts", {})
        if name not in parts:
            raise unittest.SkipTest(f"lab part {name} not started in {self.dir}")
        return {e["name"]: e for e in parts[name]}

    def address(self, name):
        e = self.endpoints[name]
        return f"{e['host']}:{e['port']}"

    def expected_statuses(self, name, rules=X509_RULES):
        """{rule: expected status} for endpoint NAME under the x509 profile."""
        e = self.endpoints[name]
        if e["expect"] == "error":
            return {rule: "error" for rule in rules}
        return {rule: ("fail" if rule in e["expected_failures"] else "pass") for rule in rules}

    def write_inventory(self, path, names, allow=("127.0.0.1/32",)):
        """Writes an inventory of the lab endpoints NAMES to PATH."""
        lines = ["scope:", "  allow: [" + ", ".join(f'"{a}"' for a in allow) + "]", "targets:"]
        for name in names:
            e = self.endpoints[name]
            lines.append(f"  - {{name: {name}, host: {e['host']}, port: {e['port']}, "
                         f"service: {e['service']}, sni: {e['sni']}}}")
        pathlib.Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


class CountingListener:
    """TCP listeners on 127.0.0.1 that count the connections they accept.

    mode "close" closes each connection at once (a TLS client then fails fast);
    mode "hold" keeps it open and silent until the peer closes it.
    Use as a context manager; `count(port)` or `total()` give the counts.
    """

    def __init__(self, ports, mode="close", host="127.0.0.1"):
        self.host = host
        self.ports = list(ports)
        self.mode = mode
        self._counts = {p: 0 for p in self.ports}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sel = selectors.DefaultSelector()
        self._sockets = []
        self._thread = None

    def __enter__(self):
        for port in self.ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((self.host, port))
            except OSError as e:
                s.close()
                self.__exit__(None, None, None)
                raise AssertionError(f"cannot listen on {self.host}:{port} for the test: {e}") from None
            s.listen(64)
            s.setblocking(False)
            self._sel.register(s, selectors.EVENT_READ, ("listener", port))
            self._sockets.append(s)
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self):
        while not self._stop.is_set():
            for key, _ in self._sel.select(timeout=0.1):
                kind, port = key.data
                if kind == "listener":
                    try:
                        conn, _ = key.fileobj.accept()
                    except OSError:
                        continue
                    with self._lock:
                        self._counts[port] += 1
                    if self.mode == "close":
                        conn.close()
                    else:
                        conn.setblocking(False)
                        self._sel.register(conn, selectors.EVENT_READ, ("conn", port))
                else:
                    try:
                        data = key.fileobj.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        self._sel.unregister(key.fileobj)
                        key.fileobj.close()

    def count(self, port):
        with self._lock:
            return self._counts[port]

    def total(self):
        with self._lock:
            return sum(self._counts.values())

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        for key in list(self._sel.get_map().values()):
            key.fileobj.close()
        self._sel.close()
        return False


def wait_listening(port, seconds=10, host="127.0.0.1"):
    """Until something accepts TCP connections on HOST:PORT; an AssertionError after SECONDS."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {host}:{port}")


def stop_process(proc, seconds=10):
    """SIGTERM, then SIGKILL after SECONDS; closes its pipes."""
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


class TlsServer:
    """openssl s_server on 127.0.0.1:PORT serving the lab certificate NAME (LAB.dir/certs/NAME.pem), for
    tests that reconfigure a server between scans."""

    def __init__(self, lab, port, name):
        certs = lab.dir / "certs"
        args = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-www", "-quiet",
                "-key", certs / f"{name}.key", "-cert", certs / f"{name}.pem",
                # SECLEVEL 0 so that OpenSSL 3 loads the RSA-1024 and SHA-1 certificates.
                "-cipher", "ALL:@SECLEVEL=0"]
        if (certs / f"{name}.issuer.pem").is_file():
            args += ["-cert_chain", certs / f"{name}.issuer.pem"]
        self.port = port
        self.proc = subprocess.Popen([str(a) for a in args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(port)

    def stop(self):
        """Stops the server and waits until the port refuses connections."""
        stop_process(self.proc)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    time.sleep(0.05)
            except OSError:
                return


class LabTestCase(unittest.TestCase):
    """Base class: checks the binary and the lab exist; gives temp dirs and scan helpers."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not BIN.is_file() or not os.access(BIN, os.X_OK):
            raise AssertionError(f"conformscan binary not found at {BIN} (set CONFORMSCAN_BIN)")
        cls.lab = Lab()
        cls._tmp = tempfile.mkdtemp(prefix=f"conformscan-{cls.__name__}-")

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("CONFORMSCAN_KEEP_TMP"):
            print(f"kept {cls._tmp}", file=sys.stderr)
        else:
            shutil.rmtree(cls._tmp, ignore_errors=True)

    @classmethod
    def tmpdir(cls, name):
        path = pathlib.Path(cls._tmp) / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @classmethod
    def scan(cls, out_name, *args, timeout="3"):
        """Runs `scan ... --out TMP/OUT_NAME --timeout T`; returns (Run, report or None)."""
        out = cls.tmpdir(out_name)
        result = run(["scan", *args, "--out", out, "--timeout", timeout])
        report_path = out / "report.json"
        report = load_report(report_path) if report_path.is_file() else None
        return result, report

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code, f"expected exit code {code}\n{result.describe()}")

    def assertReport(self, result, report):
        self.assertIsNotNone(report, f"no report.json was written\n{result.describe()}")

    def assertStatuses(self, report, target, expected, profile=None):
        """Every rule of TARGET (within PROFILE) has the expected status, with the messages on mismatch."""
        got = statuses(report, target, profile)
        if got != expected:
            detail = "\n".join(f"  {r['rule']}: {r['status']}: {r.get('message', '')}"
                               for r in report["results"]
                               if r["target"] == target and (profile is None or r["profile"] == profile))
            self.fail(f"{target}{' / ' + profile if profile else ''}: statuses differ\n"
                      f"expected {expected}\n     got {got}\nresults:\n{detail}")


def main():
    unittest.main(verbosity=2)
