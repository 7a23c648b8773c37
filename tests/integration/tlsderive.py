"""What the lab's TLS endpoints accept, as openssl s_client (and gnutls-cli) see it.

The expectations of test_tls_versions.py and test_tls_suites.py come from
here, not from constants: the scanner's wire-level probes (tls_versions,
tls_suites) must agree with independent clients, handshake by handshake.

* Versions: one s_client per version flag (-tls1 ... -tls1_3), offering every
  suite the local OpenSSL has at @SECLEVEL=0. A version is accepted when a
  handshake completes ("Cipher is X", X not "(NONE)") and the session's
  "Protocol :" line names that version (LAB-NOTES: the "New, ..." line shows
  the cipher's minimum version, not the negotiated one).
  SSLv2 and SSLv3 cannot be observed: Debian 12's s_client has no -ssl3/-ssl2,
  and no Debian 12 library serves them (LAB-NOTES).
* Suites (TLS 1.0-1.2): elimination. Offer every suite the local OpenSSL can
  offer at that version; the server picks one; offer the rest again; ... until
  the handshake fails. Every suite picked is accepted; every suite still on
  offer when the handshake failed is refused (the server had all of them and
  took none). PSK and SRP suites are left out: s_client without -psk/-srp
  configuration never offers them.
  TLS 1.3: the same with -ciphersuites over OpenSSL's five TLS 1.3 suites.
* 3DES: Debian's libssl has no 3DES suite at all, so s_client can neither
  accept nor refuse one. gnutls-cli (package gnutls-bin) can: one handshake
  per key exchange with a priority string offering only that key exchange and
  3DES-CBC. Without gnutls-cli, no 3DES suite is derived either way.
* Preference: with two accepted suites A and B, offer A:B and then B:A. The
  same pick both times is "server", the first one both times is "client".
  Fewer than two suites visible to one client: "unknown".

Standard library only; every address is on loopback.
"""

import concurrent.futures
import re
import shutil
import subprocess
import threading

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
UNOBSERVABLE_VERSIONS = ("SSLv2", "SSLv3")
FLAG = {"TLSv1": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}
GNUTLS_VERSION = {"TLSv1": "VERS-TLS1.0", "TLSv1.1": "VERS-TLS1.1", "TLSv1.2": "VERS-TLS1.2"}
LEVEL0 = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
TLS13_SUITES = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256")
HANDSHAKE_TIMEOUT = 10

# GnuTLS key exchange -> (IANA name, code) of its 3DES-EDE-CBC-SHA suite.
GNUTLS_3DES = {
    "ECDHE-RSA": ("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "0xc012"),
    "ECDHE-ECDSA": ("TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "0xc008"),
    "DHE-RSA": ("TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "0x0016"),
    "RSA": ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "0x000a"),
}
GNUTLS_TAIL = "+COMP-NULL:+SIGN-ALL:+GROUP-ALL:+CTYPE-X509"


class Suite:
    def __init__(self, code, iana, openssl, min_version, kx, au):
        self.code, self.iana, self.openssl, self.min_version, self.kx, self.au = \
            code, iana, openssl, min_version, kx, au

    def offered_in(self, version):
        """Whether s_client offers this suite in a ClientHello for VERSION."""
        if "PSK" in self.kx or "SRP" in self.kx:
            return False
        if version == "TLSv1.3":
            return self.min_version == "TLSv1.3"
        if self.min_version == "TLSv1.3":
            return False
        if version == "TLSv1.2":
            return True
        return self.min_version in ("SSLv3", "TLSv1")

    def __repr__(self):
        return f"{self.iana}({self.code})"


def openssl_suites():
    """Every suite the local OpenSSL knows, from `openssl ciphers -V -stdname`."""
    out = subprocess.run(["openssl", "ciphers", "-V", "-stdname", "-ciphersuites", ":".join(TLS13_SUITES), LEVEL0],
                         capture_output=True, text=True, check=True).stdout
    suites = []
    for line in out.splitlines():
        m = re.match(r"\s*0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2}) - (\S+)\s+- (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)", line)
        if m:
            hi, lo, iana, name, minv, kx, au = m.groups()
            suites.append(Suite(f"0x{hi.lower()}{lo.lower()}", iana, name, minv, kx, au))
    if len(suites) < 50:
        raise AssertionError(f"openssl ciphers listed only {len(suites)} suites:\n{out}")
    return suites


class Handshake:
    def __init__(self, ok, version, cipher, output):
        self.ok, self.version, self.cipher, self.output = ok, version, cipher, output


class Counter:
    def __init__(self):
        self._n = 0
        self._lock = threading.Lock()

    def add(self, n=1):
        with self._lock:
            self._n += n

    @property
    def value(self):
        with self._lock:
            return self._n


HANDSHAKES = Counter()
_thread = threading.local()


def _count():
    HANDSHAKES.add()
    _thread.handshakes = getattr(_thread, "handshakes", 0) + 1


def s_client(host, port, sni, *args):
    """One `openssl s_client` handshake (plus a GET, so the server closes)."""
    _count()
    cmd = ["openssl", "s_client", "-connect", f"{host}:{port}", "-servername", sni, "-ign_eof", *args]
    try:
        proc = subprocess.run(cmd, input=f"GET / HTTP/1.0\r\nHost: {sni}\r\n\r\n", capture_output=True,
                              text=True, errors="replace", timeout=HANDSHAKE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{' '.join(cmd)} did not finish within {HANDSHAKE_TIMEOUT} s") from None
    out = proc.stdout + proc.stderr
    m = re.search(r"^New, \S+, Cipher is (\S+)", out, re.M)
    cipher = m.group(1) if m and m.group(1) != "(NONE)" else None
    p = re.search(r"^    Protocol *: *(\S+)", out, re.M)
    version = p.group(1) if p else None
    return Handshake(cipher is not None and version is not None, version, cipher, out)


def gnutls_cli_available():
    return shutil.which("gnutls-cli") is not None


def gnutls_cli(host, port, sni, priority):
    """One gnutls-cli handshake; returns its "- Description:" line or None."""
    _count()
    cmd = ["gnutls-cli", "--insecure", "--port", str(port), "--sni-hostname", sni, "--priority", priority, host]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                              timeout=HANDSHAKE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{' '.join(cmd)} did not finish within {HANDSHAKE_TIMEOUT} s") from None
    m = re.search(r"^- Description: (.*)$", proc.stdout, re.M)
    return m.group(1) if m else None


class Observed:
    """What the clients saw of one endpoint."""

    def __init__(self, name):
        self.name = name
        self.versions = {}      # version -> bool (handshake completed in that version)
        self.accepted = {}      # version -> [Suite], in the order the elimination found them
        self.refused = {}       # version -> [Suite]
        self.preference = {}    # version -> "server" | "client" | "unknown"
        self.handshakes = 0
        self.notes = []

    def accepted_versions(self):
        return {v for v, ok in self.versions.items() if ok}

    def accepted_codes(self, version):
        return {s.code for s in self.accepted.get(version, [])}

    def refused_codes(self, version):
        return {s.code for s in self.refused.get(version, [])}

    def all_accepted(self):
        return [s for v in self.accepted for s in self.accepted[v]]


def observe_versions(host, port, sni):
    versions = {}
    for v in VERSIONS:
        hs = s_client(host, port, sni, FLAG[v], "-cipher", LEVEL0)
        versions[v] = hs.ok and hs.version == v
    return versions


def _eliminate(host, port, sni, version, candidates):
    by_name = {s.openssl: s for s in candidates}
    remaining = list(candidates)
    accepted = []
    while remaining:
        names = ":".join(s.openssl for s in remaining)
        if version == "TLSv1.3":
            hs = s_client(host, port, sni, FLAG[version], "-ciphersuites", names)
        else:
            hs = s_client(host, port, sni, FLAG[version], "-cipher", names + ":@SECLEVEL=0")
        if not hs.ok:
            break
        if hs.version != version:
            raise AssertionError(f"{host}:{port}: asked for {version}, negotiated {hs.version}")
        suite = by_name.get(hs.cipher)
        if suite is None or suite not in remaining:
            raise AssertionError(f"{host}:{port} {version}: the server chose {hs.cipher}, which was not offered")
        accepted.append(suite)
        remaining.remove(suite)
    return accepted, remaining


def _order(host, port, sni, version, a, b):
    picks = []
    for first, second in ((a, b), (b, a)):
        if version == "TLSv1.3":
            hs = s_client(host, port, sni, FLAG[version], "-ciphersuites", f"{first.openssl}:{second.openssl}")
        else:
            hs = s_client(host, port, sni, FLAG[version], "-cipher", f"{first.openssl}:{second.openssl}:@SECLEVEL=0")
        picks.append(hs.cipher if hs.ok else None)
    if picks[0] and picks[0] == picks[1]:
        return "server"
    if picks == [a.openssl, b.openssl]:
        return "client"
    return "unknown"


def _gnutls_fragment(suite):
    """A GnuTLS priority fragment for an AES-GCM / ChaCha20 suite that OpenSSL names, or None."""
    m = re.match(r"TLS_(ECDHE_RSA|ECDHE_ECDSA|DHE_RSA|RSA)_WITH_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)_SHA\d+$",
                 suite.iana)
    if not m:
        return None
    kx = m.group(1).replace("_", "-")
    cipher = {"AES_128_GCM": "AES-128-GCM", "AES_256_GCM": "AES-256-GCM",
              "CHACHA20_POLY1305": "CHACHA20-POLY1305"}[m.group(2)]
    return kx, cipher, "AEAD"


def observe(endpoint, suites, with_suites=True):
    """Observes one endpoint (a dict from endpoints.json)."""
    host, port, sni = endpoint["host"], endpoint["port"], endpoint["sni"]
    o = Observed(endpoint["name"])
    start = getattr(_thread, "handshakes", 0)
    o.versions = observe_versions(host, port, sni)
    if with_suites:
        for v in VERSIONS:
            if not o.versions[v]:
                continue
            candidates = [s for s in suites if s.offered_in(v)]
            o.accepted[v], o.refused[v] = _eliminate(host, port, sni, v, candidates)
            if not o.accepted[v]:
                raise AssertionError(f"{o.name}: {v} handshakes complete, yet elimination found no suite")
            o.preference[v] = "unknown"
            if len(o.accepted[v]) >= 2:
                o.preference[v] = _order(host, port, sni, v, o.accepted[v][0], o.accepted[v][1])
        observe_3des(o, host, port, sni)
    o.handshakes = getattr(_thread, "handshakes", 0) - start
    return o


def observe_3des(o, host, port, sni):
    """Adds the 3DES suites gnutls-cli sees (accepted or refused) in every TLS <= 1.2 version accepted."""
    if not gnutls_cli_available():
        o.notes.append("gnutls-cli not installed: 3DES suites not observed")
        return
    for v in ("TLSv1", "TLSv1.1", "TLSv1.2"):
        if not o.versions.get(v):
            continue
        for kx, (iana, code) in GNUTLS_3DES.items():
            prio = f"NONE:+{GNUTLS_VERSION[v]}:+{kx}:+3DES-CBC:+SHA1:{GNUTLS_TAIL}"
            desc = gnutls_cli(host, port, sni, prio)
            suite = Suite(code, iana, None, "SSLv3", kx, kx)
            if desc and "(3DES-CBC)" in desc:
                o.accepted[v].append(suite)
            else:
                o.refused[v].append(suite)
        # Only gnutls-cli sees the 3DES suites: order them against an AEAD suite it can also name.
        triple = [s for s in o.accepted[v] if s.openssl is None]
        other = [(s, _gnutls_fragment(s)) for s in o.accepted[v] if s.openssl is not None]
        other = [(s, f) for s, f in other if f]
        if triple and other and o.preference.get(v) == "unknown":
            t, (s, (kx, cipher, mac)) = triple[0], other[0]
            tkx = next(k for k, (_, c) in GNUTLS_3DES.items() if c == t.code)
            picks = []
            for ciphers in ((cipher, "3DES-CBC"), ("3DES-CBC", cipher)):
                kxs = dict.fromkeys((kx, tkx))
                prio = (f"NONE:+{GNUTLS_VERSION[v]}:" + ":".join(f"+{k}" for k in kxs) + ":" +
                        ":".join(f"+{c}" for c in ciphers) + f":+{mac}:+SHA1:{GNUTLS_TAIL}")
                desc = gnutls_cli(host, port, sni, prio) or ""
                picks.append("3DES-CBC" if "(3DES-CBC)" in desc else cipher if f"({cipher})" in desc else None)
            if picks[0] and picks[0] == picks[1]:
                o.preference[v] = "server"
            elif picks == [cipher, "3DES-CBC"]:
                o.preference[v] = "client"


def observe_all(endpoints, with_suites=True, workers=4):
    """{name: Observed} for every endpoint, a few endpoints at a time."""
    suites = openssl_suites() if with_suites else []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {e["name"]: pool.submit(observe, e, suites, with_suites) for e in endpoints}
        return {name: f.result() for name, f in futures.items()}


# ---- properties of suites, from their IANA names (for the rule expectations) ----

def properties(iana):
    """The properties the lab profile's rules forbid, derived from an IANA suite name."""
    props = set()
    if iana.startswith("TLS_") and "_WITH_" not in iana:     # TLS 1.3: AEAD with (EC)DHE
        return props
    kx, _, cipher = iana[4:].partition("_WITH_")
    if cipher.startswith("NULL"):
        props.add("null")
    if "anon" in kx or kx.startswith("NULL"):
        props.add("anonymous")
    if "EXPORT" in iana:
        props.add("export")
    if "RC4" in cipher:
        props.add("rc4")
    if re.match(r"DES(40)?_CBC", cipher):
        props.add("des")
    if "3DES" in cipher:
        props.add("3des")
    if "_CBC" in "_" + cipher:
        props.add("cbc")
    if not re.match(r"(EC)?DHE_|(EC)?DH_anon", kx):
        props.add("no_forward_secrecy")
    return props


# ---- the lab profile's rules, judged from what the clients saw ----------------

RULES = ("LAB-TLS-VERSIONS", "LAB-TLS-WEAK", "LAB-TLS-FS", "LAB-TLS-CBC", "LAB-TLS-ORDER")
ALLOWED_VERSIONS = {"TLSv1.2", "TLSv1.3"}
WEAK = {"null", "anonymous", "export", "rc4", "des", "3des"}


def offending(o, rule):
    """What makes endpoint O fail RULE (versions or IANA suite names); empty when it passes."""
    if rule == "LAB-TLS-VERSIONS":
        return sorted(o.accepted_versions() - ALLOWED_VERSIONS)
    if rule == "LAB-TLS-ORDER":
        return sorted(v for v, p in o.preference.items() if p == "client")
    wanted = {"LAB-TLS-WEAK": WEAK, "LAB-TLS-FS": {"no_forward_secrecy"}, "LAB-TLS-CBC": {"cbc"}}[rule]
    return sorted({s.iana for s in o.all_accepted() if properties(s.iana) & wanted})


def expected_statuses(o):
    """{rule: set of acceptable statuses} for endpoint O.

    LAB-TLS-ORDER where no version showed two suites to one client (the server
    accepts a single suite): the server's order cannot be observed, so the rule
    may pass or be not_applicable, never fail."""
    expected = {}
    for rule in RULES:
        if offending(o, rule):
            expected[rule] = {"fail"}
        elif rule == "LAB-TLS-ORDER" and "server" not in o.preference.values():
            expected[rule] = {"pass", "not_applicable"}
        else:
            expected[rule] = {"pass"}
    return expected


def facts(report, target_id, probe):
    """The record of PROBE for TARGET_ID in REPORT ({status, data, ...}), or None."""
    for t in report["targets"]:
        if t["id"] == target_id:
            return t.get("facts", {}).get(probe)
    raise AssertionError(f"no target {target_id} in the report")
