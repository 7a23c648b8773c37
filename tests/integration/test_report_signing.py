#!/usr/bin/env python3
"""Signed reports and the report chain, with the real binary against the lab.

keygen makes an Ed25519 pair; `scan --sign` writes report.json.sig; `report
verify` accepts the untouched report and refuses, each with its own message
and exit code 1, a flipped byte, a truncated report, edited signature
metadata, a wrong key, a missing and a truncated signature file. The
signature is also checked independently of conformscan, with the openssl
command line tool, from the construction the README documents. Two scans of
one configuration into one --out directory form a chain that `report verify
--chain` walks; a scan with another profile does not chain to them.
"""

import base64
import hashlib
import json
import os
import pathlib
import re
import shutil
import stat
import subprocess

import labtest
from labtest import X509_ID, X509_REF, X509_RULES

# A port where this test listens to prove that a refused --sign sends nothing.
CANARY_PORT = 18590  # outside the lab (18443-18539) and the other tests' canaries

SIGNED_FIELDS = {"format", "algorithm", "key_id", "signed_file", "signed_sha256", "signed_size", "scan_id",
                 "tool_version", "openssl_version", "profiles", "signed_at", "signature"}


def key_id_of(pub):
    """SHA-256 of the DER SubjectPublicKeyInfo, computed by the openssl tool."""
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(pub), "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return hashlib.sha256(der).hexdigest()


class ReportSigningTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        keys = cls.tmpdir("keys")
        cls.key, cls.pub = keys / "operator.key", keys / "operator.pub"
        cls.keygen = labtest.run(["keygen", "--out", keys / "operator"])
        cls.other_keygen = labtest.run(["keygen", "--out", keys / "other"])
        cls.other_pub = keys / "other.pub"
        if cls.keygen.returncode != 0 or cls.other_keygen.returncode != 0:
            raise AssertionError(f"keygen failed\n{cls.keygen.describe()}\n{cls.other_keygen.describe()}")

        # Two core endpoints: "good" passes every X.509 rule, "expired" fails exactly the validity rule.
        cls.names = ("good", "expired")
        cls.inventory = cls.lab.write_inventory(cls.tmpdir("inv") / "inventory.yaml", cls.names)
        cls.scan_args = ("--targets", cls.inventory, "--profile", X509_REF, "--ca-file", cls.lab.ca_file,
                         "--sign", cls.key)
        cls.first, cls.first_report = cls.scan("chain", *cls.scan_args)
        cls.out = cls.tmpdir("chain")
        if cls.first_report is None:
            raise AssertionError(f"the first scan wrote no report\n{cls.first.describe()}")
        # A copy of the first signed report for the tampering tests.
        cls.signed = cls.tmpdir("signed")
        shutil.copy(cls.out / "report.json", cls.signed / "report.json")
        shutil.copy(cls.out / "report.json.sig", cls.signed / "report.json.sig")
        cls.first_bytes = (cls.signed / "report.json").read_bytes()

        # The same configuration again into the same directory: the second report links to the first.
        cls.second, cls.second_report = cls.scan("chain", *cls.scan_args)
        cls.second_out_copy = cls.tmpdir("chain-after-two")
        shutil.copytree(cls.out, cls.second_out_copy, dirs_exist_ok=True)

    def key_id(self):
        m = re.search(r"^key id:\s+([0-9a-f]{64})$", self.keygen.stdout, re.M)
        self.assertIsNotNone(m, self.keygen.describe())
        return m.group(1)

    def tampered(self, name, report=None, sig=None):
        """A copy of the signed report in TMP/NAME, with REPORT / SIG bytes replaced when given (None: keep)."""
        d = self.tmpdir(name)
        (d / "report.json").write_bytes(self.first_bytes if report is None else report)
        original_sig = (self.signed / "report.json.sig").read_bytes()
        if sig is not False:
            (d / "report.json.sig").write_bytes(original_sig if sig is None else sig)
        return d / "report.json"

    def verify(self, report, *extra, pub=None):
        return labtest.run(["report", "verify", report, "--pubkey", pub or self.pub, *extra])

    def assertRefused(self, result, status, message):
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertIn(f"verification FAILED ({status})", result.stderr, result.describe())
        self.assertIn(message, result.stderr, result.describe())
        self.assertNotIn("signature OK", result.stdout)

    # ---- keys ---------------------------------------------------------------------------------
    def test_keygen_writes_the_pair_and_prints_the_key_id(self):
        self.assertEqual(stat.S_IMODE(os.stat(self.key).st_mode), 0o600)
        self.assertTrue(self.key.read_text().startswith("-----BEGIN PRIVATE KEY-----"))
        self.assertTrue(self.pub.read_text().startswith("-----BEGIN PUBLIC KEY-----"))
        # openssl reads the key as Ed25519, and the printed id is the SHA-256 of its DER public key.
        text = subprocess.run(["openssl", "pkey", "-in", str(self.key), "-noout", "-text"],
                              capture_output=True, text=True, check=True).stdout
        self.assertIn("ED25519 Private-Key", text)
        self.assertEqual(self.key_id(), key_id_of(self.pub))

    def test_keygen_never_overwrites(self):
        before = self.key.read_bytes()
        result = labtest.run(["keygen", "--out", self.key.with_suffix("")])
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("operator.key exists; keygen never overwrites a key", result.stderr)
        self.assertEqual(self.key.read_bytes(), before)

    def test_bad_signing_key_is_refused_before_scanning(self):
        bad = self.tmpdir("bad-key") / "not-a-key.pem"
        bad.write_text("hello\n")
        for key, message in ((bad, "not-a-key.pem: not a PEM private key"),
                             (self.pub, "operator.pub: not a PEM private key"),
                             (self.tmpdir("bad-key") / "missing.key", "missing.key")):
            with self.subTest(key=key.name), labtest.CountingListener([CANARY_PORT]) as listener:
                out = self.tmpdir(f"bad-key-{key.name}")
                result = labtest.run(["scan", "--target", f"127.0.0.1:{CANARY_PORT}", "--profile", X509_REF,
                                      "--out", out, "--timeout", "3", "--sign", key])
                self.assertExit(result, labtest.EXIT_USAGE)
                self.assertIn("--sign: ", result.stderr)
                self.assertIn(message, result.stderr)
                self.assertEqual(listener.total(), 0, "nothing may be scanned with an unusable key")
                self.assertFalse((out / "report.json").exists())
        result = labtest.run(["scan", "--target", f"127.0.0.1:{CANARY_PORT}", "--sign", self.key])
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("--sign needs --out", result.stderr)

    # ---- the signed scan ----------------------------------------------------------------------
    def test_signed_scan_judges_the_lab_as_usual(self):
        # expired fails X509-VALIDITY-01 (its certificate ended 2025-03-01); good passes everything.
        self.assertExit(self.first, labtest.EXIT_FAIL)
        names = labtest.target_names(self.first_report)
        for target, name in names.items():
            self.assertStatuses(self.first_report, target, self.lab.expected_statuses(name), X509_ID)
        self.assertEqual(set(names.values()), set(self.names))

    def test_signature_file_records_what_was_signed(self):
        sig = json.loads((self.signed / "report.json.sig").read_text())
        self.assertEqual(set(sig), SIGNED_FIELDS)  # no tailoring member: no tailoring was applied
        self.assertEqual(sig["format"], "conformscan-signature/1")
        self.assertEqual(sig["algorithm"], "Ed25519")
        self.assertEqual(sig["key_id"], self.key_id())
        self.assertEqual(sig["signed_file"], "report.json")
        self.assertEqual(sig["signed_sha256"], labtest.sha256_file(self.signed / "report.json"))
        self.assertEqual(sig["signed_size"], len(self.first_bytes))
        self.assertEqual(sig["scan_id"], self.first_report["scan"]["id"])
        self.assertEqual(sig["tool_version"], labtest.project_version())
        self.assertEqual(sig["openssl_version"], self.first_report["tool"]["openssl"])
        self.assertEqual(sig["profiles"], [{"id": X509_ID, "version": p["version"], "sha256": p["sha256"]}
                                           for p in self.first_report["profiles"]])
        self.assertEqual(self.first_report["profiles"][0]["sha256"], labtest.sha256_file(labtest.X509_FILE))

    def test_signature_verifies_with_the_openssl_tool(self):
        # The README's construction, rebuilt here without conformscan.
        sig = json.loads((self.signed / "report.json.sig").read_text())
        meta = {k: v for k, v in sig.items() if k != "signature"}
        message = b"conformscan-signature/1\n" + json.dumps(
            meta, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        d = self.tmpdir("openssl")
        (d / "msg").write_bytes(message)
        (d / "sig.bin").write_bytes(base64.b64decode(sig["signature"]))
        proc = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(self.pub), "-rawin",
                               "-in", str(d / "msg"), "-sigfile", str(d / "sig.bin")],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("Signature Verified Successfully", proc.stdout)
        (d / "msg").write_bytes(message.replace(b'"algorithm"', b'"algorithM"'))
        proc = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(self.pub), "-rawin",
                               "-in", str(d / "msg"), "-sigfile", str(d / "sig.bin")],
                              capture_output=True, text=True)
        self.assertNotEqual(proc.returncode, 0, "precondition: openssl refuses an edited message")

    # ---- report verify ------------------------------------------------------------------------
    def test_verify_ok(self):
        result = self.verify(self.signed / "report.json")
        self.assertExit(result, labtest.EXIT_OK)
        sig = json.loads((self.signed / "report.json.sig").read_text())
        self.assertEqual(result.stdout.strip(),
                         f"signature OK: key {self.key_id()}, signed {sig['signed_at']}, "
                         f"tool {labtest.project_version()}")

    def test_flipped_byte_fails(self):
        edited = bytearray(self.first_bytes)
        i = edited.index(b'"fail"')  # one result's status: the edit a cheating operator would make
        edited[i + 1] ^= 0x20        # "fail" -> "Fail"
        self.assertRefused(self.verify(self.tampered("flipped", report=bytes(edited))),
                           "report_modified", "was modified after signing: its SHA-256 is")

    def test_truncated_report_fails(self):
        self.assertRefused(self.verify(self.tampered("truncated", report=self.first_bytes[:-100])),
                           "report_truncated",
                           f"is truncated: {len(self.first_bytes) - 100} bytes, the signature covers "
                           f"{len(self.first_bytes)} bytes")

    def test_wrong_key_fails(self):
        self.assertRefused(self.verify(self.signed / "report.json", pub=self.other_pub),
                           "wrong_key", f"was signed with key {self.key_id()}, not with the given public key "
                                        f"{key_id_of(self.other_pub)}")

    def test_missing_signature_fails(self):
        report = self.tampered("missing", sig=False)
        self.assertRefused(self.verify(report), "signature_missing",
                           f"is not signed: no signature file {report}.sig")

    def test_truncated_signature_file_fails(self):
        sig = (self.signed / "report.json.sig").read_bytes()
        self.assertRefused(self.verify(self.tampered("sig-truncated", sig=sig[:len(sig) // 2])),
                           "signature_malformed", "malformed signature file: not valid JSON (truncated or corrupted)")

    def test_edited_signature_metadata_fails(self):
        sig = json.loads((self.signed / "report.json.sig").read_text())
        sig["profiles"][0]["version"] = "99.0.0"
        self.assertRefused(self.verify(self.tampered("sig-edited", sig=json.dumps(sig, indent=2).encode())),
                           "signature_invalid", "the signature does not verify: the signature file's metadata "
                                                "was edited")

    def test_explicit_sig_option(self):
        d = self.tmpdir("elsewhere")
        shutil.copy(self.signed / "report.json.sig", d / "detached.sig")
        report = self.tampered("explicit", sig=False)
        self.assertExit(self.verify(report, "--sig", d / "detached.sig"), labtest.EXIT_OK)

    def test_unreadable_report_or_key_is_a_usage_error(self):
        result = self.verify(self.tmpdir("nothing") / "report.json")
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("cannot read", result.stderr)
        result = self.verify(self.signed / "report.json", pub=self.key)
        self.assertExit(result, labtest.EXIT_USAGE)
        self.assertIn("--pubkey: ", result.stderr)
        self.assertIn("not a PEM public key", result.stderr)

    def test_signed_evaluate(self):
        out = self.tmpdir("evaluate")
        result = labtest.run(["evaluate", "--facts", self.signed / "report.json", "--profile", X509_REF,
                              "--out", out, "--sign", self.key])
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertExit(self.verify(out / "report.json"), labtest.EXIT_OK)
        report = labtest.load_report(out / "report.json")
        self.assertEqual(report["scan"]["source"]["sha256"], labtest.sha256_file(self.signed / "report.json"))
        self.assertRegex(report["config_digest"], r"^[0-9a-f]{64}$")
        self.assertNotIn("previous_report", report)

    # ---- the chain ----------------------------------------------------------------------------
    def test_second_scan_links_to_the_first(self):
        self.assertExit(self.second, labtest.EXIT_FAIL)
        first_id = self.first_report["scan"]["id"]
        self.assertNotIn("previous_report", self.first_report)
        self.assertEqual(self.second_report["config_digest"], self.first_report["config_digest"])
        self.assertEqual(self.second_report["previous_report"],
                         {"scan_id": first_id, "sha256": labtest.sha256_file(self.signed / "report.json"),
                          "path": f"history/{first_id}.json"})
        history = self.second_out_copy / "history"
        self.assertEqual(sorted(p.name for p in history.iterdir()), [f"{first_id}.json", f"{first_id}.json.sig"])
        self.assertEqual((history / f"{first_id}.json").read_bytes(), self.first_bytes)

    def test_verify_chain(self):
        result = self.verify(self.second_out_copy / "report.json", "--chain")
        self.assertExit(result, labtest.EXIT_OK)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("signature OK: "), result.describe())
        second_id, first_id = self.second_report["scan"]["id"], self.first_report["scan"]["id"]
        self.assertRegex(lines[2], rf"^\s+1\s+{second_id}\s+\S+\s+\S*report\.json\s+head$")
        self.assertRegex(lines[3], rf"^\s+2\s+{first_id}\s+\S+\s+\S*history/{first_id}\.json\s+"
                                   r"sha256 OK, signature OK$")
        self.assertEqual(lines[-1], "chain OK: 2 reports, each SHA-256 as recorded by its successor")

    def test_verify_chain_fails_on_an_edited_history_report(self):
        d = self.tmpdir("chain-edited")
        shutil.copytree(self.second_out_copy, d, dirs_exist_ok=True)
        first_id = self.first_report["scan"]["id"]
        old = d / "history" / f"{first_id}.json"
        old.write_bytes(old.read_bytes().replace(b'"fail"', b'"pass"'))
        result = self.verify(d / "report.json", "--chain")
        self.assertExit(result, labtest.EXIT_FAIL)
        self.assertIn(f"verification FAILED (chain): chain broken at {old}: its SHA-256 is", result.stderr)

    def test_other_profile_does_not_chain(self):
        out = self.tmpdir("other-profile")
        shutil.copytree(self.second_out_copy, out, dirs_exist_ok=True)
        result = labtest.run(["scan", "--targets", self.inventory, "--profile", labtest.CLOSED_PORT_FILE,
                              "--ca-file", self.lab.ca_file, "--sign", self.key, "--out", out, "--timeout", "3"])
        report = labtest.load_report(out / "report.json")
        self.assertIn(result.returncode, (labtest.EXIT_FAIL,), result.describe())
        self.assertNotEqual(report["config_digest"], self.second_report["config_digest"])
        self.assertNotIn("previous_report", report)
        # The report it replaced is kept all the same.
        second_id = self.second_report["scan"]["id"]
        self.assertTrue((out / "history" / f"{second_id}.json").is_file())
        self.assertTrue((out / "history" / f"{second_id}.json.sig").is_file())
        result = self.verify(out / "report.json", "--chain")
        self.assertExit(result, labtest.EXIT_OK)
        self.assertEqual(result.stdout.splitlines()[-1],
                         "chain OK: 1 report, each SHA-256 as recorded by its successor")


if __name__ == "__main__":
    labtest.main()
