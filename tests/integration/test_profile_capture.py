#!/usr/bin/env python3
"""`profiles capture`: a profile that the reference host passes and other hosts are judged by.

The captured profile of ssh-hardened passes ssh-hardened and fails ssh-weak on
each algorithm family; the captured profile of good-ec passes good-ec and fails
legacy-versions (TLS 1.0/1.1, RSA suites) and good (RSA key transport suites).
"""

import labtest


class ProfileCaptureTest(labtest.LabTestCase):
    def statuses(self, profile_file, target, *extra):
        out = self.tmpdir("scan-" + target.replace(":", "-") + profile_file.stem)
        run = labtest.run(["scan", "--target", target, "--profile", profile_file, "--out", out, *extra])
        self.assertIn(run.returncode, (labtest.EXIT_OK, labtest.EXIT_FAIL), run.describe())
        report = labtest.load_report(out / "report.json")
        return {r["rule"]: r["status"] for r in report["results"]}, run.returncode

    def capture(self, target, name, *extra):
        path = self.tmpdir("captured") / f"{name}.yaml"
        run = labtest.run(["profiles", "capture", "--target", target, "--out", path, *extra])
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertIn(f"captured from {target.split('/')[0]}", run.stdout)
        lint = labtest.run(["profiles", "lint", path])
        self.assertEqual(lint.returncode, 0, lint.describe())
        return path

    def test_ssh_reference(self):
        ssh = self.lab.part("ssh")
        hardened = f"{ssh['ssh-hardened']['host']}:{ssh['ssh-hardened']['port']}"
        weak = f"{ssh['ssh-weak']['host']}:{ssh['ssh-weak']['port']}"
        profile = self.capture(hardened + "/ssh", "ssh-hardened", "--id", "like-ssh-hardened")
        text = profile.read_text(encoding="utf-8")
        self.assertIn("sntrup761x25519-sha512@openssh.com", text)
        self.assertIn("min_rsa_bits: 4096", text)
        got, rc = self.statuses(profile, hardened + "/ssh")
        self.assertEqual(rc, labtest.EXIT_OK, got)
        self.assertEqual(set(got.values()), {"pass"}, got)
        got, rc = self.statuses(profile, weak + "/ssh")
        self.assertEqual(rc, labtest.EXIT_FAIL)
        self.assertEqual(got, {"CAPTURE-SSH-KEX": "fail", "CAPTURE-SSH-HOSTKEY": "fail", "CAPTURE-SSH-CIPHERS": "fail",
                               "CAPTURE-SSH-MACS": "fail", "CAPTURE-SSH-HOSTKEY-SIZE": "fail",
                               "CAPTURE-SSH-STRICT-KEX": "pass"})

    def test_tls_reference(self):
        good_ec = self.lab.address("good-ec")
        profile = self.capture(good_ec, "good-ec", "--sni", "demo.test")
        got, rc = self.statuses(profile, good_ec, "--sni", "demo.test")
        self.assertEqual(rc, labtest.EXIT_OK, got)
        self.assertEqual(set(got.values()), {"pass"}, got)
        got, _ = self.statuses(profile, self.lab.address("legacy-versions"), "--sni", "demo.test")
        self.assertEqual(got["CAPTURE-TLS-VERSIONS"], "fail")
        self.assertEqual(got["CAPTURE-TLS-SUITES"], "fail")  # ECDHE-RSA suites: not offered by the ECDSA reference
        got, _ = self.statuses(profile, self.lab.address("good"), "--sni", "demo.test")
        self.assertEqual(got["CAPTURE-TLS-VERSIONS"], "pass")
        self.assertEqual(got["CAPTURE-TLS-SUITES"], "fail")

    def test_a_host_that_does_not_answer_is_refused(self):
        path = self.tmpdir("captured") / "closed.yaml"
        run = labtest.run(["profiles", "capture", "--target", self.lab.address("closed"), "--out", path,
                           "--timeout", "2"])
        self.assertEqual(run.returncode, labtest.EXIT_USAGE, run.describe())
        self.assertIn("could not observe", run.stderr)
        self.assertFalse(path.exists())


if __name__ == "__main__":
    labtest.main()
