"""fake_tls: parse a TLS/SSL client's first flight and build server messages.

A library for *recorded-response test servers*: lab servers that answer a
ClientHello with assembled server messages (ServerHello, Certificate,
ServerKeyExchange, ServerHelloDone, alerts, SSLv2 SERVER-HELLO) so that a
scanner can see what a server *would* negotiate. Nothing here completes a
handshake: there is no key exchange, no record protection, no Finished. It
exists for behaviour no Debian 12 package can serve (SSLv2, SSLv3, export,
single DES, IDEA, SEED, TLS compression, vulnerable extensions; see
/work/shared/LAB-NOTES.md). Standard library only; loopback only.

Stable API (other lab servers import it; keep these signatures):

  parse_client_hello(data: bytes) -> ClientHello
      DATA is the client's raw first bytes: TLS handshake record(s) holding a
      complete ClientHello (SSLv3 .. TLS 1.3 layout, fragmented or not), or one
      SSLv2 record (2- or 3-byte header) holding a CLIENT-HELLO. Raises
      ParseError on anything else. ClientHello fields:
        record_version  int     the record layer version (0x0002 for SSLv2 records)
        version         int     client_version (legacy_version)
        random          bytes   32 bytes (SSLv2: the challenge, left-padded to 32)
        session_id      bytes
        suites          list[int]   TLS cipher suites (SSLv2: kinds 0x00XXXX mapped to XXXX)
        compression     list[int]   compression methods (SSLv2: [0])
        extensions      dict[int, bytes]   extension type -> data (first occurrence)
        extension_order list[int]   as sent
        is_sslv2        bool    the hello came in SSLv2 CLIENT-HELLO format
        sslv2_kinds     list[int]   3-byte CIPHER-KINDs of an SSLv2 hello (else [])
      and derived properties: supported_versions, supported_groups,
      signature_algorithms, ec_point_formats, server_name, has_key_share,
      key_share_groups, heartbeat_mode, has_session_ticket, has_renegotiation_info,
      has_extended_master_secret, offers_fallback_scsv, offers_reneg_scsv.

  server_hello(version, suite, *, random=None, session_id=b"", compression=0,
               extensions=None, record_version=None) -> bytes     (one record)
      EXTENSIONS: list of (type, data) pairs, in order; see server_extensions().
  certificate(chain_der_list, version) -> bytes                   (one record)
  server_hello_done(version) -> bytes                             (one record)
  alert(level, desc, version) -> bytes                            (one record)
  read_record(sock, timeout, max_length=MAX_RECORD) -> Record | None
      One TLS record (type, version, payload, raw); None on EOF or timeout.
  serve(host, port, handler, **options)
      Threaded TCP server on HOST (loopback only) calling handler(sock, first_bytes)
      per connection in its own thread; FIRST_BYTES is the client's complete first
      message as read by read_first_message() (what parse_client_hello takes).
      A client whose first message is incomplete, oversized or neither TLS nor
      SSLv2 is closed without calling the handler. The handler owns SOCK until it
      returns (serve() closes it then); its timeout is whatever the last read left,
      so set your own or read through read_record() / send_and_close().

More builders share the naming: *_msg() functions return a bare handshake
message (4-byte header + body) so several can be packed into one record with
handshake_record(); ecdhe_server_key_exchange(), dhe_server_key_exchange(),
rsa_export_server_key_exchange(), sslv2_server_hello(), sslv2_error(),
change_cipher_spec(), load_pem_chain(), send_and_close(). For test clients:
build_client_hello(), build_sslv2_client_hello(), read_server_answer(), exchange().

Every read is bounded in size and time: a client that sends too much, too
little or nothing is dropped, never waited on for ever.
"""

import base64
import collections
import dataclasses
import ipaddress
import os
import secrets
import socket
import struct
import sys
import threading
import time

# ---- constants ----------------------------------------------------------------

SSL2 = 0x0002
SSL3 = 0x0300
TLS10 = 0x0301
TLS11 = 0x0302
TLS12 = 0x0303
TLS13 = 0x0304

VERSION_NAMES = {SSL2: "SSLv2", SSL3: "SSLv3", TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2",
                 TLS13: "TLSv1.3"}
VERSIONS_BY_NAME = {v: k for k, v in VERSION_NAMES.items()}

# Record content types (RFC 5246 §6.2.1, RFC 6520).
CHANGE_CIPHER_SPEC = 20
ALERT = 21
HANDSHAKE = 22
APPLICATION_DATA = 23
HEARTBEAT = 24

# Handshake message types (RFC 5246 §7.4).
CLIENT_HELLO = 1
SERVER_HELLO = 2
CERTIFICATE = 11
SERVER_KEY_EXCHANGE = 12
SERVER_HELLO_DONE = 14

# Alerts (RFC 5246 §7.2, RFC 7507).
WARNING = 1
FATAL = 2
CLOSE_NOTIFY = 0
UNEXPECTED_MESSAGE = 10
HANDSHAKE_FAILURE = 40
ILLEGAL_PARAMETER = 47
DECODE_ERROR = 50
PROTOCOL_VERSION = 70
INTERNAL_ERROR = 80
INAPPROPRIATE_FALLBACK = 86

# Extension types.
EXT_SERVER_NAME = 0
EXT_STATUS_REQUEST = 5
EXT_SUPPORTED_GROUPS = 10
EXT_EC_POINT_FORMATS = 11
EXT_SIGNATURE_ALGORITHMS = 13
EXT_HEARTBEAT = 15
EXT_ALPN = 16
EXT_PADDING = 21
EXT_ENCRYPT_THEN_MAC = 22
EXT_EXTENDED_MASTER_SECRET = 23
EXT_SESSION_TICKET = 35
EXT_SUPPORTED_VERSIONS = 43
EXT_PSK_KEY_EXCHANGE_MODES = 45
EXT_KEY_SHARE = 51
EXT_RENEGOTIATION_INFO = 0xFF01

EXTENSION_NAMES = {
    EXT_RENEGOTIATION_INFO: "renegotiation_info", EXT_EXTENDED_MASTER_SECRET: "extended_master_secret",
    EXT_SESSION_TICKET: "session_ticket", EXT_HEARTBEAT: "heartbeat", EXT_EC_POINT_FORMATS: "ec_point_formats",
    EXT_ENCRYPT_THEN_MAC: "encrypt_then_mac", EXT_STATUS_REQUEST: "status_request", EXT_ALPN: "alpn",
}

SCSV_RENEGOTIATION = 0x00FF  # RFC 5746 §3.3
SCSV_FALLBACK = 0x5600       # RFC 7507

# Named groups (RFC 8422, RFC 7748).
GROUP_SECP256R1 = 23
GROUP_X25519 = 29

# Compression methods (RFC 3749).
COMPRESSION_NULL = 0
COMPRESSION_DEFLATE = 1

# SSLv2 (draft-hickman-netscape-ssl-00).
SSL2_MT_ERROR = 0
SSL2_MT_CLIENT_HELLO = 1
SSL2_MT_SERVER_HELLO = 4
SSL2_PE_NO_CIPHER = 0x0001
SSL2_CT_X509_CERTIFICATE = 1

# Bounds.
MAX_RECORD = (1 << 14) + 2048  # RFC 5246 §6.2.3: TLSCiphertext.length <= 2^14 + 2048
MAX_HELLO = 64 * 1024          # a first flight far larger than this is not a ClientHello
MAX_FRAGMENT = 1 << 14

# ---- errors and byte reading ------------------------------------------------------


class ParseError(ValueError):
    """Malformed input; the message says what and where."""


class Reader:
    """A bounded cursor over bytes: every read is checked against what is left."""

    def __init__(self, data, where):
        self.data = bytes(data)
        self.pos = 0
        self.where = where

    def left(self):
        return len(self.data) - self.pos

    def done(self):
        return self.pos == len(self.data)

    def take(self, n, what="bytes"):
        if n < 0 or n > self.left():
            raise ParseError(f"{self.where}.{what}: need {n} bytes at offset {self.pos}, {self.left()} left")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def uint(self, size, what="int"):
        return int.from_bytes(self.take(size, what), "big")

    def vector(self, len_size, what="vector"):
        return self.take(self.uint(len_size, what + ".length"), what)

    def expect_done(self):
        if not self.done():
            raise ParseError(f"{self.where}: {self.left()} trailing bytes at offset {self.pos}")


def u8(n):
    return struct.pack(">B", n)


def u16(n):
    return struct.pack(">H", n)


def u24(n):
    return struct.pack(">I", n)[1:]


def vec(len_size, data):
    """DATA with a big-endian length prefix of LEN_SIZE bytes."""
    data = bytes(data)
    if len(data) >= 1 << (8 * len_size):
        raise ValueError(f"{len(data)} bytes do not fit a {len_size}-byte length")
    return len(data).to_bytes(len_size, "big") + data


# ---- ClientHello ------------------------------------------------------------------


@dataclasses.dataclass
class ClientHello:
    record_version: int = 0
    version: int = 0
    random: bytes = b""
    session_id: bytes = b""
    suites: list = dataclasses.field(default_factory=list)
    compression: list = dataclasses.field(default_factory=list)
    extensions: dict = dataclasses.field(default_factory=dict)
    extension_order: list = dataclasses.field(default_factory=list)
    is_sslv2: bool = False
    sslv2_kinds: list = dataclasses.field(default_factory=list)

    def _u16_list(self, ext_type, len_size=2):
        data = self.extensions.get(ext_type)
        if data is None:
            return []
        r = Reader(data, f"extension {ext_type}")
        body = Reader(r.vector(len_size), f"extension {ext_type}")
        r.expect_done()
        if body.left() % 2:
            raise ParseError(f"extension {ext_type}: odd list length")
        return [body.uint(2) for _ in range(body.left() // 2)]

    @property
    def supported_versions(self):
        """RFC 8446 §4.2.1 versions, in the client's order ([] without the extension)."""
        return self._u16_list(EXT_SUPPORTED_VERSIONS, 1)

    @property
    def supported_groups(self):
        return self._u16_list(EXT_SUPPORTED_GROUPS)

    @property
    def signature_algorithms(self):
        return self._u16_list(EXT_SIGNATURE_ALGORITHMS)

    @property
    def ec_point_formats(self):
        data = self.extensions.get(EXT_EC_POINT_FORMATS)
        if data is None:
            return []
        r = Reader(data, "ec_point_formats")
        return list(r.vector(1))

    @property
    def server_name(self):
        """The first host_name of the SNI extension, or None."""
        data = self.extensions.get(EXT_SERVER_NAME)
        if not data:
            return None
        r = Reader(Reader(data, "server_name").vector(2), "server_name.list")
        while not r.done():
            kind = r.uint(1)
            name = r.vector(2)
            if kind == 0:
                return name.decode("ascii", "replace")
        return None

    @property
    def has_key_share(self):
        return EXT_KEY_SHARE in self.extensions

    @property
    def key_share_groups(self):
        data = self.extensions.get(EXT_KEY_SHARE)
        if data is None:
            return []
        r = Reader(Reader(data, "key_share").vector(2), "key_share.client_shares")
        groups = []
        while not r.done():
            groups.append(r.uint(2))
            r.vector(2)
        return groups

    @property
    def heartbeat_mode(self):
        """RFC 6520 HeartbeatMode the client sent (1 or 2), or None without the extension."""
        data = self.extensions.get(EXT_HEARTBEAT)
        return data[0] if data else None

    @property
    def has_session_ticket(self):
        return EXT_SESSION_TICKET in self.extensions

    @property
    def has_renegotiation_info(self):
        return EXT_RENEGOTIATION_INFO in self.extensions

    @property
    def has_extended_master_secret(self):
        return EXT_EXTENDED_MASTER_SECRET in self.extensions

    @property
    def offers_fallback_scsv(self):
        return SCSV_FALLBACK in self.suites

    @property
    def offers_reneg_scsv(self):
        return SCSV_RENEGOTIATION in self.suites

    def offered_versions(self):
        """The versions this client can take: its supported_versions when sent, else every
        version from SSLv3 (SSLv2 for a pure SSLv2 hello) up to client_version."""
        if self.is_sslv2 and self.version == SSL2:
            return [SSL2]
        sv = [v for v in self.supported_versions if v in VERSION_NAMES]
        if sv:
            return sv
        return [v for v in (SSL3, TLS10, TLS11, TLS12) if v <= self.version]


def sslv2_header(data):
    """(header_length, body_length, padding) of an SSLv2 record at the start of DATA, or None
    when DATA starts like a TLS record. Raises ParseError when fewer than 3 bytes are given
    and the form cannot be told."""
    if len(data) < 2:
        raise ParseError("record header: fewer than 2 bytes")
    b0 = data[0]
    if b0 & 0x80:
        return 2, ((b0 & 0x7F) << 8) | data[1], 0
    if len(data) < 3:
        raise ParseError("record header: fewer than 3 bytes")
    if CHANGE_CIPHER_SPEC <= b0 <= HEARTBEAT and data[1] == 0x03:
        return None  # a TLS record: content type, then version major 3
    return 3, ((b0 & 0x3F) << 8) | data[1], data[2]


def _parse_sslv2_client_hello(data):
    form = sslv2_header(data)
    if form is None:
        raise ParseError("not an SSLv2 record")
    header, length, padding = form
    if len(data) < header + length:
        raise ParseError(f"SSLv2 record: {header + length} bytes announced, {len(data)} given")
    body = data[header:header + length - padding] if padding <= length else b""
    r = Reader(body, "SSLv2ClientHello")
    if r.uint(1, "msg_type") != SSL2_MT_CLIENT_HELLO:
        raise ParseError("SSLv2 record is not a CLIENT-HELLO")
    hello = ClientHello(record_version=SSL2, is_sslv2=True, compression=[COMPRESSION_NULL])
    hello.version = r.uint(2, "version")
    specs_len = r.uint(2, "cipher_specs_length")
    sid_len = r.uint(2, "session_id_length")
    challenge_len = r.uint(2, "challenge_length")
    if specs_len % 3:
        raise ParseError("SSLv2ClientHello: cipher specs length is not a multiple of 3")
    if sid_len not in (0, 16, 32) or not 16 <= challenge_len <= 32:
        raise ParseError("SSLv2ClientHello: bad session id or challenge length")
    specs = Reader(r.take(specs_len, "cipher_specs"), "SSLv2ClientHello.cipher_specs")
    hello.sslv2_kinds = [specs.uint(3) for _ in range(specs_len // 3)]
    hello.session_id = r.take(sid_len, "session_id")
    challenge = r.take(challenge_len, "challenge")
    r.expect_done()
    # RFC 5246 §E.2: the challenge is the random, right-aligned; kinds 0x00XXXX are TLS suites.
    hello.random = challenge.rjust(32, b"\0")
    hello.suites = [k for k in hello.sslv2_kinds if k <= 0xFFFF]
    return hello


def _handshake_bytes(data):
    """The concatenated payload of the leading handshake records of DATA, enough for one
    complete handshake message; (record_version, message bytes)."""
    r = Reader(data, "records")
    payload = b""
    record_version = None
    while True:
        ctype = r.uint(1, "content_type")
        version = r.uint(2, "version")
        fragment = r.vector(2, "fragment")
        if ctype != HANDSHAKE:
            raise ParseError(f"record of content type {ctype}, expected handshake (22)")
        if record_version is None:
            record_version = version
        payload += fragment
        if len(payload) >= 4 and len(payload) >= 4 + int.from_bytes(payload[1:4], "big"):
            return record_version, payload[:4 + int.from_bytes(payload[1:4], "big")]
        if r.done():
            raise ParseError("records end before the handshake message does")


def parse_client_hello(data):
    """Parses a complete ClientHello (TLS records or an SSLv2 CLIENT-HELLO); see the module doc."""
    data = bytes(data)
    if sslv2_header(data) is not None:
        return _parse_sslv2_client_hello(data)
    record_version, message = _handshake_bytes(data)
    r = Reader(message, "ClientHello")
    if r.uint(1, "msg_type") != CLIENT_HELLO:
        raise ParseError("first handshake message is not a ClientHello")
    body = Reader(r.vector(3, "body"), "ClientHello")
    hello = ClientHello(record_version=record_version)
    hello.version = body.uint(2, "client_version")
    hello.random = body.take(32, "random")
    hello.session_id = body.vector(1, "session_id")
    if len(hello.session_id) > 32:
        raise ParseError("ClientHello.session_id longer than 32 bytes")
    suites = body.vector(2, "cipher_suites")
    if len(suites) % 2 or not suites:
        raise ParseError("ClientHello.cipher_suites: empty or odd length")
    hello.suites = [int.from_bytes(suites[i:i + 2], "big") for i in range(0, len(suites), 2)]
    hello.compression = list(body.vector(1, "compression_methods"))
    if not hello.compression:
        raise ParseError("ClientHello.compression_methods is empty")
    if not body.done():
        block = Reader(body.vector(2, "extensions"), "ClientHello.extensions")
        while not block.done():
            ext_type = block.uint(2, "extension_type")
            ext_data = block.vector(2, "extension_data")
            hello.extension_order.append(ext_type)
            hello.extensions.setdefault(ext_type, ext_data)
    body.expect_done()
    return hello


# ---- server messages ----------------------------------------------------------------


def record(content_type, version, payload):
    """PAYLOAD as one or more records of CONTENT_TYPE (fragments of at most 2^14 bytes)."""
    payload = bytes(payload)
    out = b""
    for at in range(0, max(len(payload), 1), MAX_FRAGMENT):
        fragment = payload[at:at + MAX_FRAGMENT]
        out += u8(content_type) + u16(version) + vec(2, fragment)
    return out


def handshake_msg(msg_type, body):
    return u8(msg_type) + vec(3, body)


def handshake_record(version, *messages):
    """Handshake MESSAGES packed together into record(s), the way servers send a flight."""
    return record(HANDSHAKE, version, b"".join(messages))


def extensions_block(extensions):
    """EXTENSIONS (list of (type, data)) as an extensions block; b"" for None."""
    if extensions is None:
        return b""
    return vec(2, b"".join(u16(t) + vec(2, d) for t, d in extensions))


def server_hello_msg(version, suite, *, random=None, session_id=b"", compression=COMPRESSION_NULL,
                     extensions=None):
    """A ServerHello message (RFC 5246 §7.4.1.3). EXTENSIONS None leaves the block out (SSLv3)."""
    random = os.urandom(32) if random is None else bytes(random)
    if len(random) != 32:
        raise ValueError("ServerHello.random must be 32 bytes")
    body = u16(version) + random + vec(1, session_id) + u16(suite) + u8(compression)
    return handshake_msg(SERVER_HELLO, body + extensions_block(extensions))


def server_hello(version, suite, *, random=None, session_id=b"", compression=COMPRESSION_NULL,
                 extensions=None, record_version=None):
    """A ServerHello in its own record."""
    return handshake_record(version if record_version is None else record_version,
                            server_hello_msg(version, suite, random=random, session_id=session_id,
                                             compression=compression, extensions=extensions))


def server_extensions(client, *, renegotiation_info=False, extended_master_secret=False, session_ticket=False,
                      heartbeat=None, ec_point_formats=False):
    """The ServerHello extensions a server with these features answers CLIENT with: each only
    when the client asked for it (RFC 5246 §7.4.1.4), in a fixed order. HEARTBEAT is the
    HeartbeatMode to send (1 peer_allowed_to_send, 2 peer_not_allowed_to_send) or None.
    Returns a list of (type, data) pairs."""
    out = []
    if renegotiation_info and (client.has_renegotiation_info or client.offers_reneg_scsv):
        out.append((EXT_RENEGOTIATION_INFO, b"\x00"))  # RFC 5746 §3.6: empty renegotiated_connection
    if extended_master_secret and client.has_extended_master_secret:
        out.append((EXT_EXTENDED_MASTER_SECRET, b""))
    if session_ticket and client.has_session_ticket:
        out.append((EXT_SESSION_TICKET, b""))
    if heartbeat is not None and client.heartbeat_mode is not None:
        out.append((EXT_HEARTBEAT, u8(heartbeat)))
    if ec_point_formats and EXT_EC_POINT_FORMATS in client.extensions:
        out.append((EXT_EC_POINT_FORMATS, vec(1, b"\x00")))  # uncompressed only
    return out


def certificate_msg(chain_der_list):
    """A Certificate message (RFC 5246 §7.4.2): leaf first."""
    return handshake_msg(CERTIFICATE, vec(3, b"".join(vec(3, der) for der in chain_der_list)))


def certificate(chain_der_list, version):
    return handshake_record(version, certificate_msg(chain_der_list))


def server_hello_done_msg():
    return handshake_msg(SERVER_HELLO_DONE, b"")


def server_hello_done(version):
    return handshake_record(version, server_hello_done_msg())


def change_cipher_spec(version):
    """A ChangeCipherSpec record (RFC 5246 §7.1)."""
    return record(CHANGE_CIPHER_SPEC, version, b"\x01")


def alert(level, desc, version):
    """An alert record (RFC 5246 §7.2)."""
    return record(ALERT, version, u8(level) + u8(desc))


def load_pem_chain(path):
    """The DER certificates of a PEM file, in file order."""
    ders = []
    inside = False
    lines = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line == "-----BEGIN CERTIFICATE-----":
                inside, lines = True, []
            elif line == "-----END CERTIFICATE-----" and inside:
                ders.append(base64.b64decode("".join(lines), validate=True))
                inside = False
            elif inside:
                lines.append(line)
    if not ders:
        raise ValueError(f"no certificate in {path}")
    return ders


# ---- key exchange parameters ---------------------------------------------------------
# Real values, so that the messages hold up under inspection: an RSA modulus is a
# product of two primes, a DH prime is prime and Ys = g^x mod p, an EC point lies
# on its curve. The signature over them is random bytes of the signing key's
# size: nobody can verify it without completing the handshake, which never happens.


def _is_probable_prime(n, rounds=32):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def random_prime(bits):
    while True:
        n = secrets.randbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _is_probable_prime(n):
            return n


def _int_bytes(n, size=None):
    return n.to_bytes(size or (n.bit_length() + 7) // 8, "big")


class RsaExportKey:
    """A throw-away RSA key of BITS (512 for RSA_EXPORT, RFC 2246 §7.4.3), made at start-up."""

    def __init__(self, bits=512, e=65537):
        while True:
            p, q = random_prime(bits // 2), random_prime(bits // 2)
            n = p * q
            if p != q and n.bit_length() == bits and (p - 1) % e and (q - 1) % e:
                break
        self.modulus, self.exponent = n, e


class DhGroup:
    """A prime-field group for DHE parameters: a random BITS-bit prime p and g = 2."""

    def __init__(self, bits):
        self.p = random_prime(bits)
        self.g = 2


# P-256 (SEC 2 secp256r1) and X25519 (RFC 7748).
_P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_P256_A = _P256_P - 3
_P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
_P256_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
           0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)
_P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _p256_add(a, b):
    p = _P256_P
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % p == 0:
        return None
    if a == b:
        lam = (3 * a[0] * a[0] + _P256_A) * pow(2 * a[1], -1, p) % p
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, p) % p
    x = (lam * lam - a[0] - b[0]) % p
    return x, (lam * (a[0] - x) - a[1]) % p


def p256_public_point(scalar):
    """The uncompressed point scalar*G on P-256 (65 bytes, 0x04 || X || Y)."""
    result, addend = None, _P256_G
    while scalar:
        if scalar & 1:
            result = _p256_add(result, addend)
        addend = _p256_add(addend, addend)
        scalar >>= 1
    return b"\x04" + _int_bytes(result[0], 32) + _int_bytes(result[1], 32)


def p256_on_curve(point):
    if len(point) != 65 or point[0] != 4:
        return False
    x, y = int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")
    return (y * y - (x * x * x + _P256_A * x + _P256_B)) % _P256_P == 0


def x25519_public(scalar_bytes):
    """RFC 7748 §5: X25519(k, 9)."""
    p = 2 ** 255 - 19
    k = bytearray(scalar_bytes)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    k = int.from_bytes(k, "little")
    x1, x2, z2, x3, z3, swap = 9, 1, 0, 9, 1, 0
    for t in reversed(range(255)):
        bit = (k >> t) & 1
        swap ^= bit
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = (x2 + z2) % p, (x2 - z2) % p
        aa, bb = a * a % p, b * b % p
        e = (aa - bb) % p
        c, d = (x3 + z3) % p, (x3 - z3) % p
        da, cb = d * a % p, c * b % p
        x3, z3 = (da + cb) ** 2 % p, x1 * (da - cb) ** 2 % p
        x2, z2 = aa * bb % p, e * (aa + 121665 * e) % p
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, p - 2, p) % p).to_bytes(32, "little")


ECDHE_GROUPS = (GROUP_X25519, GROUP_SECP256R1)  # the groups ecdhe_server_key_exchange() can fill in


def ec_public_value(group):
    if group == GROUP_X25519:
        return x25519_public(os.urandom(32))
    if group == GROUP_SECP256R1:
        return p256_public_point(secrets.randbelow(_P256_N - 1) + 1)
    raise ValueError(f"no point arithmetic for group {group}")


def _signed(params, version, signature_scheme, signature_length):
    """RFC 5246 §4.7 digitally-signed: the scheme only in TLS 1.2, then signature<2>."""
    scheme = u16(signature_scheme) if version >= TLS12 else b""
    return params + scheme + vec(2, os.urandom(signature_length))


def ecdhe_server_key_exchange_msg(version, group, *, signature_scheme=0x0401, signature_length=256):
    """ServerECDHParams (RFC 8422 §5.4): named_curve GROUP, a fresh public point, signed."""
    params = u8(3) + u16(group) + vec(1, ec_public_value(group))
    return handshake_msg(SERVER_KEY_EXCHANGE, _signed(params, version, signature_scheme, signature_length))


def ecdhe_server_key_exchange(version, group, **kw):
    return handshake_record(version, ecdhe_server_key_exchange_msg(version, group, **kw))


def dhe_server_key_exchange_msg(version, group, *, signature_scheme=0x0401, signature_length=256):
    """ServerDHParams (RFC 5246 §7.4.3): p, g and Ys = g^x mod p of DhGroup GROUP, signed."""
    size = (group.p.bit_length() + 7) // 8
    ys = pow(group.g, secrets.randbelow(group.p - 3) + 2, group.p)
    params = vec(2, _int_bytes(group.p)) + vec(2, _int_bytes(group.g)) + vec(2, _int_bytes(ys, size))
    return handshake_msg(SERVER_KEY_EXCHANGE, _signed(params, version, signature_scheme, signature_length))


def dhe_server_key_exchange(version, group, **kw):
    return handshake_record(version, dhe_server_key_exchange_msg(version, group, **kw))


def rsa_export_server_key_exchange_msg(version, key, *, signature_scheme=0x0201, signature_length=256):
    """ServerRSAParams (RFC 2246 §7.4.3) of an RsaExportKey, signed: what an RSA_EXPORT
    suite sends when the certificate's key is longer than 512 bits."""
    params = vec(2, _int_bytes(key.modulus)) + vec(2, _int_bytes(key.exponent))
    return handshake_msg(SERVER_KEY_EXCHANGE, _signed(params, version, signature_scheme, signature_length))


def rsa_export_server_key_exchange(version, key, **kw):
    return handshake_record(version, rsa_export_server_key_exchange_msg(version, key, **kw))


# ---- SSLv2 server messages --------------------------------------------------------------


def sslv2_record(body):
    """BODY in an SSLv2 record with a 2-byte header (no padding)."""
    if len(body) > 0x7FFF:
        raise ValueError("SSLv2 record too long for a 2-byte header")
    return u16(0x8000 | len(body)) + body


def sslv2_server_hello(cert_der, cipher_kinds, *, connection_id=None, session_id_hit=False):
    """An SSLv2 SERVER-HELLO record: certificate (X.509), the CIPHER-KINDs, a connection id."""
    connection_id = os.urandom(16) if connection_id is None else bytes(connection_id)
    specs = b"".join(k.to_bytes(3, "big") for k in cipher_kinds)
    body = (u8(SSL2_MT_SERVER_HELLO) + u8(1 if session_id_hit else 0) + u8(SSL2_CT_X509_CERTIFICATE) +
            u16(SSL2) + u16(len(cert_der)) + u16(len(specs)) + u16(len(connection_id)) +
            cert_der + specs + connection_id)
    return sslv2_record(body)


def sslv2_error(code=SSL2_PE_NO_CIPHER):
    return sslv2_record(u8(SSL2_MT_ERROR) + u16(code))


# ---- socket I/O -------------------------------------------------------------------------

Record = collections.namedtuple("Record", "type version payload raw")


def _recv_exact(sock, n, deadline):
    out = b""
    while len(out) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            chunk = sock.recv(n - len(out))
        except (socket.timeout, OSError):
            return None
        if not chunk:
            return None
        out += chunk
    return out


def read_record(sock, timeout, max_length=MAX_RECORD):
    """One TLS record from SOCK within TIMEOUT seconds: Record(type, version, payload, raw), or
    None on EOF, timeout, or a length beyond MAX_LENGTH."""
    deadline = time.monotonic() + timeout
    header = _recv_exact(sock, 5, deadline)
    if header is None:
        return None
    length = int.from_bytes(header[3:5], "big")
    if length > max_length:
        return None
    payload = _recv_exact(sock, length, deadline)
    if payload is None:
        return None
    return Record(header[0], int.from_bytes(header[1:3], "big"), payload, header + payload)


def read_first_message(sock, timeout, max_bytes=MAX_HELLO):
    """The client's first message, complete: one SSLv2 record, or TLS records up to the end
    of the first handshake message. None when it is not complete within TIMEOUT seconds and
    MAX_BYTES, or is neither form. What it returns is what parse_client_hello() takes."""
    deadline = time.monotonic() + timeout
    head = _recv_exact(sock, 3, deadline)
    if head is None:
        return None
    try:
        form = sslv2_header(head)
    except ParseError:
        return None
    if form is not None:
        header, length, _ = form
        rest = _recv_exact(sock, header + length - 3, deadline)
        return None if rest is None else head + rest
    data = head
    rest = _recv_exact(sock, 2, deadline)
    if rest is None:
        return None
    data += rest
    payload = b""
    while True:
        length = int.from_bytes(data[-2:], "big")
        if len(data) + length > max_bytes or data[-5] != HANDSHAKE:
            return None
        fragment = _recv_exact(sock, length, deadline)
        if fragment is None:
            return None
        data += fragment
        payload += fragment
        if len(payload) >= 4 and len(payload) >= 4 + int.from_bytes(payload[1:4], "big"):
            return data
        header = _recv_exact(sock, 5, deadline)
        if header is None:
            return None
        data += header


def send_and_close(sock, data, linger=2.0, max_drain=64 * 1024):
    """Sends DATA, half-closes, and reads what the client still sends (bounded) until it
    closes or LINGER seconds pass, so that closing does not reset the connection under
    data the client has not read yet."""
    try:
        if data:
            sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        return
    deadline = time.monotonic() + linger
    drained = 0
    while drained < max_drain:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(4096)
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        drained += len(chunk)


def require_loopback(host):
    """Raises ValueError unless HOST is a loopback address literal (127.0.0.0/8 or ::1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{host!r} is not an address literal; test servers bind loopback only") from None
    if not address.is_loopback:
        raise ValueError(f"{host} is not a loopback address; test servers bind loopback only")


def serve(host, port, handler, *, first_timeout=10.0, max_connections=64, ready=None, stop=None,
          log=None):
    """Accepts connections on HOST:PORT (loopback only) until STOP (a threading.Event) is set
    or the process ends. Per connection, in its own thread: reads the first message
    (read_first_message, FIRST_TIMEOUT seconds), then calls handler(sock, first_bytes);
    the socket is closed when the handler returns. Connections beyond MAX_CONNECTIONS
    at once are closed unanswered. READY() is called once listening; LOG(text) gets
    handler exceptions (default: stderr)."""
    require_loopback(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(64)
    listener.settimeout(0.5)
    slots = threading.BoundedSemaphore(max_connections)
    log = log or (lambda text: print(text, file=sys.stderr, flush=True))

    def run(conn, peer):
        try:
            first = read_first_message(conn, first_timeout)
            if first is not None:
                handler(conn, first)
        except Exception as e:  # a bad client must never take the server down
            log(f"connection from {peer}: {type(e).__name__}: {e}")
        finally:
            try:
                conn.close()
            finally:
                slots.release()

    if ready:
        ready()
    try:
        while stop is None or not stop.is_set():
            try:
                conn, peer = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                if stop is not None and stop.is_set():
                    break
                raise
            if not slots.acquire(blocking=False):
                conn.close()
                continue
            threading.Thread(target=run, args=(conn, peer), daemon=True).start()
    finally:
        listener.close()


# ---- a test client ----------------------------------------------------------------------


def build_client_hello(version, suites, *, record_version=None, compression=(COMPRESSION_NULL,),
                       server_name=None, groups=(GROUP_X25519, GROUP_SECP256R1), supported_versions=None,
                       extensions=None, random=None, session_id=b""):
    """ClientHello record(s). VERSION is client_version; SSLv3 hellos carry no extensions
    unless EXTENSIONS is given. EXTENSIONS (list of (type, data)) replaces the default set
    (server_name, supported_groups, ec_point_formats, renegotiation_info,
    signature_algorithms for TLS 1.2, supported_versions when given)."""
    if extensions is None:
        extensions = []
        if version >= TLS10:
            if server_name:
                name = server_name.encode("ascii")
                extensions.append((EXT_SERVER_NAME, vec(2, u8(0) + vec(2, name))))
            if groups:
                extensions.append((EXT_SUPPORTED_GROUPS, vec(2, b"".join(u16(g) for g in groups))))
                extensions.append((EXT_EC_POINT_FORMATS, vec(1, b"\x00")))
            extensions.append((EXT_RENEGOTIATION_INFO, b"\x00"))
            if version >= TLS12:
                schemes = (0x0804, 0x0401, 0x0501, 0x0201, 0x0403)
                extensions.append((EXT_SIGNATURE_ALGORITHMS, vec(2, b"".join(u16(s) for s in schemes))))
            if supported_versions:
                extensions.append((EXT_SUPPORTED_VERSIONS, vec(1, b"".join(u16(v) for v in supported_versions))))
    random = os.urandom(32) if random is None else random
    body = (u16(version) + random + vec(1, session_id) + vec(2, b"".join(u16(s) for s in suites)) +
            vec(1, bytes(compression)))
    if extensions:
        body += extensions_block(extensions)
    rv = record_version if record_version is not None else min(version, TLS10)
    return handshake_record(rv, handshake_msg(CLIENT_HELLO, body))


def build_sslv2_client_hello(kinds, *, version=SSL2, challenge=None):
    """An SSLv2 CLIENT-HELLO record (2-byte header): KINDS are 3-byte CIPHER-KINDs."""
    challenge = os.urandom(16) if challenge is None else challenge
    body = (u8(SSL2_MT_CLIENT_HELLO) + u16(version) + u16(3 * len(kinds)) + u16(0) + u16(len(challenge)) +
            b"".join(k.to_bytes(3, "big") for k in kinds) + challenge)
    return sslv2_record(body)


@dataclasses.dataclass
class ServerAnswer:
    """What a server answered a hello with. kind: "server_hello", "alert", "sslv2_server_hello",
    "sslv2_error", "closed", "timeout" or "malformed"."""
    kind: str
    version: int = 0
    suite: int = 0
    compression: int = 0
    session_id: bytes = b""
    extensions: dict = dataclasses.field(default_factory=dict)
    alert: tuple = None
    sslv2_kinds: list = dataclasses.field(default_factory=list)
    certificate: bytes = b""
    messages: list = dataclasses.field(default_factory=list)  # (type, body) after the ServerHello
    detail: str = ""


def _parse_server_hello(body, answer):
    r = Reader(body, "ServerHello")
    answer.version = r.uint(2, "server_version")
    r.take(32, "random")
    answer.session_id = r.vector(1, "session_id")
    answer.suite = r.uint(2, "cipher_suite")
    answer.compression = r.uint(1, "compression_method")
    if not r.done():
        block = Reader(r.vector(2, "extensions"), "ServerHello.extensions")
        while not block.done():
            t = block.uint(2)
            answer.extensions[t] = block.vector(2)
    r.expect_done()
    sv = answer.extensions.get(EXT_SUPPORTED_VERSIONS)
    if sv is not None and len(sv) == 2:
        answer.version = int.from_bytes(sv, "big")


def read_server_answer(sock, timeout, until=SERVER_HELLO_DONE):
    """Reads a server's answer to a hello: an SSLv2 SERVER-HELLO or ERROR, an alert, or a
    ServerHello and the handshake messages after it up to message type UNTIL (or the first
    non-handshake record). Bounded by TIMEOUT seconds and MAX_HELLO bytes."""
    deadline = time.monotonic() + timeout
    head = _recv_exact(sock, 2, deadline)
    if head is None:
        return ServerAnswer("closed", detail="no answer")
    if head[0] & 0x80:
        length = ((head[0] & 0x7F) << 8) | head[1]
        body = _recv_exact(sock, length, deadline)
        if body is None or not body:
            return ServerAnswer("malformed", detail="truncated SSLv2 record")
        if body[0] == SSL2_MT_ERROR:
            return ServerAnswer("sslv2_error", detail=f"SSLv2 ERROR {body[1:3].hex()}")
        try:
            r = Reader(body, "SSLv2ServerHello")
            if r.uint(1) != SSL2_MT_SERVER_HELLO:
                raise ParseError("not a SERVER-HELLO")
            r.uint(1)
            r.uint(1)
            version = r.uint(2)
            cert_len, specs_len, conn_len = r.uint(2), r.uint(2), r.uint(2)
            cert = r.take(cert_len)
            specs = Reader(r.take(specs_len), "specs")
            kinds = [specs.uint(3) for _ in range(specs_len // 3)]
            r.take(conn_len)
            r.expect_done()
        except ParseError as e:
            return ServerAnswer("malformed", detail=str(e))
        return ServerAnswer("sslv2_server_hello", version=version, sslv2_kinds=kinds, certificate=cert)
    rest = _recv_exact(sock, 3, deadline)
    if rest is None:
        return ServerAnswer("closed", detail="truncated record header")
    header = head + rest
    answer = None
    buffer = b""
    total = 0
    while True:
        length = int.from_bytes(header[3:5], "big")
        total += 5 + length
        if length > MAX_RECORD or total > MAX_HELLO:
            return ServerAnswer("malformed", detail="record too long")
        payload = _recv_exact(sock, length, deadline)
        if payload is None:
            return answer or ServerAnswer("closed", detail="truncated record")
        if header[0] == ALERT and len(payload) >= 2:
            if answer is None:
                return ServerAnswer("alert", version=int.from_bytes(header[1:3], "big"),
                                    alert=(payload[0], payload[1]))
            answer.alert = (payload[0], payload[1])
            return answer
        if header[0] != HANDSHAKE:
            return answer or ServerAnswer("malformed", detail=f"record type {header[0]}")
        buffer += payload
        while len(buffer) >= 4 and len(buffer) >= 4 + int.from_bytes(buffer[1:4], "big"):
            n = 4 + int.from_bytes(buffer[1:4], "big")
            msg_type, body, buffer = buffer[0], buffer[4:n], buffer[n:]
            if answer is None:
                if msg_type != SERVER_HELLO:
                    return ServerAnswer("malformed", detail=f"handshake type {msg_type} first")
                answer = ServerAnswer("server_hello")
                try:
                    _parse_server_hello(body, answer)
                except ParseError as e:
                    return ServerAnswer("malformed", detail=str(e))
            else:
                answer.messages.append((msg_type, body))
            if msg_type == until:
                return answer
        header = _recv_exact(sock, 5, deadline)
        if header is None:
            return answer or ServerAnswer("closed", detail="closed mid-answer")


def exchange(host, port, hello_bytes, timeout=5.0, until=SERVER_HELLO_DONE):
    """Connects to HOST:PORT (loopback only), sends HELLO_BYTES, returns read_server_answer()."""
    require_loopback(host)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(hello_bytes)
        return read_server_answer(sock, timeout, until=until)
