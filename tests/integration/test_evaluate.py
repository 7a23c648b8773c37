#!/usr/bin/env python3
"""`evaluate --facts` re-judges saved facts and sends nothing.

The lab is shared with the other tests, so it cannot be stopped here.
Instead each saved report is copied and every target in the copy is pointed
at a port where this test listens and counts connections: if evaluate sent
anything it would show up there (and its statuses would change, since those
listeners close every connection at once).
"""

import json

import labtest
from labtest import CLOSED_PORT_FILE, CLOSED_PORT_ID, CLOSED_PORT_RULE, X509_ID, X509_REF, X509_RULES

# Where the copied reports' targets point; nothing of the lab listens there.
CANARY_BASE = 18540  # one port per core lab endpoint; above the lab and its parts (18443-18539)


def triples(report, profile):
    """{(target name, rule): status} for one profile; names survive rewriting addresses."""
    names = labtest.target_names(report)
    return {(names[r["target"]], r["rule"]): r["status"] for r in report["results"] if r["profile"] == profile}


class EvaluateTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The whole lab with the default profile (facts: what its rules need).
        cls.scan_result, cls.scanned = cls.scan(
            "scan", "--targets", cls.lab.inventory, "--profile", X509_REF, "--ca-file", cls.lab.ca_file)
        if cls.scanned is None:
            raise AssertionError(f"the scan wrote no report\n{cls.scan_result.describe()}")
        cls.facts = cls.moved_copy(cls.scanned, "moved")

        # Two endpoints with the closed-port profile (facts: tcp and tls).
        inventory = cls.lab.write_inventory(cls.tmpdir("inv") / "inventory.yaml", ("good", "closed"))
        cls.scan2_result, cls.scanned2 = cls.scan(
            "scan2", "--targets", inventory, "--profile", CLOSED_PORT_FILE, "--ca-file", cls.lab.ca_file)
        if cls.scanned2 is None:
            raise AssertionError(f"the scan wrote no report\n{cls.scan2_result.describe()}")
        cls.facts2 = cls.moved_copy(cls.scanned2, "moved2")

    @classmethod
    def moved_copy(cls, report, name):
        """A copy of REPORT whose targets all point at canary ports; returns its path."""
        copy = json.loads(json.dumps(report))
        for i, target in enumerate(copy["targets"]):
            target["port"] = CANARY_BASE + i
            target["address"] = "127.0.0.1"
            target["host"] = "127.0.0.1"
        path = cls.tmpdir(name) / "report.json"
        path.write_text(json.dumps(copy, indent=2), encoding="utf-8")
        return path

    def evaluate(self, out_name, facts, *profile_args):
        out = self.tmpdir(out_name)
        ports = range(CANARY_BASE, CANARY_BASE + len(self.lab.endpoints))
        with labtest.CountingListener(ports) as listener:
            result = labtest.run(["evaluate", "--facts", facts, *profile_args, "--out", out])
        self.assertEqual(listener.total(), 0, "evaluate must not connect anywhere")
        path = out / "report.json"
        self.assertTrue(path.is_file(), f"evaluate wrote no report.json\n{result.describe()}")
        return result, labtest.load_report(path)

    def test_same_statuses_from_saved_facts(self):
        result, report = self.evaluate("same", self.facts, "--profile", X509_REF)
        self.assertEqual(report["scan"]["mode"], "evaluate")
        self.assertEqual(triples(report, X509_ID), triples(self.scanned, X509_ID))
        self.assertEqual(len(triples(report, X509_ID)), len(self.lab.endpoints) * len(X509_RULES))
        self.assertEqual(result.returncode, self.scan_result.returncode, result.describe())

    def test_second_profile_on_saved_facts(self):
        result, report = self.evaluate("closed-port", self.facts, "--profile", CLOSED_PORT_FILE)
        self.assertEqual([p["id"] for p in report["profiles"]], [CLOSED_PORT_ID])
        got = triples(report, CLOSED_PORT_ID)
        # The inherited certificate rules judge the same facts the same way.
        self.assertEqual({k: v for k, v in got.items() if k[1] in X509_RULES}, triples(self.scanned, X509_ID))
        # The new rule needs tcp facts. The scan observed only what its own
        # rules needed; where it saved no tcp facts the rule must say so
        # (error, naming tcp), never guess and never go and look.
        net = {name: status for (name, rule), status in got.items() if rule == CLOSED_PORT_RULE}
        self.assertEqual(set(net), set(self.lab.endpoints))
        for target in self.scanned["targets"]:
            name = target["name"]
            with self.subTest(endpoint=name):
                if "tcp" in target["facts"]:
                    self.assertEqual(net[name], "pass" if name == "closed" else "fail")
                else:
                    self.assertEqual(net[name], "error")
                    message = next(r["message"] for r in report["results"]
                                   if r["rule"] == CLOSED_PORT_RULE and r["target"] == target["id"])
                    self.assertIn("tcp", message)
        self.assertExit(result, labtest.EXIT_FAIL)

    def test_net_rule_from_saved_tcp_facts(self):
        # Facts saved by a scan with the closed-port profile include tcp:
        # the net rule is judged from them, identically, offline.
        result, report = self.evaluate("closed-port-tcp", self.facts2, "--profile", CLOSED_PORT_FILE)
        self.assertEqual(triples(report, CLOSED_PORT_ID), triples(self.scanned2, CLOSED_PORT_ID))
        self.assertEqual(triples(report, CLOSED_PORT_ID)[("closed", CLOSED_PORT_RULE)], "pass")
        self.assertEqual(triples(report, CLOSED_PORT_ID)[("good", CLOSED_PORT_RULE)], "fail")
        self.assertExit(result, labtest.EXIT_FAIL)
        # And the same facts judged by the parent profile alone.
        result, report = self.evaluate("x509-from-tcp", self.facts2, "--profile", X509_REF)
        expected = {k: v for k, v in triples(self.scanned2, CLOSED_PORT_ID).items() if k[1] in X509_RULES}
        self.assertEqual(triples(report, X509_ID), expected)

    def test_evaluate_with_the_original_report_needs_no_lab_either(self):
        # The unmodified report, with a profile given by file path.
        out = self.tmpdir("original")
        result = labtest.run(["evaluate", "--facts", self.tmpdir("scan") / "report.json",
                              "--profile", labtest.X509_FILE, "--out", out])
        report = labtest.load_report(out / "report.json")
        self.assertEqual(triples(report, X509_ID), triples(self.scanned, X509_ID))
        self.assertEqual(report["profiles"][0]["sha256"], labtest.sha256_file(labtest.X509_FILE))
        self.assertExit(result, labtest.EXIT_FAIL)


if __name__ == "__main__":
    labtest.main()
