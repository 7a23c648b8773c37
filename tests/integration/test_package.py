#!/usr/bin/env python3
"""`make package`: the Debian package installs, works from its installed
paths, and removes cleanly.

The test builds the .deb with CPack from this build directory, installs it
with dpkg, and checks what an operator would use: `conformscan --version`,
the man page, the systemd units (systemd-analyze verify), the shipped
profiles found under /usr/share/conformscan/profiles, the example
configuration accepted by `config check`, and a real scan of a lab endpoint
by /usr/bin/conformscan. Then it purges the package. It is skipped when
conformscan is already installed from elsewhere (it would not be ours to
remove) or when not run as root.
"""

import os
import pathlib
import shutil
import subprocess
import unittest

import labtest

INSTALLED = pathlib.Path("/usr/bin/conformscan")


def sh(*args, check=True, timeout=300, **kw):
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)
    if check and out.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {out.returncode}\n{out.stdout}\n{out.stderr}")
    return out


def package_installed():
    return sh("dpkg-query", "-W", "-f=${Status}", "conformscan", check=False).stdout.startswith("install ok")


class PackageTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if os.geteuid() != 0:
            raise unittest.SkipTest("installing a package needs root")
        if package_installed() or INSTALLED.exists():
            raise unittest.SkipTest("conformscan is already installed on this machine; not ours to replace")
        build = labtest.BIN.resolve().parent
        out = cls.tmpdir("package")
        sh("cpack", "-G", "DEB", "--config", build / "CPackConfig.cmake", "-B", out, timeout=600)
        debs = sorted(out.glob("conformscan_*.deb"))
        if len(debs) != 1:
            raise AssertionError(f"expected one .deb in {out}, found {debs}")
        cls.deb = debs[0]
        sh("dpkg", "-i", cls.deb)

    @classmethod
    def tearDownClass(cls):
        if package_installed():
            sh("dpkg", "--purge", "conformscan", check=False)
        super().tearDownClass()

    def test_1_version_and_files(self):
        version = sh(INSTALLED, "--version").stdout
        self.assertIn(f"conformscan {labtest.project_version()}", version)
        listed = sh("dpkg", "-L", "conformscan").stdout.split("\n")
        for path in ("/usr/bin/conformscan", "/usr/share/man/man1/conformscan.1.gz",
                     "/usr/lib/systemd/system/conformscan.service", "/usr/lib/systemd/system/conformscan.timer",
                     "/usr/share/conformscan/profiles/itu-t/x805-baseline.yaml",
                     "/usr/share/doc/conformscan/examples/conformscan.yaml.example",
                     "/usr/share/doc/conformscan/examples/conformscan", "/etc/logrotate.d/conformscan"):
            self.assertIn(path, listed)
        man = sh("man", "-P", "cat", "conformscan", check=False, env={**os.environ, "MANWIDTH": "100"})
        if man.returncode == 0:  # man-db may be absent on a minimal machine; the file is checked above
            self.assertIn("conformscan scan", man.stdout)
        self.assertIn("conformscan:", sh("getent", "passwd", "conformscan").stdout)

    def test_2_systemd_units_verify(self):
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze not installed")
        out = sh("systemd-analyze", "verify", "/usr/lib/systemd/system/conformscan.service",
                 "/usr/lib/systemd/system/conformscan.timer", check=False)
        # verify also reports unrelated units of the host; only ours matter here.
        ours = [l for l in (out.stdout + out.stderr).splitlines() if "conformscan" in l]
        self.assertEqual(ours, [], "\n".join(ours))

    def test_3_profiles_come_from_the_installed_catalogue(self):
        show = sh(INSTALLED, "profiles", "show", "itu-t/x805-baseline", cwd="/").stdout
        self.assertIn("file:   /usr/share/conformscan/profiles/itu-t/x805-baseline.yaml", show)

    def test_4_example_configuration_is_accepted(self):
        etc = self.tmpdir("etc")
        shutil.copy("/usr/share/doc/conformscan/examples/conformscan.yaml.example", etc / "conformscan.yaml")
        shutil.copy("/usr/share/doc/conformscan/examples/inventory.yaml.example", etc / "inventory.yaml")
        out = sh(INSTALLED, "config", "check", "--config", etc / "conformscan.yaml")
        self.assertIn("configuration OK", out.stdout)
        self.assertIn("itu-t-x805-baseline", out.stdout)

    def test_5_installed_binary_scans_the_lab(self):
        out = self.tmpdir("scan")
        run = sh(INSTALLED, "scan", "--target", self.lab.address("good"), "--sni", self.lab.endpoint("good")["sni"],
                 "--ca-file", self.lab.ca_file, "--profile", "itu-t/x509-certificates", "--out", out, check=False)
        self.assertEqual(run.returncode, labtest.EXIT_OK, run.stdout + run.stderr)
        report = labtest.load_report(out / "report.json")
        self.assertEqual({r["status"] for r in report["results"]}, {"pass"})
        self.assertTrue(report["profiles"][0]["path"].startswith("/usr/share/conformscan/profiles/"),
                        report["profiles"][0])

    def test_5b_scheduled_scan_runs_as_the_service_user(self):
        """What conformscan.service runs, as its user, into the package's state directory."""
        etc = pathlib.Path("/etc/conformscan")
        state = pathlib.Path("/var/lib/conformscan")
        made = [etc / "test-package.yaml", etc / "test-package-inventory.yaml", etc / "test-package-ca.pem"]
        try:
            shutil.copy(self.lab.ca_file, made[2])
            made[1].write_text(
                'scope:\n  allow: ["127.0.0.1/32"]\ntargets:\n'
                f'  - {{name: good, host: 127.0.0.1, port: {self.lab.endpoint("good")["port"]}, service: tls, '
                f'sni: {self.lab.endpoint("good")["sni"]}}}\n', encoding="utf-8")
            made[0].write_text(
                "name: test-package\ninventory: test-package-inventory.yaml\n"
                "profiles: [itu-t/x509-certificates]\nca_file: test-package-ca.pem\n"
                f"output: {{directory: {state}, formats: [json, text, html]}}\n", encoding="utf-8")
            for f in made:
                f.chmod(0o644)
            run = sh("runuser", "-u", "conformscan", "--", INSTALLED, "--quiet", "--syslog", "scan", "--config",
                     made[0], "--fail-on-regression", check=False, cwd="/")
            self.assertEqual((run.returncode, run.stdout, run.stderr), (labtest.EXIT_OK, "", ""))
            report = labtest.load_report(state / "latest" / "report.json")
            self.assertEqual({r["status"] for r in report["results"]}, {"pass"})
            self.assertEqual((state / "history.sqlite").owner(), "conformscan")
            listed = sh(INSTALLED, "history", "list", "-c", made[0], "--format", "json").stdout
            self.assertIn('"status": "complete"', listed)
        finally:
            for f in made:
                f.unlink(missing_ok=True)
            for p in [state / "reports", state / "latest", *state.glob("history.sqlite*"), *state.glob("*.lock")]:
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                elif p.exists() or p.is_symlink():
                    p.unlink()

    def test_6_purge_removes_the_program_and_keeps_the_records(self):
        state = pathlib.Path("/var/lib/conformscan")
        self.assertTrue(state.is_dir())
        sh("dpkg", "--purge", "conformscan")
        self.assertFalse(INSTALLED.exists())
        self.assertFalse(package_installed())
        self.assertTrue(state.is_dir(), "reports and history are the operator's records and stay")


if __name__ == "__main__":
    labtest.main()
