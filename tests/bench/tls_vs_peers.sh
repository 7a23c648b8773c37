#!/usr/bin/env bash
# Full TLS scan of one lab endpoint, side by side with sslscan and testssl.sh
# (Debian packages, installed here if missing). Prints the three wall times,
# the ratios, and conformscan's handshake count against the budget of
# (accepted suites + versions probed + 10) for versions, suites, groups,
# extensions, certificate and vulnerabilities, and the count with signature
# algorithms and sessions on top; then tests/bench/compare_findings.py lists
# any version, suite or group sslscan saw and any vulnerability testssl.sh
# decided that conformscan's facts disagree with.
#
# Usage: tests/bench/tls_vs_peers.sh [BUILD_DIR] [PORT]   (default port 18443, the lab's nginx)
# Traffic goes to 127.0.0.1 only; testssl.sh runs with DNS lookups off.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
port=${2:-18443}
lab=$build/bench-lab
bin=$build/conformscan
out=$build/bench-out
for tool in sslscan testssl; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sslscan testssl.sh >/dev/null
done
trap 'bash "$here/tests/lab/lab.sh" stop "$lab" >/dev/null 2>&1 || true' EXIT
bash "$here/tests/lab/lab.sh" start "$lab" >/dev/null
mkdir -p "$out"

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

t0=$(now)
"$bin" -q scan --target "127.0.0.1:$port" --sni demo.test --ca-file "$lab/lab-ca.pem" \
  --profile "$here/tests/bench/profiles/tls-full.yaml" --timeout 3 --out "$out" || true
t1=$(now)
sslscan --no-colour --sni-name=demo.test --xml="$out/sslscan.xml" "127.0.0.1:$port" >"$out/sslscan.txt" 2>&1 || true
t2=$(now)
rm -f "$out/testssl.json"
testssl --quiet --color 0 --warnings off --nodns none --sneaky --jsonfile "$out/testssl.json" \
  "127.0.0.1:$port" >"$out/testssl.txt" 2>&1 || true
t3=$(now)

c=$(elapsed "$t0" "$t1"); s=$(elapsed "$t1" "$t2"); t=$(elapsed "$t2" "$t3")
python3 - "$out/report.json" "$c" "$s" "$t" <<'PY'
import json, sys
report, c, s, t = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
facts = json.load(open(report))["targets"][0]["facts"]
hs = sum(facts.get(p, {}).get("connections", 0) for p in facts)
suites = sum(len(v["suites"]) for v in facts.get("tls_suites", {}).get("data", {}).get("per_version", []))
versions = len(facts.get("tls_versions", {}).get("data", {}).get("protocols", []))
print(f"conformscan {c:.3f} s   sslscan {s:.3f} s   testssl.sh {t:.3f} s")
print(f"ratios: testssl.sh/conformscan {t / c:.1f}x   sslscan/conformscan {s / c:.1f}x")
print("conformscan probes: " + ", ".join(f"{p} {facts[p].get('connections', 0)}" for p in sorted(facts)))
# The budget covers the scan the issue names: versions, suites, groups,
# extensions, certificate, vulnerabilities. Signature algorithms and
# sessions (resumption, renegotiation, 0-RTT) are counted on top.
core = ("tls", "tls_versions", "tls_suites", "tls_groups", "tls_features", "tls_vulns")
core_hs = sum(facts.get(p, {}).get("connections", 0) for p in core)
print(f"conformscan handshakes: {core_hs} for versions, suites, groups, extensions, certificate and vulnerabilities "
      f"(budget: {suites} accepted suites + {versions} versions + 10 = {suites + versions + 10}); "
      f"{hs} with signature algorithms and sessions")
PY
python3 "$here/tests/bench/compare_findings.py" "$out/report.json" "$out/sslscan.xml" "$out/testssl.json" || true
