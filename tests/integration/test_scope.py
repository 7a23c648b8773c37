#!/usr/bin/env python3
"""Scope: a target outside scope.allow is refused before anything is sent.

A listener of this test's own on 127.0.0.1:18499 counts the connections it
accepts: zero when the scope refuses it, at least one in the positive control.
"""

import re

import labtest
from labtest import X509_REF

PORT = 18499
TARGET = f"127.0.0.1:{PORT}"


class ScopeTest(labtest.LabTestCase):
    def inventory(self, allow):
        path = self.tmpdir("inventories") / f"scope-{allow.replace('/', '_')}.yaml"
        path.write_text(f'scope:\n  allow: ["{allow}"]\ntargets:\n'
                        f"  - {{name: canary, host: 127.0.0.1, port: {PORT}, service: tls, sni: demo.test}}\n",
                        encoding="utf-8")
        return path

    def scan_counting(self, *args):
        with labtest.CountingListener([PORT]) as listener:
            result = labtest.run(["scan", "--profile", X509_REF, "--timeout", "3", *args])
        return result, listener.total()

    def assertRefused(self, result, accepted):
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertRegex(result.stderr, r"(?i)(outside|not in|not allowed by).{0,40}scope", result.describe())
        self.assertIn("127.0.0.1", result.stderr)
        self.assertEqual(accepted, 0, "a refused target must not be contacted")

    def test_inventory_scope_refuses(self):
        out = self.tmpdir("inventory-refused")
        result, accepted = self.scan_counting("--targets", self.inventory("127.0.0.2/32"), "--out", out)
        self.assertRefused(result, accepted)
        self.assertFalse((out / "report.json").exists())

    def test_command_line_scope_refuses(self):
        result, accepted = self.scan_counting("--target", TARGET, "--scope", "127.0.0.2/32",
                                              "--out", self.tmpdir("cli-refused"))
        self.assertRefused(result, accepted)

    def test_positive_control_inventory(self):
        result, accepted = self.scan_counting("--targets", self.inventory("127.0.0.1/32"),
                                              "--out", self.tmpdir("inventory-allowed"))
        self.assertNotEqual(result.returncode, labtest.EXIT_USAGE, result.describe())
        self.assertGreaterEqual(accepted, 1, "an allowed target must be contacted")

    def test_positive_control_command_line(self):
        result, accepted = self.scan_counting("--target", TARGET, "--scope", "127.0.0.1/32",
                                              "--out", self.tmpdir("cli-allowed"))
        self.assertNotEqual(result.returncode, labtest.EXIT_USAGE, result.describe())
        self.assertGreaterEqual(accepted, 1, "an allowed target must be contacted")
        # The listener closes every connection at once: observed, but no TLS to judge.
        report = labtest.load_report(self.tmpdir("cli-allowed") / "report.json")
        self.assertEqual({r["status"] for r in report["results"]}, {"error"})
        self.assertExit(result, labtest.EXIT_INCOMPLETE)


if __name__ == "__main__":
    labtest.main()
