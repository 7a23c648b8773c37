#!/usr/bin/env python3
"""The documented exit codes.

0 all applicable rules passed or were waived; 1 a failure at or above
--fail-on (default low, so info failures do not count); 2 usage or
configuration error, nothing scanned; 3 no failures but something could not
be observed (see test_closed_port.py).
"""

import re

import labtest
from labtest import X509_REF

# Severity is on line 9; the test asserts the error names that line.
MALFORMED = """\
profile:
  id: lab-malformed
  title: Malformed on purpose
  version: 1.0.0
rules:
  - id: LAB-BAD-01
    title: A rule whose severity does not exist
    check: tls.certificate.hostname
    severity: urgent
    references:
      - {document: RFC 5280, clause: 4.2.1.6}
    guideline:
      summary: Nothing to fix; the profile is broken on purpose.
"""
MALFORMED_LINE = 9

HOSTNAME_INFO = """\
profile:
  id: lab-hostname-info
  title: Hostname match at info severity
  version: 1.0.0
rules:
  - id: LAB-HOST-INFO
    title: The certificate names the host (informational)
    severity: info
    check: tls.certificate.hostname
    references:
      - {document: RFC 5280, clause: 4.2.1.6}
    guideline:
      summary: Serve a certificate whose subjectAltName names the host.
"""

# A port where this test listens to prove that nothing is sent.
CANARY_PORT = 18497  # outside the lab's ports (18443-18479)


class ExitCodesTest(labtest.LabTestCase):
    def scan_one(self, out_name, endpoint, *extra):
        return self.scan(out_name, "--target", self.lab.address(endpoint), "--sni", "demo.test",
                         "--ca-file", self.lab.ca_file, *extra)

    def write(self, name, text):
        path = (self.tmpdir("profiles") / name).resolve()
        path.write_text(text, encoding="utf-8")
        return path

    def test_good_endpoint_exits_0(self):
        result, report = self.scan_one("good", "good", "--profile", X509_REF)
        self.assertExit(result, labtest.EXIT_OK)
        self.assertEqual({r["status"] for r in report["results"]}, {"pass"})

    def test_failing_endpoint_exits_1(self):
        result, _ = self.scan_one("wrong-host", "wrong-host", "--profile", X509_REF)
        self.assertExit(result, labtest.EXIT_FAIL)

    def test_fail_on_above_the_failures_exits_0(self):
        result, report = self.scan_one("fail-on-critical", "wrong-host", "--profile", X509_REF,
                                       "--fail-on", "critical")
        failed = {r["severity"] for r in report["results"] if r["status"] == "fail"}
        self.assertEqual(failed, {"high"}, "precondition: wrong-host fails only a high rule")
        self.assertExit(result, labtest.EXIT_OK)
        result, _ = self.scan_one("fail-on-high", "wrong-host", "--profile", X509_REF, "--fail-on", "high")
        self.assertExit(result, labtest.EXIT_FAIL)

    def test_info_failures_count_only_with_fail_on_info(self):
        profile = self.write("hostname-info.yaml", HOSTNAME_INFO)
        result, report = self.scan_one("info-default", "wrong-host", "--profile", profile)
        self.assertEqual([r["status"] for r in report["results"]], ["fail"])
        self.assertExit(result, labtest.EXIT_OK)
        result, _ = self.scan_one("info-fail-on-info", "wrong-host", "--profile", profile, "--fail-on", "info")
        self.assertExit(result, labtest.EXIT_FAIL)

    def test_malformed_profile_exits_2_with_its_position(self):
        profile = self.write("malformed.yaml", MALFORMED)
        with labtest.CountingListener([CANARY_PORT]) as listener:
            result = labtest.run(["scan", "--target", f"127.0.0.1:{CANARY_PORT}", "--profile", profile,
                                  "--out", self.tmpdir("malformed"), "--timeout", "3"])
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertRegex(result.stderr, re.escape(str(profile)) + rf":{MALFORMED_LINE}:\d+",
                         "the error must name FILE:LINE:COLUMN of the bad severity")
        self.assertEqual(listener.total(), 0, "nothing may be scanned when the profile is malformed")
        self.assertFalse((self.tmpdir("malformed") / "report.json").exists())

    def test_unknown_option_exits_2(self):
        for args in (["scan", "--no-such-option"], ["--no-such-option"], ["evaluate", "--no-such-option"]):
            with self.subTest(args=args):
                self.assertExit(labtest.run(args), labtest.EXIT_USAGE)

    def test_scan_without_targets_exits_2(self):
        self.assertExit(labtest.run(["scan", "--profile", X509_REF]), labtest.EXIT_USAGE)

    def test_version(self):
        result = labtest.run(["--version"])
        self.assertExit(result, labtest.EXIT_OK)
        version = labtest.project_version()
        self.assertIsNotNone(version)
        self.assertIn(version, result.stdout)

    def test_help_on_every_subcommand(self):
        for args in (["--help"], ["scan", "--help"], ["evaluate", "--help"], ["profiles", "--help"],
                     ["checks", "--help"], ["keygen", "--help"], ["report", "--help"],
                     ["report", "verify", "--help"]):
            with self.subTest(args=args):
                result = labtest.run(args)
                self.assertExit(result, labtest.EXIT_OK)
                self.assertRegex(result.stdout, r"(?i)usage", result.describe())


if __name__ == "__main__":
    labtest.main()
