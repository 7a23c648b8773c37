#!/usr/bin/env python3
"""Several profiles in one scan: each target is observed once, judged per profile."""

import labtest
from labtest import CLOSED_PORT_FILE, CLOSED_PORT_ID, CLOSED_PORT_RULE, X509_ID, X509_REF, X509_RULES

ENDPOINTS = ("good", "wrong-host", "closed")
# Where this test listens to count how often a target is contacted.
CANARY_PORT = 18498  # outside the lab's ports (18443-18479)


class MultiProfileTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        inventory = cls.lab.write_inventory(cls.tmpdir("inv") / "inventory.yaml", ENDPOINTS)
        cls.result, cls.report = cls.scan("both", "--targets", inventory, "--profile", X509_REF,
                                          "--profile", CLOSED_PORT_FILE, "--ca-file", cls.lab.ca_file)

    def setUp(self):
        self.assertReport(self.result, self.report)

    def test_both_profiles_listed(self):
        self.assertEqual([p["id"] for p in self.report["profiles"]], [X509_ID, CLOSED_PORT_ID])
        child = self.report["profiles"][1]
        self.assertEqual(child["sha256"], labtest.sha256_file(CLOSED_PORT_FILE))
        self.assertTrue(child.get("parents"), "the child profile should name the profile it extends")
        per_profile = self.report["summary"]["per_profile"]
        self.assertTrue({X509_ID, CLOSED_PORT_ID} <= set(per_profile), per_profile)

    def test_each_target_observed_once(self):
        ids = [t["id"] for t in self.report["targets"]]
        self.assertEqual(sorted(ids), sorted(self.lab.address(n) for n in ENDPOINTS), "one record per target")
        for target in self.report["targets"]:
            with self.subTest(target=target["id"]):
                # load_report refuses duplicate keys, so each probe has exactly one record.
                self.assertEqual(set(target["facts"]), {"tcp", "tls"})

    def test_results_for_both_profiles(self):
        index = labtest.results_by(self.report, "target", "profile", "rule")
        for name in ENDPOINTS:
            target = self.lab.address(name)
            with self.subTest(endpoint=name):
                x509 = labtest.statuses(self.report, target, X509_ID)
                child = labtest.statuses(self.report, target, CLOSED_PORT_ID)
                self.assertEqual(x509, self.lab.expected_statuses(name))
                self.assertEqual(set(child), set(X509_RULES) | {CLOSED_PORT_RULE})
                # The same facts judged by the same inherited rule give the same result.
                self.assertEqual({r: s for r, s in child.items() if r in X509_RULES}, x509)
                self.assertEqual(child[CLOSED_PORT_RULE], "pass" if name == "closed" else "fail")
        self.assertEqual(len(index), len(ENDPOINTS) * (2 * len(X509_RULES) + 1))
        self.assertExit(self.result, labtest.EXIT_FAIL)

    def test_second_profile_adds_no_connections(self):
        def connections(*profiles):
            args = ["scan", "--target", f"127.0.0.1:{CANARY_PORT}", "--scope", "127.0.0.1/32", "--timeout", "3"]
            for p in profiles:
                args += ["--profile", p]
            with labtest.CountingListener([CANARY_PORT]) as listener:
                result = labtest.run(args)
            self.assertNotEqual(result.returncode, labtest.EXIT_USAGE, result.describe())
            return listener.total()

        one = connections(CLOSED_PORT_FILE)
        two = connections(X509_REF, CLOSED_PORT_FILE)
        self.assertGreaterEqual(one, 1)
        self.assertEqual(two, one, "a second profile needing the same facts must not observe again")


if __name__ == "__main__":
    labtest.main()
