#!/usr/bin/env python3
"""vuln_tls_server: a recorded-response test server modelling vulnerable TLS servers.

No Debian 12 package ships a TLS library with Heartbleed, CCS injection, a
Bleichenbacher (ROBOT) oracle or Ticketbleed (see /work/shared/LAB-NOTES.md),
so the positive cases of conformscan's vulnerability tests are served by this
file. It answers a ClientHello with assembled server messages (ServerHello,
Certificate, ServerHelloDone: tests/lab/fake_tls.py) and then reacts to the
client's next records the way the modelled server did:

  heartbleed   heartbeat extension echoed; a heartbeat_request whose
               payload_length exceeds its payload is answered with
               payload_length bytes: the payload, then synthetic "memory"
               (CVE-2014-0160, OpenSSL 1.0.1-1.0.1f);
  ccs          an early ChangeCipherSpec is accepted silently; the next record
               then fails "decryption" under the null master secret:
               alert bad_record_mac (CVE-2014-0224, OpenSSL before 1.0.1h);
               the heartbeat extension is echoed but malformed requests are
               discarded silently, as RFC 6520 §4 requires (the patched case);
  robot        RSA key transport; the ClientKeyExchange is decrypted with the
               certificate's private key (python3-cryptography) and a plaintext
               that is not PKCS #1 v1.5 conformant is refused at once with
               handshake_failure, while a conformant one is refused only after
               the Finished with bad_record_mac: a Bleichenbacher oracle;
  ticketbleed  a ClientHello carrying a session ticket and a session id shorter
               than 32 bytes is answered with a 32-byte session id: the client's
               bytes, then synthetic "memory" (CVE-2016-9244, F5 BIG-IP); every
               other hello gets a real TLS 1.2 handshake (Python's ssl, i.e. the
               system OpenSSL), which issues the tickets the scanner then sends;
  patched      a real TLS 1.2 server (Python's ssl) with session tickets: the
               patched counterpart of ticketbleed, and a second real stack for
               CCS and ROBOT.

The fake profiles speak TLS 1.0 to 1.2 with the RSA key-transport suites
AES128-SHA, AES256-SHA and AES128-GCM-SHA256 (TLS 1.2), renegotiation_info
when asked, and TLS_FALLBACK_SCSV. Outside its modelled flaw each profile
behaves like a patched server: an early ChangeCipherSpec gets
unexpected_message, every ClientKeyExchange variant the same bad_record_mac
after the Finished, an oversized heartbeat silence.

Usage:
  vuln_tls_server.py --host 127.0.0.1 --port N --profile NAME --cert-chain PEM --key PEM [--pidfile F]
  vuln_tls_server.py --check --host H --port N --profile NAME
                      exercise the modelled behaviour against a running server; exit 0 when present

Binds loopback addresses only. Every read is bounded in size and time.
"""

import argparse
import os
import signal
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_tls as ft  # noqa: E402

TLS10, TLS11, TLS12, TLS13 = ft.TLS10, ft.TLS11, ft.TLS12, ft.TLS13

PROFILES = ("heartbleed", "ccs", "robot", "ticketbleed", "patched")

# Server order; (code, minimum version).
SUITES = ((0x002F, TLS10), (0x0035, TLS10), (0x009C, TLS12))
VERSIONS = (TLS10, TLS11, TLS12)

BAD_RECORD_MAC = 20
HANDSHAKE_FAILURE = ft.HANDSHAKE_FAILURE
UNEXPECTED_MESSAGE = ft.UNEXPECTED_MESSAGE
CLIENT_KEY_EXCHANGE = 16
HEARTBEAT_REQUEST, HEARTBEAT_RESPONSE = 1, 2

RECORD_TIMEOUT = 10.0  # seconds a client may stay silent between records
MAX_RECORDS = 16       # records read after the first flight before hanging up
FAKE_MEMORY = b"fake-server-memory:session-key=00112233;password=hunter2;"


def fake_memory(n):
    """N bytes standing for leaked process memory: synthetic and recognisable."""
    return (FAKE_MEMORY * (n // len(FAKE_MEMORY) + 1))[:n]


class FakeServer:
    """A profile's first flight and its reactions to the client's later records."""

    def __init__(self, profile, chain, private_key):
        self.profile = profile
        self.chain = chain
        self.key = private_key  # cryptography RSAPrivateKey, for the robot profile

    # ---- first flight ------------------------------------------------------------

    def choose_version(self, client):
        offered = client.offered_versions
        offered = offered() if callable(offered) else offered
        offered = [v for v in VERSIONS if v in offered]
        return max(offered) if offered else None

    def choose_suite(self, client, version):
        for code, minimum in SUITES:
            if code in client.suites and version >= minimum:
                return code
        return None

    def first_flight(self, client):
        """(bytes to send, version or None when the connection ends after them)."""
        if client.is_sslv2:
            return b"", None
        version = self.choose_version(client)
        record_version = min(client.record_version, TLS12) if client.record_version >= TLS10 else TLS10
        if version is None:
            return ft.alert(ft.FATAL, ft.PROTOCOL_VERSION, record_version), None
        # RFC 7507 §3: a fallback hello below our highest version.
        if client.offers_fallback_scsv and version < max(VERSIONS):
            return ft.alert(ft.FATAL, ft.INAPPROPRIATE_FALLBACK, version), None
        suite = self.choose_suite(client, version)
        if suite is None:
            return ft.alert(ft.FATAL, HANDSHAKE_FAILURE, version), None
        heartbeat = 1 if self.profile in ("heartbleed", "ccs") else None
        extensions = ft.server_extensions(client, renegotiation_info=True, heartbeat=heartbeat)
        flight = (ft.server_hello(version, suite, session_id=os.urandom(32), extensions=extensions) +
                  ft.certificate(self.chain, version) + ft.server_hello_done(version))
        return flight, version

    # ---- after the first flight ----------------------------------------------------

    def handle(self, sock, first):
        client = ft.parse_client_hello(first)
        flight, version = self.first_flight(client)
        if version is None:
            ft.send_and_close(sock, flight)
            return
        sock.sendall(flight)
        state = "flight_done"
        for _ in range(MAX_RECORDS):
            rec = ft.read_record(sock, RECORD_TIMEOUT)
            if rec is None:
                return
            answer, state, close = self.react(rec, state, version)
            if close:
                ft.send_and_close(sock, answer)
                return
            if answer:
                sock.sendall(answer)

    def react(self, rec, state, version):
        """(bytes to send, the next state, whether to close after sending)."""
        if rec.type == ft.HEARTBEAT:
            return self.heartbeat(rec.payload, version), state, False
        if state == "ccs_accepted":
            # CVE-2014-0224: keys from an empty master secret; nothing the client sends decrypts.
            return ft.alert(ft.FATAL, BAD_RECORD_MAC, version), state, True
        if rec.type == ft.CHANGE_CIPHER_SPEC:
            if state == "flight_done":
                if self.profile == "ccs":
                    return b"", "ccs_accepted", False
                return ft.alert(ft.FATAL, UNEXPECTED_MESSAGE, version), state, True
            if state == "key_exchanged":
                return b"", "client_ccs", False
        if rec.type == ft.HANDSHAKE:
            if state == "client_ccs":
                # The client's Finished, encrypted under keys we cannot share with it.
                return ft.alert(ft.FATAL, BAD_RECORD_MAC, version), state, True
            if state == "flight_done" and rec.payload[:1] == bytes([CLIENT_KEY_EXCHANGE]):
                if self.profile == "robot" and not self.pkcs1_conformant(rec.payload, version):
                    return ft.alert(ft.FATAL, HANDSHAKE_FAILURE, version), state, True
                return b"", "key_exchanged", False
        return ft.alert(ft.FATAL, UNEXPECTED_MESSAGE, version), state, True

    def heartbeat(self, payload, version):
        """RFC 6520 §4: a request whose payload_length exceeds what it carries is discarded
        silently, except by a Heartbleed server, which copies payload_length bytes."""
        if len(payload) < 3 or payload[0] != HEARTBEAT_REQUEST:
            return b""
        claimed = int.from_bytes(payload[1:3], "big")
        carried = payload[3:]
        if claimed + 16 <= len(carried):  # well formed: payload and at least 16 bytes of padding
            body = bytes([HEARTBEAT_RESPONSE]) + claimed.to_bytes(2, "big") + carried[:claimed] + os.urandom(16)
            return ft.record(ft.HEARTBEAT, version, body)
        if self.profile != "heartbleed" or claimed <= len(carried):
            return b""
        leaked = carried + fake_memory(claimed - len(carried))
        body = bytes([HEARTBEAT_RESPONSE]) + claimed.to_bytes(2, "big") + leaked + os.urandom(16)
        return ft.record(ft.HEARTBEAT, version, body)

    def pkcs1_conformant(self, message, version):
        """RFC 8017 §7.2.2 step 3, without the constant-time care it asks for: the
        header 00 02, at least 8 non-zero padding bytes, then a 00 separator."""
        body = message[4:]
        if version != ft.SSL3 and len(body) >= 2:
            body = body[2:2 + int.from_bytes(body[:2], "big")]
        numbers = self.key.private_numbers()
        n, d = numbers.public_numbers.n, numbers.d
        k = (n.bit_length() + 7) // 8
        if len(body) != k:
            return False
        block = pow(int.from_bytes(body, "big"), d, n).to_bytes(k, "big")
        if block[:2] != b"\x00\x02":
            return False
        separator = block.find(b"\x00", 2)
        return separator >= 10


# ---- real handshakes (Python's ssl over memory BIOs) -----------------------------------


class RealServer:
    """A real TLS 1.2 handshake by the system OpenSSL, fed the ClientHello that
    fake_tls.serve() already read, with session tickets on (RFC 5077)."""

    def __init__(self, chain_path, key_path):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.context.set_ciphers("ECDHE+AESGCM:AES128-SHA:AES256-SHA:AES128-GCM-SHA256")
        self.context.load_cert_chain(chain_path, key_path)

    def handle(self, sock, first, timeout=RECORD_TIMEOUT):
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self.context.wrap_bio(incoming, outgoing, server_side=True)
        incoming.write(first)
        deadline = time.monotonic() + timeout
        received = len(first)
        while time.monotonic() < deadline and received < 256 * 1024:
            try:
                tls.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                done = False
            except (ssl.SSLError, OSError):
                self._flush(sock, outgoing)
                return
            self._flush(sock, outgoing)
            if done:
                break
            data = self._recv(sock, deadline)
            if not data:
                return
            received += len(data)
            incoming.write(data)
        # Handshake complete: wait for the client's close_notify or hang-up.
        while time.monotonic() < deadline:
            data = self._recv(sock, deadline)
            if not data:
                return
            incoming.write(data)
            try:
                tls.read(4096)
            except ssl.SSLWantReadError:
                continue
            except (ssl.SSLError, OSError):
                return
            self._flush(sock, outgoing)

    @staticmethod
    def _flush(sock, outgoing):
        data = outgoing.read()
        if data:
            sock.sendall(data)

    @staticmethod
    def _recv(sock, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return b""
        sock.settimeout(left)
        try:
            return sock.recv(16384)
        except (OSError, ValueError):
            return b""


class TicketbleedServer:
    """Ticketbleed on the resumption path, a real handshake everywhere else."""

    def __init__(self, real, vulnerable):
        self.real = real
        self.vulnerable = vulnerable

    def handle(self, sock, first):
        client = ft.parse_client_hello(first)
        ticket = client.extensions.get(ft.EXT_SESSION_TICKET, b"")
        if self.vulnerable and ticket and 0 < len(client.session_id) < 32 and not client.is_sslv2:
            version = min(client.version, TLS12)
            session_id = client.session_id + fake_memory(32 - len(client.session_id))
            suite = client.suites[0] if client.suites else 0x002F
            # Resumption (RFC 5077 §3.1): ServerHello, ChangeCipherSpec, Finished.
            flight = (ft.server_hello(version, suite, session_id=session_id) +
                      ft.record(ft.CHANGE_CIPHER_SPEC, version, b"\x01") +
                      ft.record(ft.HANDSHAKE, version, os.urandom(40)))
            ft.send_and_close(sock, flight)
            return
        self.real.handle(sock, first)


# ---- check -------------------------------------------------------------------------


def _client_hello(extensions_extra=(), session_id=b""):
    ext = [(ft.EXT_RENEGOTIATION_INFO, b"\x00")] + list(extensions_extra)
    return ft.build_client_hello(TLS12, [s for s, _ in SUITES], extensions=ext, session_id=session_id)


def _first_flight(host, port, hello):
    import socket
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(hello)
    answer = ft.read_server_answer(sock, 5)
    return sock, answer


def check(host, port, profile):
    """Failures (empty when the server shows PROFILE's behaviour)."""
    failures = []
    if profile == "heartbleed":
        sock, a = _first_flight(host, port, _client_hello([(ft.EXT_HEARTBEAT, b"\x01")]))
        with sock:
            sock.sendall(ft.record(ft.HEARTBEAT, TLS12, b"\x01\x10\x00" + b"ABCD"))
            rec = ft.read_record(sock, 5)
            if rec is None or rec.type != ft.HEARTBEAT or len(rec.payload) < 3 + 0x1000:
                failures.append(f"no over-long heartbeat response ({a.kind}, {rec and rec.type})")
    elif profile == "ccs":
        sock, a = _first_flight(host, port, _client_hello())
        with sock:
            ccs = ft.record(ft.CHANGE_CIPHER_SPEC, TLS12, b"\x01")
            sock.sendall(ccs + ccs)
            rec = ft.read_record(sock, 5)
            if rec is None or rec.type != ft.ALERT or rec.payload[1:2] != bytes([BAD_RECORD_MAC]):
                failures.append(f"early CCS not accepted ({a.kind}, {rec})")
    elif profile == "robot":
        from cryptography import x509
        sock, a = _first_flight(host, port, _client_hello())
        with sock:
            certs = [body for t, body in a.messages if t == ft.CERTIFICATE]
            if not certs:
                return [f"no Certificate ({a.kind} {a.detail})"]
            der = certs[0][6:6 + int.from_bytes(certs[0][3:6], "big")]
            k = (x509.load_der_x509_certificate(der).public_key().key_size + 7) // 8
            # All zeros decrypts to zero: not PKCS #1 conformant.
            cke = bytes([CLIENT_KEY_EXCHANGE]) + (k + 2).to_bytes(3, "big") + k.to_bytes(2, "big") + bytes(k)
            sock.sendall(ft.record(ft.HANDSHAKE, TLS12, cke))
            rec = ft.read_record(sock, 5)
            if rec is None or rec.type != ft.ALERT or rec.payload[1:2] != bytes([HANDSHAKE_FAILURE]):
                failures.append(f"non-conformant ClientKeyExchange not refused at once ({rec})")
    elif profile in ("ticketbleed", "patched"):
        sock, a = _first_flight(host, port, ft.build_client_hello(
            TLS12, [0xC02F, 0x002F], extensions=[(ft.EXT_SESSION_TICKET, b"\x00" * 64)],
            session_id=b"\xa0" * 16))
        sock.close()
        leaked = a.kind == "server_hello" and len(a.session_id) == 32 and a.session_id[:16] == b"\xa0" * 16
        if leaked != (profile == "ticketbleed"):
            failures.append(f"ticket hello answered with {a.kind}, session id {a.session_id.hex()}")
    return failures


# ---- main --------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--profile", choices=PROFILES, required=True)
    parser.add_argument("--cert-chain", help="PEM file: leaf first, then its issuers")
    parser.add_argument("--key", help="PEM private key of the leaf")
    parser.add_argument("--pidfile", help="write our pid here once listening")
    parser.add_argument("--check", action="store_true", help="check a running server against --profile")
    args = parser.parse_args(argv)
    if not args.check and (not args.cert_chain or not args.key):
        parser.error("--cert-chain and --key are required to serve")
    return args


def make_handler(profile, chain_path, key_path):
    if profile in ("ticketbleed", "patched"):
        return TicketbleedServer(RealServer(chain_path, key_path), profile == "ticketbleed").handle
    private_key = None
    if profile == "robot":
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
        with open(key_path, "rb") as f:
            private_key = load_pem_private_key(f.read(), password=None)
    return FakeServer(profile, ft.load_pem_chain(chain_path), private_key).handle


def main(argv):
    args = parse_args(argv)
    ft.require_loopback(args.host)
    if args.check:
        try:
            failures = check(args.host, args.port, args.profile)
        except (OSError, ft.ParseError) as e:
            failures = [f"{type(e).__name__}: {e}"]
        for f in failures:
            print(f"{args.profile} {args.host}:{args.port}: {f}", file=sys.stderr)
        return 1 if failures else 0

    handler = make_handler(args.profile, args.cert_chain, args.key)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def ready():
        if args.pidfile:
            with open(args.pidfile, "w", encoding="ascii") as f:
                f.write(f"{os.getpid()}\n")

    try:
        ft.serve(args.host, args.port, handler, ready=ready, stop=stop)
    except OSError as e:
        print(f"vuln_tls_server: {args.host}:{args.port}: {e}", file=sys.stderr)
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
