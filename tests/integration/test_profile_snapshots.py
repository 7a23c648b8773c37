#!/usr/bin/env python3
"""Snapshots of every shipped profile's resolved rules.

`conformscan profiles show ID --resolved --format json` gives the rules a scan
with the profile judges, after extends and exclude, each with its parameters
(defaults filled in), citations and guideline. The snapshot under
tests/snapshots/profiles/ID.json is that list as reviewed: a change to a
profile, to a parent it extends or to a check's parameter defaults shows here
as a diff to review. After a deliberate change, write the snapshots again with

  CONFORMSCAN_UPDATE_SNAPSHOTS=1 CONFORMSCAN_BIN=build/conformscan \\
      python3 tests/integration/test_profile_snapshots.py

and commit them with the change (bump the profile's version and changelog).
Sends no traffic.
"""

import json
import os
import re

import labtest

SNAPSHOTS = labtest.SOURCE / "tests" / "snapshots" / "profiles"
UPDATE = os.environ.get("CONFORMSCAN_UPDATE_SNAPSHOTS") == "1"


def catalogue():
    run = labtest.run(["profiles", "list"])
    assert run.returncode == 0, run.describe()
    ids = []
    for line in run.stdout.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2 and not fields[0].startswith("examples/"):
            ids.append(fields[1])
    return ids


class ProfileSnapshotTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        if not labtest.BIN.is_file():
            raise AssertionError(f"conformscan binary not found at {labtest.BIN}")
        cls.ids = catalogue()

    @classmethod
    def tearDownClass(cls):
        pass

    def test_the_catalogue_lists_the_shipped_profiles(self):
        for pid in ("itu-t-x805-baseline", "itu-t-x509-certificates", "ietf-rfc9142-ssh", "bsi-tr-02102-2",
                    "bsi-tr-02102-4", "nist-sp800-52r2", "nist-sp800-52r2-government",
                    "nist-sp800-52r2-public-facing", "owasp-web-headers", "ietf-rfc9325-bcp195",
                    "mozilla-intermediate", "mozilla-modern"):
            self.assertIn(pid, self.ids)

    def test_resolved_rules_match_their_snapshots(self):
        for pid in self.ids:
            with self.subTest(profile=pid):
                self.assertTrue(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", pid), pid)
                run = labtest.run(["profiles", "show", pid, "--resolved", "--format", "json"])
                self.assertEqual(run.returncode, 0, run.describe())
                rules = json.loads(run.stdout)["rules"]
                got = json.dumps(rules, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
                path = SNAPSHOTS / f"{pid}.json"
                if UPDATE:
                    path.write_text(got, encoding="utf-8")
                    continue
                self.assertTrue(path.is_file(), f"no snapshot {path}: write it with CONFORMSCAN_UPDATE_SNAPSHOTS=1")
                self.assertEqual(got, path.read_text(encoding="utf-8"),
                                 f"{pid}: resolved rules differ from {path}; review, then update the snapshot")

    def test_no_snapshot_without_a_profile(self):
        for path in SNAPSHOTS.glob("*.json"):
            with self.subTest(snapshot=path.name):
                self.assertIn(path.stem, self.ids, f"{path} has no profile any more")


if __name__ == "__main__":
    labtest.main()
