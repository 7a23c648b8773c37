#!/usr/bin/env python3
"""legacy_tls_server: a recorded-response test server for legacy TLS and SSL.

It answers a client's first flight the way a server configured with one of the
PROFILES below would: an SSLv2 SERVER-HELLO, or a ServerHello with the version,
cipher suite, compression method and extensions that server would choose,
followed by its Certificate, ServerKeyExchange (ECDHE, DHE, or the 512-bit
RSA key of an RSA_EXPORT suite) and ServerHelloDone; or the alert that server
would send. It never completes a handshake: the messages are assembled from
fixed templates (tests/lab/fake_tls.py), there is no key exchange, and the
client's second flight gets a fatal handshake_failure alert. It exists because
no Debian 12 package serves SSLv2, SSLv3, export, single DES, IDEA, SEED,
RC4-only configurations or TLS compression (see /work/shared/LAB-NOTES.md), and
a scanner needs to see such servers' first answers.

Selection, as a real server does it:
  * version: the highest the profile speaks among those the client offers
    (supported_versions when sent, else every version up to client_version);
    none in common: a protocol_version alert (an SSLv2 CLIENT-HELLO to a server
    without SSLv2: the connection is closed);
  * suite: the first in the profile's order that the client offers, that is
    defined for the chosen version and, for ECDHE, has a group in common;
    none: a handshake_failure alert (SSLv2: the kinds in common, or an ERROR);
  * compression: the first of the profile's methods the client offers, else null;
  * extensions: the profile's, each only when the client asked for it.

Usage:
  legacy_tls_server.py --host 127.0.0.1 --port N --profile NAME --cert-chain PEM [--pidfile F]
  legacy_tls_server.py --describe NAME       the profile's configuration as JSON
  legacy_tls_server.py --check --host H --port N --profile NAME
                                             hello per version against a running server;
                                             exit 0 when it answers as the profile says

Standard library only. Binds loopback addresses only.
"""

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_tls as ft  # noqa: E402

SSL3, TLS10, TLS11, TLS12 = ft.SSL3, ft.TLS10, ft.TLS11, ft.TLS12


@dataclasses.dataclass(frozen=True)
class Suite:
    code: int
    name: str         # IANA name, as in checks/tls/wire/cipher_suite_table.inc
    kex: str          # RSA | RSA_EXPORT | DHE_RSA_EXPORT | ECDHE_RSA
    min_version: int
    max_version: int  # RFC 4346 §A.5 drops export suites after TLS 1.0; RFC 5246 §1.2 DES and IDEA after 1.1


SUITES = {s.code: s for s in (
    Suite(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "RSA_EXPORT", SSL3, TLS10),
    Suite(0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RSA", SSL3, TLS12),
    Suite(0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RSA", SSL3, TLS12),
    Suite(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", "RSA", SSL3, TLS11),
    Suite(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "RSA_EXPORT", SSL3, TLS10),
    Suite(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "RSA", SSL3, TLS11),
    Suite(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", SSL3, TLS12),
    Suite(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "DHE_RSA_EXPORT", SSL3, TLS10),
    Suite(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", SSL3, TLS12),
    Suite(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", "RSA", SSL3, TLS12),
    Suite(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE_RSA", TLS10, TLS12),
    Suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE_RSA", TLS12, TLS12),
)}

# SSLv2 CIPHER-KINDs (draft-hickman-netscape-ssl-00), named as in checks/tls/wire/iana_tables.cpp.
SSLV2_KINDS = {
    0x010080: "SSL_CK_RC4_128_WITH_MD5",
    0x020080: "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
    0x060040: "SSL_CK_DES_64_CBC_WITH_MD5",
    0x0700C0: "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
}

EXTENSIONS = ("renegotiation_info", "extended_master_secret", "session_ticket", "heartbeat", "ec_point_formats")
COMPRESSION_NAMES = {ft.COMPRESSION_DEFLATE: "deflate"}


@dataclasses.dataclass(frozen=True)
class Profile:
    description: str
    versions: tuple         # protocol versions spoken, oldest first
    suites: tuple           # TLS suites, server preference order
    sslv2_kinds: tuple = ()
    compression: tuple = ()  # methods chosen when offered, preference order (null is implied)
    extensions: tuple = ()   # of EXTENSIONS
    fallback_scsv: bool = False  # RFC 7507 honoured

    def suites_for(self, version):
        return [SUITES[c] for c in self.suites if SUITES[c].min_version <= version <= SUITES[c].max_version]


PROFILES = {
    "sslv2": Profile(
        "SSLv2 (four cipher kinds) and SSLv3 with static-RSA 3DES, RC4 and DES suites",
        (ft.SSL2, SSL3), (0x000A, 0x0005, 0x0009),
        sslv2_kinds=(0x010080, 0x0700C0, 0x020080, 0x060040)),
    "sslv3": Profile(
        "SSLv3 only, CBC and RC4 suites (POODLE)",
        (SSL3,), (0x002F, 0x000A, 0x0004)),
    "export": Profile(
        "TLS 1.0 only: export RSA and DHE suites, single DES, IDEA, SEED and AES128-SHA",
        (TLS10,), (0x0003, 0x0008, 0x0014, 0x0009, 0x0007, 0x0096, 0x002F),
        extensions=("renegotiation_info", "session_ticket")),
    "rc4": Profile(
        "TLS 1.0 to 1.2, RC4 suites only, no secure renegotiation (RFC 5746) extension",
        (TLS10, TLS11, TLS12), (0x0005, 0x0004, 0xC011),
        extensions=("session_ticket", "ec_point_formats")),
    "compression": Profile(
        "TLS 1.2, ECDHE-RSA AES-128-GCM and AES128-SHA, DEFLATE compression when offered (CRIME)",
        (TLS12,), (0xC02F, 0x002F), compression=(ft.COMPRESSION_DEFLATE,),
        extensions=("renegotiation_info", "extended_master_secret", "session_ticket", "ec_point_formats")),
}

# Signature schemes for a TLS 1.2 ServerKeyExchange signed with the RSA leaf, preference order;
# without signature_algorithms a TLS 1.2 client implies rsa_pkcs1_sha1 (RFC 5246 §7.4.1.4.1).
RSA_SCHEMES = (0x0401, 0x0501, 0x0601, 0x0201)

READ_TIMEOUT = 10.0  # seconds for the client's second flight


def hex_code(code):
    return f"0x{code:04x}" if code <= 0xFFFF else f"0x{code:06x}"


def describe(name):
    """The profile's configuration as endpoints.json's "configured" object."""
    p = PROFILES[name]
    return {
        "versions": [ft.VERSION_NAMES[v] for v in p.versions],
        "suites": {ft.VERSION_NAMES[v]: [{"name": s.name, "code": hex_code(s.code)} for s in p.suites_for(v)]
                   for v in p.versions if v != ft.SSL2},
        "sslv2_kinds": [{"name": SSLV2_KINDS[k], "code": hex_code(k)} for k in p.sslv2_kinds],
        "server_order": True,
        "compression": [COMPRESSION_NAMES[c] for c in p.compression],
        "extensions": list(p.extensions),
        "fallback_scsv": p.fallback_scsv,
        "description": p.description,
    }


class Server:
    """One profile's behaviour; handle() is the per-connection hook for fake_tls.serve()."""

    def __init__(self, profile, chain):
        self.profile = profile
        self.chain = chain
        self.rsa_export_key = ft.RsaExportKey(512) if any(SUITES[c].kex == "RSA_EXPORT" for c in profile.suites) else None
        self.dh_export_group = ft.DhGroup(512) if any(SUITES[c].kex == "DHE_RSA_EXPORT" for c in profile.suites) else None

    # ---- choices ----------------------------------------------------------------

    def choose_version(self, hello):
        spoken = [v for v in self.profile.versions if v != ft.SSL2]
        common = [v for v in hello.offered_versions() if v in spoken]
        return max(common) if common else None

    @staticmethod
    def choose_group(hello):
        if ft.EXT_SUPPORTED_GROUPS not in hello.extensions:
            return ft.GROUP_SECP256R1  # RFC 4492 §4: no extension, any curve the server likes
        groups = hello.supported_groups
        return next((g for g in ft.ECDHE_GROUPS if g in groups), None)

    def choose_suite(self, hello, version):
        for s in self.profile.suites_for(version):
            if s.code not in hello.suites:
                continue
            if s.kex == "ECDHE_RSA" and self.choose_group(hello) is None:
                continue
            return s
        return None

    def choose_compression(self, hello):
        return next((c for c in self.profile.compression if c in hello.compression), ft.COMPRESSION_NULL)

    # ---- answers ----------------------------------------------------------------

    def handle(self, sock, first):
        try:
            hello = ft.parse_client_hello(first)
        except ft.ParseError:
            if first[:1] == bytes([ft.HANDSHAKE]):
                ft.send_and_close(sock, ft.alert(ft.FATAL, ft.DECODE_ERROR, ft.TLS10))
            return
        if hello.is_sslv2 and hello.version == ft.SSL2:
            self.answer_sslv2(sock, hello)
            return
        try:
            self.answer_tls(sock, hello)
        except ft.ParseError:
            # A malformed extension (read lazily, when a choice needs it).
            ft.send_and_close(sock, ft.alert(ft.FATAL, ft.DECODE_ERROR, min(max(hello.version, SSL3), TLS12)))

    def answer_sslv2(self, sock, hello):
        if ft.SSL2 not in self.profile.versions:
            return  # a server without SSLv2 code closes on an SSLv2 CLIENT-HELLO
        kinds = [k for k in self.profile.sslv2_kinds if k in hello.sslv2_kinds]
        if not kinds:
            ft.send_and_close(sock, ft.sslv2_error(ft.SSL2_PE_NO_CIPHER))
            return
        sock.sendall(ft.sslv2_server_hello(self.chain[0], kinds))
        self.await_second_flight(sock, sslv2=True)

    def answer_tls(self, sock, hello):
        alert_version = min(max(hello.version, SSL3), TLS12)
        version = self.choose_version(hello)
        if version is None:
            ft.send_and_close(sock, ft.alert(ft.FATAL, ft.PROTOCOL_VERSION, alert_version))
            return
        spoken = [v for v in self.profile.versions if v != ft.SSL2]
        if self.profile.fallback_scsv and hello.offers_fallback_scsv and version < max(spoken):
            ft.send_and_close(sock, ft.alert(ft.FATAL, ft.INAPPROPRIATE_FALLBACK, version))
            return
        suite = self.choose_suite(hello, version)
        if suite is None:
            ft.send_and_close(sock, ft.alert(ft.FATAL, ft.HANDSHAKE_FAILURE, version))
            return
        messages = [self.server_hello(hello, version, suite), ft.certificate_msg(self.chain)]
        ske = self.server_key_exchange(hello, version, suite)
        if ske:
            messages.append(ske)
        messages.append(ft.server_hello_done_msg())
        sock.sendall(ft.handshake_record(version, *messages))
        self.await_second_flight(sock, version=version)

    def server_hello(self, hello, version, suite):
        ext = set(self.profile.extensions)
        extensions = None
        if hello.extensions or (hello.offers_reneg_scsv and "renegotiation_info" in ext):
            extensions = ft.server_extensions(
                hello,
                renegotiation_info="renegotiation_info" in ext,
                extended_master_secret="extended_master_secret" in ext and version > SSL3,
                session_ticket="session_ticket" in ext and version > SSL3,
                heartbeat=1 if "heartbeat" in ext and version > SSL3 else None,
                ec_point_formats="ec_point_formats" in ext and suite.kex.startswith("ECDHE"))
            extensions = extensions or None
        return ft.server_hello_msg(version, suite.code, session_id=os.urandom(32),
                                   compression=self.choose_compression(hello), extensions=extensions)

    def server_key_exchange(self, hello, version, suite):
        offered = hello.signature_algorithms
        scheme = next((s for s in RSA_SCHEMES if s in offered), 0x0201)
        kw = {"signature_scheme": scheme, "signature_length": 256}
        if suite.kex == "ECDHE_RSA":
            return ft.ecdhe_server_key_exchange_msg(version, self.choose_group(hello), **kw)
        if suite.kex == "DHE_RSA_EXPORT":
            return ft.dhe_server_key_exchange_msg(version, self.dh_export_group, **kw)
        if suite.kex == "RSA_EXPORT":
            # RFC 2246 §7.4.3: the certificate's key is longer than 512 bits, so a temporary one is sent.
            return ft.rsa_export_server_key_exchange_msg(version, self.rsa_export_key, **kw)
        return None

    @staticmethod
    def await_second_flight(sock, version=TLS12, sslv2=False):
        """A real server would read the client's key exchange now; this one cannot go on."""
        if sslv2:
            ft.send_and_close(sock, b"", linger=READ_TIMEOUT)
            return
        got = ft.read_record(sock, READ_TIMEOUT)
        ft.send_and_close(sock, ft.alert(ft.FATAL, ft.HANDSHAKE_FAILURE, version) if got else b"")


# ---- self-check against a running server ---------------------------------------------


def check(host, port, name, timeout=5.0):
    """Sends a hello per version (SSLv2 .. TLS 1.2) and checks the answers against profile
    NAME; returns a list of failure descriptions (empty when all is as configured)."""
    p = PROFILES[name]
    failures = []
    all_suites = sorted(SUITES)
    for version in (ft.SSL2, SSL3, TLS10, TLS11, TLS12):
        vname = ft.VERSION_NAMES[version]
        if version == ft.SSL2:
            a = ft.exchange(host, port, ft.build_sslv2_client_hello(sorted(SSLV2_KINDS)), timeout)
            if ft.SSL2 in p.versions:
                if a.kind != "sslv2_server_hello" or a.sslv2_kinds != list(p.sslv2_kinds):
                    failures.append(f"SSLv2: expected SERVER-HELLO with {list(map(hex, p.sslv2_kinds))}, got {a}")
            elif a.kind not in ("closed", "alert"):
                failures.append(f"SSLv2: expected no SSLv2 answer, got {a.kind}")
            continue
        # Offer only this version (no higher), every suite the table has.
        hello = ft.build_client_hello(version, all_suites + [ft.SCSV_RENEGOTIATION], server_name="demo.test",
                                      compression=(ft.COMPRESSION_DEFLATE, ft.COMPRESSION_NULL),
                                      extensions=None if version > SSL3 else [])
        a = ft.exchange(host, port, hello, timeout)
        lower = [v for v in p.versions if v != ft.SSL2 and v <= version]
        if not lower:
            if not (a.kind == "alert" and a.alert == (ft.FATAL, ft.PROTOCOL_VERSION)):
                failures.append(f"{vname}: expected a protocol_version alert, got {a.kind} {a.alert}")
            continue
        expect_version = max(lower)
        expect_suite = p.suites_for(expect_version)[0].code
        if a.kind != "server_hello" or a.version != expect_version or a.suite != expect_suite:
            failures.append(f"{vname}: expected ServerHello {ft.VERSION_NAMES[expect_version]} "
                            f"{hex_code(expect_suite)}, got {a.kind} {hex(a.version)} {hex_code(a.suite)} {a.detail}")
            continue
        expect_compression = p.compression[0] if p.compression else ft.COMPRESSION_NULL
        if a.compression != expect_compression:
            failures.append(f"{vname}: compression {a.compression}, expected {expect_compression}")
        types = [t for t, _ in a.messages]
        if ft.CERTIFICATE not in types or types[-1] != ft.SERVER_HELLO_DONE:
            failures.append(f"{vname}: flight after the ServerHello is {types}")
        reneg = ft.EXT_RENEGOTIATION_INFO in a.extensions
        if reneg != ("renegotiation_info" in p.extensions):
            failures.append(f"{vname}: renegotiation_info {'present' if reneg else 'absent'}, "
                            f"configured {'renegotiation_info' in p.extensions}")
    return failures


# ---- main -----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--profile", choices=sorted(PROFILES))
    parser.add_argument("--cert-chain", help="PEM file: leaf first, then its issuers")
    parser.add_argument("--pidfile", help="write our pid here once listening")
    parser.add_argument("--describe", metavar="PROFILE", choices=sorted(PROFILES),
                        help="print PROFILE's configuration as JSON and exit")
    parser.add_argument("--check", action="store_true", help="check a running server against --profile")
    args = parser.parse_args(argv)
    if args.describe:
        return args
    if not args.profile or args.port is None:
        parser.error("--profile and --port are required")
    if not args.check and not args.cert_chain:
        parser.error("--cert-chain is required to serve")
    return args


def main(argv):
    args = parse_args(argv)
    if args.describe:
        print(json.dumps(describe(args.describe)))
        return 0
    ft.require_loopback(args.host)
    if args.check:
        failures = check(args.host, args.port, args.profile)
        for f in failures:
            print(f"{args.profile} {args.host}:{args.port}: {f}", file=sys.stderr)
        return 1 if failures else 0

    server = Server(PROFILES[args.profile], ft.load_pem_chain(args.cert_chain))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def ready():
        if args.pidfile:
            with open(args.pidfile, "w", encoding="ascii") as f:
                f.write(f"{os.getpid()}\n")

    try:
        ft.serve(args.host, args.port, server.handle, ready=ready, stop=stop)
    except OSError as e:
        print(f"legacy_tls_server: {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    finally:
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
