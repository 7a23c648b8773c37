#!/usr/bin/env python3
"""A closed port: the net.port_closed rule passes, the TLS rules cannot observe.

Exit code 3 means "no failures, but something could not be observed": an
incomplete scan is never reported as clean.
"""

import labtest
from labtest import CLOSED_PORT_FILE, CLOSED_PORT_ID, CLOSED_PORT_RULE, X509_ID, X509_REF, X509_RULES


class ClosedPortTest(labtest.LabTestCase):
    def target(self):
        return self.lab.address("closed")

    def test_closed_port_profile(self):
        result, report = self.scan("closed-port", "--target", self.target(), "--sni", "demo.test",
                                   "--profile", CLOSED_PORT_FILE, "--ca-file", self.lab.ca_file)
        self.assertReport(result, report)
        expected = {rule: "error" for rule in X509_RULES}
        expected[CLOSED_PORT_RULE] = "pass"
        self.assertStatuses(report, self.target(), expected, CLOSED_PORT_ID)
        facts = report["targets"][0]["facts"]
        self.assertEqual(facts["tcp"]["status"], "ok", facts["tcp"])
        self.assertEqual(facts["tcp"]["data"]["state"], "closed", facts["tcp"])
        self.assertEqual(facts["tls"]["status"], "error", facts["tls"])
        self.assertExit(result, labtest.EXIT_INCOMPLETE)

    def test_x509_profile_alone_is_incomplete(self):
        result, report = self.scan("x509", "--target", self.target(), "--sni", "demo.test",
                                   "--profile", X509_REF, "--ca-file", self.lab.ca_file)
        self.assertReport(result, report)
        self.assertStatuses(report, self.target(), {rule: "error" for rule in X509_RULES}, X509_ID)
        self.assertEqual(report["summary"]["targets"]["incomplete"], 1)
        for r in report["results"]:
            self.assertTrue(r.get("message"), f"an error result should say why: {r}")
        self.assertExit(result, labtest.EXIT_INCOMPLETE)


if __name__ == "__main__":
    labtest.main()
