#!/usr/bin/env python3
"""Capture what a real TLS server sends in answer to a ClientHello.

Starts `openssl s_server` on 127.0.0.1 with a throwaway RSA certificate (one
server per scenario, -naccept 1), sends a ClientHello built here, and saves the
raw bytes the server sent, unmodified, as fixtures for the wire parsers' unit
tests and seed corpora (tests/unit/data/tls/, tests/fuzz/corpus/).

The ClientHello is built with the same fixed random, session id, extension
order and key_share values as checks/tls/wire/client_hello.cpp, and saved next
to the server bytes (*_client_hello.bin), so a unit test can check that our
encoder produces the very bytes the server answered.

Python standard library only; needs the `openssl` command. Loopback only.

    tests/fuzz/capture/capture_server_flight.py [--out DIR] [--dhparam FILE]

Without --dhparam, 2048-bit DH parameters are generated (`openssl dhparam
2048`, which can take a minute).
"""

import argparse
import os
import pathlib
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

# ---- ClientHello, mirroring checks/tls/wire/client_hello.cpp ---------------

EXT_SERVER_NAME = 0
EXT_STATUS_REQUEST = 5
EXT_SUPPORTED_GROUPS = 10
EXT_EC_POINT_FORMATS = 11
EXT_SIGNATURE_ALGORITHMS = 13
EXT_ALPN = 16
EXT_EXTENDED_MASTER_SECRET = 23
EXT_SESSION_TICKET = 35
EXT_SUPPORTED_VERSIONS = 43
EXT_PSK_KEY_EXCHANGE_MODES = 45
EXT_KEY_SHARE = 51
EXT_RENEGOTIATION_INFO = 0xFF01

X25519 = 29
SECP256R1 = 23
SECP384R1 = 24

# RFC 7748 §4.1: the X25519 base point u = 9, little-endian.
X25519_SHARE = bytes([9]) + bytes(31)

RANDOM = bytes(range(32))
SESSION_ID_13 = bytes(range(0x20, 0x40))  # TLS 1.3 middlebox compatibility mode

SIG_ALGS = [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0201]


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def vec(prefix, data):
    return len(data).to_bytes(prefix, "big") + data


def u16_list(values):
    return vec(2, b"".join(u16(v) for v in values))


def extension(ext_type, data=b""):
    return u16(ext_type) + vec(2, data)


def client_hello(suites, extensions, session_id=b"", version=0x0303):
    body = u16(version) + RANDOM + vec(1, session_id) + u16_list(suites) + vec(1, b"\x00")
    body += vec(2, b"".join(extensions))
    return b"\x01" + len(body).to_bytes(3, "big") + body


def record(message, record_version=0x0301):
    return b"\x16" + u16(record_version) + vec(2, message)


def sni(name):
    return extension(EXT_SERVER_NAME, vec(2, b"\x00" + vec(2, name.encode())))


def ec_point_formats():
    return extension(EXT_EC_POINT_FORMATS, vec(1, b"\x00\x01\x02"))


def alpn(names):
    return extension(EXT_ALPN, vec(2, b"".join(vec(1, n.encode()) for n in names)))


def key_share(groups_and_values):
    shares = b"".join(u16(g) + vec(2, v) for g, v in groups_and_values)
    return extension(EXT_KEY_SHARE, vec(2, shares))


def tls12_hello(suite):
    """TLS 1.2 hello: SNI, point formats, groups, ticket, EMS, sigalgs, ALPN, reneg."""
    return client_hello(
        [suite],
        [
            sni("localhost"),
            ec_point_formats(),
            extension(EXT_SUPPORTED_GROUPS, u16_list([X25519, SECP256R1, SECP384R1])),
            extension(EXT_SESSION_TICKET),
            extension(EXT_EXTENDED_MASTER_SECRET),
            extension(EXT_SIGNATURE_ALGORITHMS, u16_list(SIG_ALGS)),
            alpn(["http/1.1"]),
            extension(EXT_RENEGOTIATION_INFO, b"\x00"),
        ],
    )


def tls13_hello():
    """TLS 1.3 hello offering x25519 and secp256r1, with a share for x25519 only."""
    return client_hello(
        [0x1301, 0x1302, 0x1303],
        [
            sni("localhost"),
            ec_point_formats(),
            extension(EXT_SUPPORTED_GROUPS, u16_list([X25519, SECP256R1])),
            extension(EXT_SIGNATURE_ALGORITHMS, u16_list(SIG_ALGS)),
            extension(EXT_SUPPORTED_VERSIONS, vec(1, u16(0x0304))),
            extension(EXT_PSK_KEY_EXCHANGE_MODES, vec(1, b"\x01")),
            key_share([(X25519, X25519_SHARE)]),
        ],
        session_id=SESSION_ID_13,
    )


# ---- server and capture ------------------------------------------------------


def run(cmd, **kwargs):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir, args):
    """Starts s_server for one connection; returns once it prints ACCEPT."""
    port = free_port()
    cmd = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
           "-cert", str(workdir / "cert.pem"), "-key", str(workdir / "key.pem"), "-num_tickets", "0"] + args
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    line = b""
    while time.monotonic() < deadline and not line.startswith(b"ACCEPT"):
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
    if not line.startswith(b"ACCEPT"):
        proc.kill()
        raise RuntimeError(f"s_server did not start: {cmd}")
    return proc, port


def has_handshake_type(data, wanted):
    """True when the plaintext handshake messages in `data` include `wanted`."""
    pos, hs = 0, b""
    while pos + 5 <= len(data):
        ctype, length = data[pos], struct.unpack("!H", data[pos + 3:pos + 5])[0]
        if pos + 5 + length > len(data):
            break
        if ctype == 22:
            hs += data[pos + 5:pos + 5 + length]
        pos += 5 + length
    while len(hs) >= 4:
        length = int.from_bytes(hs[1:4], "big")
        if hs[0] == wanted:
            return True
        hs = hs[4 + length:]
    return False


def capture(port, hello_records, until_type=None, idle=1.0, limit=65536):
    """Sends the hello and reads until `until_type` arrives, `idle` seconds
    pass without data, the server closes, or `limit` bytes arrive."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(hello_records)
        data = b""
        while len(data) < limit:
            ready, _, _ = select.select([s], [], [], idle)
            if not ready:
                break
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if until_type is not None and has_handshake_type(data, until_type):
                break
        return data


def scenario(workdir, out, name, server_args, hello, until_type=None):
    proc, port = start_server(workdir, server_args)
    try:
        data = capture(port, record(hello), until_type)
    finally:
        proc.kill()
        proc.wait()
    (out / f"s_server_{name}_client_hello.bin").write_bytes(record(hello))
    (out / f"s_server_{name}.bin").write_bytes(data)
    print(f"{name}: sent {len(hello) + 5} bytes, received {len(data)} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parents[2] / "unit/data/tls"))
    parser.add_argument("--dhparam", help="existing 2048-bit DH parameters (PEM)")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="capture-") as tmp:
        workdir = pathlib.Path(tmp)
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-days", "30", "-keyout", str(workdir / "key.pem"), "-out", str(workdir / "cert.pem")])
        dhparam = args.dhparam
        if not dhparam:
            dhparam = str(workdir / "dh2048.pem")
            run(["openssl", "dhparam", "-out", dhparam, "2048"])

        server_hello_done = 14
        scenario(workdir, out, "tls12_dhe_flight",
                 ["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-dhparam", dhparam, "-alpn", "http/1.1"],
                 tls12_hello(0x009E), server_hello_done)
        scenario(workdir, out, "tls12_ecdhe_flight",
                 ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-named_curve", "secp384r1"],
                 tls12_hello(0xC02F), server_hello_done)
        scenario(workdir, out, "tls13_server_hello", ["-tls1_3"], tls13_hello())
        # The server accepts only P-256; the hello offers it in supported_groups
        # but sends a share for x25519 only, so the server must ask again.
        scenario(workdir, out, "hrr", ["-tls1_3", "-groups", "P-256"], tls13_hello())

    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    print(f"captured with {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
