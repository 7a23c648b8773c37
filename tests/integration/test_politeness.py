"""Politeness: --max-conn-per-host holds under --concurrency, and the facts
count the connections each probe cost.

A listener on four loopback ports (one host) keeps each connection open for a
moment and records how many were open at once; the scan of those four targets
with --concurrency 4 --max-conn-per-host 1 must never have two open together.
"""

import socket
import threading
import time

from labtest import TEST_PROFILES, LabTestCase, main

PORTS = (18490, 18491, 18492, 18493)
HOLD_SECONDS = 0.3


class ConcurrencyListener:
    """Accepts on PORTS, holds each connection HOLD_SECONDS, tracks the peak of open connections."""

    def __init__(self, ports):
        self.ports = ports
        self.open = 0
        self.peak = 0
        self.accepted = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._sockets = []

    def __enter__(self):
        for port in self.ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(16)
            s.settimeout(0.1)
            self._sockets.append(s)
            t = threading.Thread(target=self._accept_loop, args=(s,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _accept_loop(self, s):
        while not self._stop.is_set():
            try:
                conn, _ = s.accept()
            except OSError:
                continue
            with self._lock:
                self.open += 1
                self.accepted += 1
                self.peak = max(self.peak, self.open)
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn):
        time.sleep(HOLD_SECONDS)
        with self._lock:
            self.open -= 1
        conn.close()

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        for s in self._sockets:
            s.close()
        return False


class Politeness(LabTestCase):
    def scan_ports(self, name, per_host):
        args = ["--profile", TEST_PROFILES / "ports-open.yaml", "--concurrency", "4",
                "--max-conn-per-host", str(per_host)]
        for port in PORTS:
            args += ["--target", f"127.0.0.1:{port}"]
        with ConcurrencyListener(PORTS) as listener:
            result, report = self.scan(name, *args)
        return listener, result, report

    def test_per_host_cap_holds_under_concurrency(self):
        listener, result, report = self.scan_ports("capped", 1)
        self.assertExit(result, 0)
        self.assertEqual(listener.accepted, len(PORTS))
        self.assertEqual(listener.peak, 1, f"{listener.peak} connections were open at once to one host")
        self.assertEqual(report["scan"]["options"]["max_conn_per_host"], 1)
        for target in report["targets"]:
            self.assertEqual(target["facts"]["tcp"]["connections"], 1, target["id"])

    def test_without_a_cap_targets_overlap(self):
        # The control: the same scan with four slots does overlap, so the
        # capped run's peak of 1 is the cap's doing.
        listener, result, _ = self.scan_ports("uncapped", 4)
        self.assertExit(result, 0)
        self.assertGreater(listener.peak, 1)


if __name__ == "__main__":
    main()
