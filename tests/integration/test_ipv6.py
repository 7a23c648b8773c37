#!/usr/bin/env python3
"""The good endpoint over IPv6 loopback: [::1]:18443 with SNI demo.test."""

import unittest

import labtest
from labtest import X509_ID, X509_REF, X509_RULES

TARGET = "[::1]:18443"


class Ipv6Test(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not labtest.ipv6_loopback_available():
            raise unittest.SkipTest("::1 is not available on this machine (no IPv6 loopback); skipping")
        if TARGET not in cls.lab.endpoint("good")["listens"]:
            raise unittest.SkipTest(f"the lab did not start nginx on {TARGET} (no IPv6 loopback when it started)")

    def test_good_endpoint_over_ipv6(self):
        result, report = self.scan("ipv6", "--target", TARGET, "--sni", "demo.test", "--profile", X509_REF,
                                   "--ca-file", self.lab.ca_file)
        self.assertReport(result, report)
        self.assertEqual(len(report["targets"]), 1)
        target = report["targets"][0]
        self.assertEqual(target["port"], 18443)
        self.assertIn(target.get("address") or target["host"], ("::1", "[::1]"))
        self.assertEqual(target["sni"], "demo.test")
        self.assertStatuses(report, target["id"], {rule: "pass" for rule in X509_RULES}, X509_ID)
        self.assertExit(result, labtest.EXIT_OK)


if __name__ == "__main__":
    labtest.main()
