#!/usr/bin/env python3
"""Waivers (`scan --waivers`, `evaluate --waivers`) on the real binary.

The lab's rsa1024 endpoint fails X509-KEY-01 of the default profile. A waiver
in force turns that failure into `waived` (exit 0, the real status and the
waiver in the result, the score with and without waivers); judged as of a day
after its expiry the same waiver no longer applies (exit 1, listed as
expired); a malformed waiver file or one naming a rule that does not exist is
refused before anything is sent (exit 2, file:line:column).
"""

import re

import labtest
from labtest import X509_REF

CANARY_PORT = 18496  # a test-owned port: nothing may reach it

WAIVERS = """\
waivers:
  - id: W-LAB-1
    rule: X509-KEY-*
    targets: [rsa1024]
    kind: risk-accepted
    justification: "The appliance cannot load a 2048-bit key before its firmware upgrade."
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-01-01
    expires_on: "2099-12-31T23:59:59+03:00"
  - id: W-LAB-2
    rule: X509-HOST-01
    kind: false-positive
    justification: Not used on this lab.
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-01-01
    expires_on: "2099-12-31T23:59:59Z"
"""

# The rule id on line 3 does not exist in the default profile.
UNKNOWN_RULE = WAIVERS.replace("rule: X509-KEY-*", "rule: X509-KEYS-01")
# No offset on line 10.
NO_OFFSET = WAIVERS.replace('"2099-12-31T23:59:59+03:00"', "2099-12-31")


class WaiversTest(labtest.LabTestCase):
    def write(self, name, text):
        path = (self.tmpdir("waivers-files") / name).resolve()
        path.write_text(text, encoding="utf-8")
        return path

    def inventory(self):
        e = self.lab.endpoint("rsa1024")
        path = self.tmpdir("waivers-files") / "inventory.yaml"
        path.write_text("scope:\n  allow: [\"127.0.0.1/32\"]\ntargets:\n"
                        f"  - {{name: rsa1024, host: {e['host']}, port: {e['port']}, service: https, "
                        f"sni: {e['sni']}}}\n", encoding="utf-8")
        return path

    def test_a_waiver_in_force_waives_and_an_expired_one_does_not(self):
        waivers = self.write("waivers.yaml", WAIVERS)
        result, report = self.scan("waived", "--targets", self.inventory(), "--profile", X509_REF,
                                   "--ca-file", self.lab.ca_file, "--waivers", waivers)
        self.assertReport(result, report)
        self.assertExit(result, labtest.EXIT_OK)
        key = [r for r in report["results"] if r["rule"] == "X509-KEY-01"][0]
        self.assertEqual(key["status"], "waived")
        self.assertEqual(key["waiver"]["id"], "W-LAB-1")
        self.assertEqual(key["waiver"]["real_status"], "fail")
        self.assertEqual(key["waiver"]["justification"],
                         "The appliance cannot load a 2048-bit key before its firmware upgrade.")
        self.assertEqual([w["id"] for w in report["waivers"]["active"]], ["W-LAB-1"])
        self.assertEqual(report["waivers"]["unused"], ["W-LAB-2"])  # the hostname matches: nothing to waive
        self.assertEqual(len(report["waivers"]["sha256"]), 64)
        summary = report["summary"]
        self.assertEqual(summary["results"]["waived"], 1)
        self.assertGreater(summary["conformance_percent"], summary["conformance_percent_without_waivers"])
        self.assertIn("WAIVED (1)", result.stdout)
        self.assertIn("without waivers", result.stdout)

        # The same facts judged after the waiver's expiry: the failure is back.
        again = self.tmpdir("expired")
        r = labtest.run(["evaluate", "--facts", self.tmpdir("waived") / "report.json", "--profile", X509_REF,
                         "--waivers", waivers, "--as-of", "2100-01-01T00:00:00Z", "--out", again])
        self.assertExit(r, labtest.EXIT_FAIL)
        expired = labtest.load_report(again / "report.json")
        key = [x for x in expired["results"] if x["rule"] == "X509-KEY-01"][0]
        self.assertEqual(key["status"], "fail")
        self.assertTrue(key["waiver"]["expired"])
        self.assertEqual({w["id"] for w in expired["waivers"]["expired"]}, {"W-LAB-1", "W-LAB-2"})
        self.assertIn("EXPIRED WAIVERS", r.stdout)

    def test_bad_waiver_files_are_refused_before_anything_is_sent(self):
        for name, text, line, says in (("unknown-rule.yaml", UNKNOWN_RULE, 3, "no rule of the loaded profiles"),
                                       ("no-offset.yaml", NO_OFFSET, 10, "explicit offset")):
            with self.subTest(file=name):
                path = self.write(name, text)
                with labtest.CountingListener([CANARY_PORT]) as listener:
                    result = labtest.run(["scan", "--target", f"127.0.0.1:{CANARY_PORT}", "--profile", X509_REF,
                                          "--waivers", path, "--out", self.tmpdir("refused"), "--timeout", "3"])
                self.assertExit(result, labtest.EXIT_USAGE)
                self.assertRegex(result.stderr, re.escape(str(path)) + rf":{line}:\d+")
                self.assertIn(says, result.stderr)
                self.assertEqual(listener.total(), 0, "nothing may be scanned when the waivers are malformed")
                self.assertFalse((self.tmpdir("refused") / "report.json").exists())


if __name__ == "__main__":
    labtest.main()
