#!/usr/bin/env python3
"""The http probe and the http.* checks against the lab part "http".

Endpoints: tests/lab/parts/http.sh (18610-18618). What each serves is not
written down here: curl looks at each and the facts must agree.

  curl -sk -D - --resolve demo.test:PORT:127.0.0.1 URL     (GET)  -> status, headers (names lower-cased,
                                                                      repeats kept, in order)
  curl -sk -I   --resolve demo.test:PORT:127.0.0.1 URL     (HEAD) -> the same status and header names
  the same GET on each same-host Location, by hand          -> the redirect chain (curl -L is not used:
                                                                      it would follow off-host, and resolve it)

Each rule's expected status in tests/integration/profiles/http.yaml follows
from those observations (RFC 6797 for HSTS, the header values and cookie
attributes as curl printed them). The test-only broken server
(tests/lab/broken_http_server.py) must give error records within the
timeout, or, for an endless body, a capped observation.
"""

import json
import re
import subprocess
import time

import labtest
import tlsderive

PROFILE = labtest.TEST_PROFILES / "http.yaml"
SNI = "demo.test"
TIMEOUT = 2  # the scan's --timeout, seconds
SAFE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
BROKEN = ("http-garbage", "http-silent", "http-huge-head")


def curl(url, port, head=False):
    """curl's response head for URL (connecting to 127.0.0.1:PORT): (status, [(name, value)])."""
    cmd = ["curl", "-sk", "--max-time", "10", "--http1.1", "--resolve", f"{SNI}:{port}:127.0.0.1",
           "-o", "/dev/null", "-D", "-", url]
    if head:
        cmd.insert(1, "-I")
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20).stdout
    lines = out.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise AssertionError(f"curl saw no HTTP response from {url}: {out[:200]!r}")
    headers = []
    for line in lines[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        headers.append((name.lower(), value.strip(" \t")))
    return int(m.group(1)), headers


def values(headers, name):
    return [v for n, v in headers if n == name]


def redact(name, value):
    """The probe never keeps cookie values: 'sid=abc; Secure' -> 'sid=<3 bytes>; Secure'."""
    if name != "set-cookie":
        return value
    pair, sep, rest = value.partition(";")
    if "=" not in pair:
        return value
    cname, _, cvalue = pair.partition("=")
    return f"{cname}=<{len(cvalue.strip(' ' + chr(9)))} bytes>{sep}{rest}"


def observe_chain(url, port):
    """GET URL and each same-host Location after it, as curl sees them: [{url, status, headers, location}]."""
    chain = []
    for _ in range(6):
        status, headers = curl(url, port)
        loc = (values(headers, "location") or [""])[0]
        chain.append({"url": url, "status": status, "headers": headers, "location": loc})
        m = re.match(r"(https?)://([^/:]+)(?::(\d+))?", loc)
        if status not in (301, 302, 303, 307, 308) or not m or m.group(2).lower() != SNI:
            break
        url, port = loc, int(m.group(3) or (443 if m.group(1) == "https" else 80))
    return chain


def sts_ok(value):
    """RFC 6797 §6.1, enough for the lab's values: max-age >= 1 year, includeSubDomains, preload."""
    names = [d.split("=")[0].strip().lower() for d in value.split(";") if d.strip()]
    m = re.search(r"max-age\s*=\s*\"?(\d+)", value, re.I)
    return (m is not None and int(m.group(1)) >= 31536000 and len(names) == len(set(names))
            and "includesubdomains" in names and "preload" in names)


def expected_statuses(service, chain):
    """Each lab rule's status, from curl's view of the first response."""
    first = chain[0]
    h = first["headers"]
    exp = {}
    if service == "http":
        loc = first["location"]
        exp["LAB-HTTP-REDIR-01"] = ("pass" if first["status"] in (301, 302, 307, 308)
                                    and re.match(rf"https://{re.escape(SNI)}(:\d+)?(/|$)", loc, re.I) else "fail")
        exp["LAB-HTTP-HSTS-01"] = "fail" if values(h, "strict-transport-security") else "pass"
        exp["LAB-HTTP-HDR-01"] = exp["LAB-HTTP-COOKIE-01"] = "not_applicable"
        return exp
    exp["LAB-HTTP-REDIR-01"] = "not_applicable"
    sts = values(h, "strict-transport-security")
    exp["LAB-HTTP-HSTS-01"] = "pass" if sts and sts_ok(sts[0]) else "fail"
    csp = " ".join(values(h, "content-security-policy"))
    framing = re.search(r"frame-ancestors\s+'(none|self)'", csp) or values(h, "x-frame-options")
    banners = values(h, "server") + values(h, "x-powered-by")
    headers_ok = (values(h, "x-content-type-options") == ["nosniff"]
                  and all(v in SAFE_REFERRER for v in values(h, "referrer-policy"))
                  and values(h, "referrer-policy") and framing
                  and not any(re.search(r"/\s*v?\d|\d+\.\d+", b) for b in banners))
    exp["LAB-HTTP-HDR-01"] = "pass" if headers_ok else "fail"
    cookies = values(h, "set-cookie")
    if not cookies:
        exp["LAB-HTTP-COOKIE-01"] = "not_applicable"
    else:
        def good(c):
            attrs = [a.strip().lower() for a in c.split(";")[1:]]
            return "secure" in attrs and "httponly" in attrs and ("samesite=strict" in attrs or "samesite=lax" in attrs)
        exp["LAB-HTTP-COOKIE-01"] = "pass" if all(good(c) for c in cookies) else "fail"
    return exp


class HttpTest(labtest.LabTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part = cls.lab.part("http")
        cls.seen = {}
        for name, e in cls.part.items():
            if e["server"] == "broken-test-server":
                continue
            url = f"{e['service']}://{SNI}:{e['port']}/"
            cls.seen[name] = {"chain": observe_chain(url, e["port"]), "head": curl(url, e["port"], head=True)}
        inventory = cls.tmpdir("inventory") / "inventory.yaml"
        lines = ["scope:", '  allow: ["127.0.0.1/32"]', "targets:"]
        for name, e in cls.part.items():
            lines.append(f"  - {{name: {name}, host: 127.0.0.1, port: {e['port']}, service: {e['service']}, sni: {SNI}}}")
        inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cls.inventory = inventory
        start = time.monotonic()
        cls.result, cls.report = cls.scan("http", "--targets", inventory, "--profile", PROFILE,
                                          "--ca-file", cls.lab.ca_file, timeout=str(TIMEOUT))
        cls.seconds = time.monotonic() - start
        print(f"\nscan with {PROFILE.name}: {cls.seconds:.1f} s, exit {cls.result.returncode}")

    def setUp(self):
        self.assertReport(self.result, self.report)

    def target(self, name):
        return f"127.0.0.1:{self.part[name]['port']}"

    def record(self, name):
        record = tlsderive.facts(self.report, self.target(name), "http")
        self.assertIsNotNone(record, f"{name}: no http facts")
        return record

    def test_curl_saw_what_the_lab_configures(self):
        # Anchors, so that a silently broken curl parse cannot make the comparisons vacuous.
        s = self.seen
        self.assertEqual([r["status"] for r in s["http-redirect"]["chain"]], [301, 200])
        self.assertTrue(values(s["http-good"]["chain"][0]["headers"], "strict-transport-security"))
        self.assertTrue(re.match(r"nginx/\d", values(s["http-weak"]["chain"][0]["headers"], "server")[0]))
        self.assertEqual(len(values(s["http-weak"]["chain"][0]["headers"], "set-cookie")), 2)
        self.assertEqual(len(s["http-offhost"]["chain"]), 1)

    def test_status_headers_and_chain_equal_curl(self):
        for name, seen in self.seen.items():
            with self.subTest(endpoint=name):
                record = self.record(name)
                self.assertEqual(record["status"], "ok", record.get("error"))
                data = record["data"]
                chain = seen["chain"]
                self.assertEqual(data["status"], chain[0]["status"])
                self.assertEqual([(r["url"], r["status"], r["location"]) for r in data["chain"]],
                                 [(r["url"], r["status"], r["location"]) for r in chain])
                for got, want in zip(data["chain"], chain):
                    # Date differs between two requests; everything else must match exactly.
                    self.assertEqual([(h["name"], h["value"] if h["name"] != "date" else "") for h in got["headers"]],
                                     [(n, redact(n, v) if n != "date" else "") for n, v in want["headers"]])
                self.assertEqual(data["headers"], data["chain"][0]["headers"])
                self.assertEqual(data["final_url"], chain[-1]["url"])
                self.assertEqual(data["final_status"], chain[-1]["status"])
                head_status, head_headers = seen["head"]
                self.assertEqual(head_status, data["status"])
                self.assertEqual([n for n, _ in head_headers], [h["name"] for h in data["headers"]])
                # One connection per request, each counted.
                self.assertEqual(record["connections"], data["requests"])
                self.assertEqual(data["requests"], len(chain))
                for r in data["chain"]:
                    if r["url"].startswith("https://"):
                        self.assertIs(r["tls_verified"], True, r.get("tls_verify_error"))

    def test_cookies_are_parsed_without_their_values(self):
        for name, seen in self.seen.items():
            with self.subTest(endpoint=name):
                for got, want in zip(self.record(name)["data"]["chain"], seen["chain"]):
                    cookies = values(want["headers"], "set-cookie")
                    self.assertEqual([c["name"] for c in got["cookies"]], [c.split("=")[0] for c in cookies])
                    for c, raw in zip(got["cookies"], cookies):
                        attrs = [a.strip().lower() for a in raw.split(";")[1:]]
                        self.assertEqual(c["secure"], "secure" in attrs)
                        self.assertEqual(c["httponly"], "httponly" in attrs)
                        self.assertEqual(c["samesite"].lower(),
                                         next((a.split("=")[1] for a in attrs if a.startswith("samesite=")), ""))
                        self.assertEqual(c["value_bytes"], len(raw.split(";")[0].split("=", 1)[1]))
                        self.assertNotIn(raw.split(";")[0], json.dumps(got))

    def test_offhost_redirect_is_recorded_not_followed(self):
        data = self.record("http-offhost")["data"]
        self.assertEqual(len(data["chain"]), 1)
        hop = data["chain"][0]
        self.assertEqual(hop["location_host"], "www.example.org")
        self.assertFalse(hop["location_same_host"])
        self.assertFalse(hop["followed"])
        self.assertIn("another host", hop["note"])

    def test_rules_follow_from_what_curl_saw(self):
        for name, seen in self.seen.items():
            with self.subTest(endpoint=name):
                expected = expected_statuses(self.part[name]["service"], seen["chain"])
                self.assertStatuses(self.report, self.target(name), expected)

    def test_evidence_names_what_decided(self):
        results = labtest.results_by(self.report)
        redirect = results[(self.target("http-redirect"), "LAB-HTTP-REDIR-01")]
        self.assertEqual([h["status"] for h in redirect["evidence"]["observed"]["chain"]], [301, 200])
        self.assertEqual(redirect["evidence"]["observed"]["location"], self.seen["http-redirect"]["chain"][0]["location"])
        weak = self.seen["http-weak"]["chain"][0]["headers"]
        hdr = results[(self.target("http-weak"), "LAB-HTTP-HDR-01")]
        self.assertIn(values(weak, "server")[0], hdr["message"])
        self.assertIn(values(weak, "x-powered-by")[0], hdr["message"])
        self.assertEqual(hdr["evidence"]["observed"]["headers"]["server"], values(weak, "server"))
        hsts = results[(self.target("http-plain"), "LAB-HTTP-HSTS-01")]
        self.assertEqual(hsts["evidence"]["observed"]["strict_transport_security"],
                         values(self.seen["http-plain"]["chain"][0]["headers"], "strict-transport-security"))
        self.assertIn("7.2", hsts["message"])
        good = results[(self.target("http-good"), "LAB-HTTP-HSTS-01")]
        self.assertEqual(good["evidence"]["observed"]["max_age"], 63072000)
        cookies = results[(self.target("http-weak"), "LAB-HTTP-COOKIE-01")]
        self.assertEqual(sorted(c["name"] for c in cookies["evidence"]["observed"]["cookies"]), ["prefs", "sid"])

    def test_broken_servers_give_errors_within_the_timeout(self):
        for name in BROKEN:
            with self.subTest(endpoint=name):
                record = self.record(name)
                self.assertEqual(record["status"], "error")
                self.assertTrue(record["error"])
                self.assertLessEqual(record["duration_ms"], TIMEOUT * 1000 + 1500)
                for rule, status in labtest.statuses(self.report, self.target(name)).items():
                    self.assertIn(status, ("error", "not_applicable"), rule)
        self.assertIn("timeout", self.record("http-silent")["error"])
        self.assertIn("65536", self.record("http-huge-head")["error"])
        endless = self.record("http-endless")
        self.assertEqual(endless["status"], "ok", endless.get("error"))
        self.assertTrue(endless["data"]["chain"][0]["body_truncated"])
        self.assertEqual(endless["data"]["chain"][0]["body_bytes"], 65536)
        self.assertEqual(self.result.returncode, labtest.EXIT_FAIL)

    def test_saved_facts_rejudge_to_the_same_results(self):
        out = self.tmpdir("http-evaluate")
        result = labtest.run(["evaluate", "--facts", self.tmpdir("http") / "report.json", "--profile", PROFILE,
                              "--out", out])
        self.assertEqual(result.returncode, self.result.returncode, result.describe())
        again = labtest.load_report(out / "report.json")
        self.assertEqual({k: r["status"] for k, r in labtest.results_by(again).items()},
                         {k: r["status"] for k, r in labtest.results_by(self.report).items()})

    def test_unverified_certificate_still_gives_headers_and_says_so(self):
        e = self.part["http-good"]
        result, report = self.scan("http-untrusted", "--target", f"127.0.0.1:{e['port']}/https", "--sni", SNI,
                                   "--profile", PROFILE, timeout=str(TIMEOUT))
        self.assertReport(result, report)
        record = tlsderive.facts(report, self.target("http-good"), "http")
        self.assertEqual(record["status"], "ok", record.get("error"))
        data = record["data"]
        self.assertIs(data["tls_verified"], False)
        self.assertIn("certificate", data["chain"][0]["tls_verify_error"])
        self.assertEqual([h["name"] for h in data["headers"]], [n for n, _ in self.seen["http-good"]["chain"][0]["headers"]])
        self.assertEqual(record["connections"], 2)  # the verified attempt, then the unverified one
        hsts = labtest.results_by(report)[(self.target("http-good"), "LAB-HTTP-HSTS-01")]
        self.assertEqual(hsts["status"], "fail")
        self.assertIn("8.1", hsts["message"])


if __name__ == "__main__":
    labtest.main()
