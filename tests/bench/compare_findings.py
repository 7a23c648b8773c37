#!/usr/bin/env python3
"""Compare conformscan's facts for one endpoint with what sslscan and testssl.sh found.

Usage: compare_findings.py REPORT.json SSLSCAN.xml TESTSSL.json

Prints, per kind of finding, what each peer saw that conformscan did not and
the reverse: protocol versions and cipher suites per version (by code point)
and groups against sslscan's XML; vulnerability verdicts against testssl.sh's
JSON. Exit status 0 when conformscan has at least every peer finding, 1 when
it misses any (the benchmark prints that, it does not fail on it).
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

# testssl.sh 3.0 finding ids -> conformscan tls_vulns names.
TESTSSL_VULNS = {
    "heartbleed": "heartbleed", "CCS": "ccs_injection", "ticketbleed": "ticketbleed", "ROBOT": "robot",
    "POODLE_SSL": "poodle", "SWEET32": "sweet32", "FREAK": "freak", "LOGJAM": "logjam", "DROWN": "drown",
    "CRIME_TLS": "crime", "BEAST": "beast", "RC4": "rc4", "secure_renego": "insecure_renegotiation",
}
SSLSCAN_VERSIONS = {("ssl", "2"): "SSLv2", ("ssl", "3"): "SSLv3", ("tls", "1.0"): "TLSv1", ("tls", "1.1"): "TLSv1.1",
                    ("tls", "1.2"): "TLSv1.2", ("tls", "1.3"): "TLSv1.3"}

PEER_VERSION_NAMES = {"TLSv1.0": "TLSv1"}  # sslscan's name -> conformscan's


def testssl_verdict(finding):
    """vulnerable / not_vulnerable / None where testssl.sh did not decide ("potentially vulnerable")."""
    text = finding.get("finding", "").lower()
    if finding.get("id") == "secure_renego":
        return "not_vulnerable" if text.startswith("supported") else "vulnerable"
    if "not vulnerable" in text:
        return "not_vulnerable"
    if "potentially" in text or "vulnerable" not in text:
        return None
    return "vulnerable"


def main(report_path, sslscan_path, testssl_path):
    facts = json.load(open(report_path, encoding="utf-8"))["targets"][0]["facts"]
    data = lambda probe: (facts.get(probe) or {}).get("data") or {}  # noqa: E731
    missing, extra = [], []

    # sslscan: versions, suites per version, groups.
    root = ET.parse(sslscan_path).getroot()
    test = root.find("ssltest")
    peer_versions = {SSLSCAN_VERSIONS[(p.get("type"), p.get("version"))]
                     for p in test.iter("protocol") if p.get("enabled") == "1"}
    ours_versions = set(data("tls_versions").get("accepted", []))
    missing += [f"version {v} (sslscan)" for v in sorted(peer_versions - ours_versions)]
    extra += [f"version {v}" for v in sorted(ours_versions - peer_versions)]
    peer_suites = {(PEER_VERSION_NAMES.get(c.get("sslversion"), c.get("sslversion")), int(c.get("id"), 16))
                   for c in test.iter("cipher")}
    ours_suites = {(pv["version"], int(s["code"], 16)) for pv in data("tls_suites").get("per_version", [])
                   for s in pv["suites"] if re.fullmatch(r"0x[0-9a-fA-F]{4}", s["code"])}
    missing += [f"suite {v} 0x{c:04x} (sslscan)" for v, c in sorted(peer_suites - ours_suites)]
    extra += [f"suite {v} 0x{c:04x}" for v, c in sorted(ours_suites - peer_suites)]
    groups = data("tls_groups")
    for version, key in (("TLSv1.3", "tls13_groups"), ("TLSv1.2", "tls12_groups")):
        peer = {g.get("name").split(" ")[0].lower() for g in test.iter("group")
                if PEER_VERSION_NAMES.get(g.get("sslversion"), g.get("sslversion")) == version}
        ours = {g.lower() for g in groups.get(key, [])}
        if not peer:
            continue  # sslscan lists groups for one version only
        missing += [f"group {version} {g} (sslscan)" for g in sorted(peer - ours)]
        extra += [f"group {version} {g}" for g in sorted(ours - peer)]

    # testssl.sh: vulnerability verdicts.
    ours_vulns = {n: v["status"] for n, v in (data("tls_vulns").get("vulnerabilities") or {}).items()}
    decided = 0
    for f in json.load(open(testssl_path, encoding="utf-8")):
        name = TESTSSL_VULNS.get(f.get("id"))
        if name is None:
            continue
        verdict = testssl_verdict(f)
        if verdict is None:
            continue
        decided += 1
        ours = ours_vulns.get(name)
        if verdict == "vulnerable" and ours != "vulnerable":
            missing.append(f"{name} vulnerable (testssl.sh: {f.get('finding')}); conformscan: {ours}")
        elif verdict == "not_vulnerable" and ours == "vulnerable":
            extra.append(f"{name} vulnerable (testssl.sh: {f.get('finding')})")

    print(f"findings compared: {len(peer_versions)} versions, {len(peer_suites)} suites and the groups against "
          f"sslscan; {decided} vulnerability verdicts against testssl.sh")
    print("missed by conformscan: " + ("none" if not missing else "; ".join(missing)))
    print("seen only by conformscan: " + ("none" if not extra else "; ".join(extra)))
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
