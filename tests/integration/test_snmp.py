#!/usr/bin/env python3
"""The snmp probe and the snmp.* checks against the lab part "snmp".

Endpoints: tests/lab/parts/snmp.sh (UDP 18620-18623): net-snmp agents with
community public, with a non-default community only, with SNMPv3 only, and
a port where nothing listens. What each answers is not written down here:
the real snmpget client (package snmp) asks each, and the facts must agree.

  snmpget -v1/-v2c -c COMMUNITY HOST:PORT sysDescr.0     -> answers or times out, and the sysDescr
  snmpget -v3 -u nosuchuser HOST:PORT sysDescr.0         -> "Unknown user name" when the engine answered
                                                            discovery, a timeout otherwise
  snmpget -v3 authPriv (the lab's user) snmpEngineID.0,
          snmpEngineBoots.0                               -> the engine id and boots the probe must report

Each rule's expected status in tests/integration/profiles/snmp*.yaml follows
from those observations. Silence (and an ICMP port unreachable) passes by
default: nothing that answers can break the rules, and a device whose SNMP is
off is the goal; `on_silence: error` turns it into an error result.
"""

import hashlib
import os
import subprocess

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "snmp.yaml"
PROFILE_COMMUNITIES = labtest.TEST_PROFILES / "snmp-communities.yaml"
SITE_COMMUNITY = "lab-n0c-7f3a"  # the snmp-community agent's, and snmp-communities.yaml's
TIMEOUT = 1  # the scan's --timeout, seconds
DEFAULTS = ("public", "private")
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
ENGINE_ID = "1.3.6.1.6.3.10.2.1.1.0"
ENGINE_BOOTS = "1.3.6.1.6.3.10.2.1.2.0"


def snmpget(port, *args, oid=SYS_DESCR):
    """(answered, value text or error text) from snmpget against 127.0.0.1:PORT."""
    env = dict(os.environ, MIBS="", MIBDIRS="/nonexistent")
    proc = subprocess.run(["snmpget", "-t", "1", "-r", "1", "-Ovq", *args, f"127.0.0.1:{port}", oid],
                          capture_output=True, text=True, timeout=30, env=env)
    if proc.returncode == 0:
        return True, proc.stdout.strip()
    return False, (proc.stderr or proc.stdout).strip()


def unquote(value):
    return value[1:-1] if value.startswith('"') and value.endswith('"') else value


def fingerprint(community):
    return hashlib.sha256(f"conformscan-snmp-community:{community}".encode()).hexdigest()[:8]


class SnmpTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part = cls.lab.part("snmp")
        cls.seen = {}
        for name, e in cls.part.items():
            port = e["port"]
            seen = {"community": {}}
            for community in (*DEFAULTS, SITE_COMMUNITY, "cisco"):
                for version in ("1", "2c"):
                    ok, value = snmpget(port, f"-v{version}", "-c", community)
                    seen["community"][(community, "v1" if version == "1" else "v2c")] = unquote(value) if ok else None
            _, why = snmpget(port, "-v3", "-l", "noAuthNoPriv", "-u", "nosuchuser")
            seen["v3"] = "Unknown user name" in why
            user = e.get("v3_user")
            if user:
                auth = ["-v3", "-l", "authPriv", "-u", user["name"], "-a", user["auth"], "-A", user["auth_pass"],
                        "-x", user["priv"], "-X", user["priv_pass"], "-Ox"]
                ok, engine = snmpget(port, *auth, oid=ENGINE_ID)
                hex_id = "".join(engine.split()).strip('"').lower()
                seen["engine_id"] = (hex_id[2:] if hex_id.startswith("0x") else hex_id) if ok else None
                ok, boots = snmpget(port, *auth[:-1], oid=ENGINE_BOOTS)
                seen["engine_boots"] = int(boots) if ok else None
            cls.seen[name] = seen

        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in cls.part.items():
            lines.append(f"  - {{name: {name}, host: 127.0.0.1, port: {e['port']}, service: snmp}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.result, cls.report = cls.scan("snmp", "--targets", inventory, "--profile", PROFILE, timeout=str(TIMEOUT))
        cls.result2, cls.report2 = cls.scan("snmp-communities", "--targets", inventory, "--profile",
                                            PROFILE_COMMUNITIES, timeout=str(TIMEOUT))

    def setUp(self):
        self.assertReport(self.result, self.report)
        self.assertReport(self.result2, self.report2)

    def target(self, name):
        return f"127.0.0.1:{self.part[name]['port']}"

    def record(self, name, report=None):
        record = tlsderive.facts(report or self.report, self.target(name), "snmp")
        self.assertIsNotNone(record, f"{name}: no snmp facts")
        self.assertEqual(record["status"], "ok", record.get("error"))
        return record

    def result_of(self, report, name, rule):
        return labtest.results_by(report)[(self.target(name), rule)]

    def test_snmpget_saw_what_the_lab_configures(self):
        # Anchors, so that a broken snmpget call cannot make the comparisons vacuous.
        s = self.seen
        self.assertEqual(s["snmp-public"]["community"][("public", "v2c")], "conformscan lab snmp-public")
        self.assertIsNone(s["snmp-community"]["community"][("public", "v1")])
        self.assertEqual(s["snmp-community"]["community"][(SITE_COMMUNITY, "v1")], "conformscan lab snmp-community")
        self.assertTrue(s["snmp-v3only"]["v3"])
        self.assertEqual(self.part["snmp-community"]["communities"], [SITE_COMMUNITY])
        self.assertTrue(s["snmp-v3only"]["engine_id"].startswith("80001f88"), s["snmp-v3only"]["engine_id"])
        self.assertFalse(s["snmp-closed"]["v3"])

    def test_answers_and_sysdescr_equal_snmpget(self):
        for name, seen in self.seen.items():
            with self.subTest(endpoint=name):
                data = self.record(name)["data"]
                got = {(a["community"], a["version"]): a for a in data["communities"]}
                self.assertEqual(sorted(got), sorted((c, v) for c in DEFAULTS for v in ("v1", "v2c")))
                for (community, version), attempt in got.items():
                    want = seen["community"][(community, version)]
                    self.assertIs(attempt["answered"], want is not None, attempt)
                    if want is not None:
                        self.assertEqual(attempt["sys_descr"], want)
                        self.assertEqual(attempt["error_status"], "noError")
                    self.assertIs(attempt["masked"], False)
                self.assertIs(data["v3"]["answered"], seen["v3"])
                answered = [v for v in ("v1", "v2c") if any(a["answered"] and a["version"] == v for a in got.values())]
                self.assertEqual(data["versions_answered"], answered + (["v3"] if seen["v3"] else []))

    def test_v3_engine_id_and_boots_equal_snmpget(self):
        data = self.record("snmp-v3only")["data"]
        seen = self.seen["snmp-v3only"]
        self.assertEqual(data["v3"]["engine_id"], seen["engine_id"])
        self.assertEqual(data["v3"]["engine_boots"], seen["engine_boots"])
        self.assertEqual(data["v3"]["pdu"], "Report")
        self.assertEqual(data["v3"]["report"], "usmStatsUnknownEngineIDs")

    def test_silence_and_refusal_are_observations(self):
        closed = self.record("snmp-closed")["data"]
        self.assertFalse(closed["answered"])
        # Nothing listens on loopback: ICMP port unreachable, at the first try.
        self.assertEqual({a["outcome"] for a in closed["communities"]} | {closed["v3"]["outcome"]}, {"refused"})
        silent = self.record("snmp-community")["data"]
        for a in silent["communities"]:
            self.assertEqual(a["outcome"], "silent", a)
            self.assertEqual(a["tries"], silent["max_tries"])

    def test_exchanges_are_counted(self):
        for name in self.part:
            with self.subTest(endpoint=name):
                record = self.record(name)
                data = record["data"]
                tries = sum(a["tries"] for a in data["communities"]) + data["v3"]["tries"]
                self.assertEqual(data["exchanges"], tries)
                self.assertEqual(record["connections"], tries)
        # public: 2 answered at once, private 2 x 2 silent tries, v3 at once; closed: refused at once, 5 times.
        self.assertEqual(self.record("snmp-public")["data"]["exchanges"], 7)
        self.assertEqual(self.record("snmp-closed")["data"]["exchanges"], 5)

    def test_rules_follow_from_what_snmpget_saw(self):
        for name, seen in self.seen.items():
            with self.subTest(endpoint=name):
                answering = [k for k, v in seen["community"].items() if v is not None and k[0] in DEFAULTS]
                versions = sorted({v for _, v in answering}) + (["v3"] if seen["v3"] else [])
                expected = {
                    "LAB-SNMP-COMM-01": "fail" if answering else "pass",
                    "LAB-SNMP-VER-01": "fail" if any(v != "v3" for v in versions) else "pass",
                }
                self.assertStatuses(self.report, self.target(name), expected)
        self.assertExit(self.result, labtest.EXIT_FAIL)

    def test_public_fails_with_its_evidence(self):
        r = self.result_of(self.report, "snmp-public", "LAB-SNMP-COMM-01")
        self.assertEqual(r["status"], "fail")
        answered = {(a["community"], a["version"]): a.get("sys_descr") for a in r["evidence"]["observed"]["answered"]}
        self.assertEqual(answered, {("public", "v1"): "conformscan lab snmp-public",
                                    ("public", "v2c"): "conformscan lab snmp-public"})
        self.assertIn("'public' on v1", r["message"])

    def test_v3_only_passes_both_and_reports_the_engine_id(self):
        engine = self.record("snmp-v3only")["data"]["v3"]["engine_id"]
        for rule in ("LAB-SNMP-COMM-01", "LAB-SNMP-VER-01"):
            self.assertEqual(self.result_of(self.report, "snmp-v3only", rule)["status"], "pass")
        self.assertIn(engine, self.result_of(self.report, "snmp-v3only", "LAB-SNMP-VER-01")["message"])

    def test_closed_port_says_snmp_did_not_answer(self):
        for rule in ("LAB-SNMP-COMM-01", "LAB-SNMP-VER-01"):
            r = self.result_of(self.report, "snmp-closed", rule)
            self.assertEqual(r["status"], "pass")
            self.assertIn("SNMP did not answer", r["message"])
        r = self.result_of(self.report2, "snmp-closed", "LAB-SNMP-VER-02")
        self.assertEqual(r["status"], "error")
        self.assertIn("SNMP did not answer", r["message"])

    def test_profile_community_list_is_used_and_masked(self):
        fp = fingerprint(SITE_COMMUNITY)
        for name, seen in self.seen.items():
            with self.subTest(endpoint=name):
                data = self.record(name, self.report2)["data"]
                got = {(a["community"], a["version"]): a for a in data["communities"]}
                self.assertEqual(sorted(got), sorted([("cisco", "v1"), ("cisco", "v2c"),
                                                      ("<masked>", "v1"), ("<masked>", "v2c")]))
                for version in ("v1", "v2c"):
                    masked = got[("<masked>", version)]
                    self.assertEqual(masked["fingerprint"], fp)
                    self.assertIs(masked["masked"], True)
                    self.assertIs(masked["answered"], seen["community"][(SITE_COMMUNITY, version)] is not None)
                    self.assertIs(got[("cisco", version)]["answered"], seen["community"][("cisco", version)] is not None)
        r = self.result_of(self.report2, "snmp-community", "LAB-SNMP-COMM-02")
        self.assertEqual(r["status"], "fail")
        self.assertIn(fp, r["message"])
        self.assertEqual(self.result_of(self.report2, "snmp-public", "LAB-SNMP-COMM-02")["status"], "pass")
        # The site's community never reaches the report or the terminal.
        for path in (self.tmpdir("snmp-communities") / name for name in ("report.json", "report.txt", "report.html")):
            self.assertNotIn(SITE_COMMUNITY, path.read_text(encoding="utf-8"), path)
        self.assertNotIn(SITE_COMMUNITY, self.result2.stdout + self.result2.stderr)

    def test_no_tcp_probe_runs_on_a_udp_service(self):
        for name in self.part:
            with self.subTest(endpoint=name):
                tcp = tlsderive.facts(self.report2, self.target(name), "tcp")
                self.assertEqual(tcp["status"], "error")
                self.assertIn("not run", tcp["error"])
                self.assertEqual(tcp.get("connections", 0), 0)
                self.assertEqual(self.result_of(self.report2, name, "LAB-SNMP-TCP-01")["status"], "error")


if __name__ == "__main__":
    labtest.main()
