#!/usr/bin/env python3
"""The catalogue commands: profiles list/show/validate and checks list."""

import re

import labtest
from labtest import X509_FILE, X509_ID, X509_REF, X509_RULES
from test_exit_codes import MALFORMED, MALFORMED_LINE

CHECKS = {
    "net.port_open": [],
    "net.port_closed": ["allow_filtered"],
    "tls.certificate.validity": ["min_days_remaining"],
    "tls.certificate.trusted": [],
    "tls.certificate.hostname": [],
    "tls.certificate.key": ["rsa_min_bits"],
    "tls.certificate.signature": ["forbidden_hashes"],
    "tls.certificate.lifetime": ["max_days"],
    "fact.require": ["path", "equals"],
    "fact.forbid": ["path"],
    "fact.at_least": ["path", "value"],
    "fact.at_most": ["path", "value"],
    "fact.matches": ["path", "pattern"],
}


class CliTest(labtest.LabTestCase):
    def test_profiles_list(self):
        result = labtest.run(["profiles", "list"])
        self.assertExit(result, labtest.EXIT_OK)
        self.assertIn(X509_ID, result.stdout)

    def test_profiles_show(self):
        # By id (the contract) and by catalogue ref (the README).
        for ref in (X509_ID, X509_REF):
            with self.subTest(ref=ref):
                result = labtest.run(["profiles", "show", ref])
                self.assertExit(result, labtest.EXIT_OK)
                for rule in X509_RULES:
                    self.assertIn(rule, result.stdout)

    def test_profiles_show_unknown_exits_2(self):
        result = labtest.run(["profiles", "show", "no-such-profile"])
        self.assertExit(result, labtest.EXIT_USAGE)

    def test_profiles_validate_shipped(self):
        result = labtest.run(["profiles", "validate", X509_FILE])
        self.assertExit(result, labtest.EXIT_OK)

    def test_profiles_validate_test_profile(self):
        self.assertExit(labtest.run(["profiles", "validate", labtest.CLOSED_PORT_FILE]), labtest.EXIT_OK)

    def test_profiles_validate_malformed(self):
        path = (self.tmpdir("profiles") / "malformed.yaml").resolve()
        path.write_text(MALFORMED, encoding="utf-8")
        result = labtest.run(["profiles", "validate", path])
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertRegex(result.stderr, re.escape(str(path)) + rf":{MALFORMED_LINE}:\d+", result.describe())

    def test_checks_list(self):
        result = labtest.run(["checks", "list"])
        self.assertExit(result, labtest.EXIT_OK)
        for name, params in CHECKS.items():
            with self.subTest(check=name):
                self.assertRegex(result.stdout, rf"(?m)(^|\s){re.escape(name)}(\s|$)")
                for param in params:
                    self.assertRegex(result.stdout, rf"\b{re.escape(param)}\b")


if __name__ == "__main__":
    labtest.main()
