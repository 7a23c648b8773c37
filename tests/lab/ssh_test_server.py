#!/usr/bin/env python3
"""A test-only fake SSH server: each port shows one behaviour no packaged sshd can.

Not a real SSH server and not a model of one. Debian's OpenSSH cannot speak
SSH-1 any more, nor send garbage, so these ports exist for the scanner's ssh
probe to meet an SSH-1 server and the failures a hostile server produces, and
to turn each into a fact or an error record within its timeout, never a crash
or a hang.

  --v1 PORT          "SSH-1.5-FakeSSH1" banner (an SSH-1 only server), then closes
  --v199 PORT        "SSH-1.99-FakeSSH199" banner (SSH-1 and SSH-2), then closes
  --garbage PORT     lines that are not an SSH banner (binary, then 300 bytes without CRLF)
  --silent PORT      accepts and never writes a byte
  --bad-packet PORT  a valid SSH-2 banner, then a binary packet whose length is 0xffffffff

Standard library only; binds exactly the address it is given (the lab: 127.0.0.1).
"""

import argparse
import os
import signal
import socket
import sys
import threading


def drain(conn):
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def serve_v1(conn):
    conn.sendall(b"SSH-1.5-FakeSSH1\r\n")
    conn.recv(256)


def serve_v199(conn):
    conn.sendall(b"SSH-1.99-FakeSSH199\r\n")
    conn.recv(256)


def serve_garbage(conn):
    conn.sendall(b"\x00\xff\xfe\x16\x03\x01 not ssh\r\n" + b"x" * 300)
    conn.recv(256)


def serve_silent(conn):
    drain(conn)


def serve_bad_packet(conn):
    conn.sendall(b"SSH-2.0-FakeBadPacket\r\n")
    conn.recv(256)
    conn.sendall(b"\xff\xff\xff\xff\x04" + b"\x00" * 64)
    drain(conn)


MODES = {"v1": serve_v1, "v199": serve_v199, "garbage": serve_garbage, "silent": serve_silent,
         "bad_packet": serve_bad_packet}


def handle(conn, mode):
    with conn:
        try:
            MODES[mode](conn)
        except OSError:
            pass


def listen(host, port, mode):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(32)

    def loop():
        while True:
            conn, _ = s.accept()
            conn.settimeout(30)
            threading.Thread(target=handle, args=(conn, mode), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    for mode in MODES:
        parser.add_argument("--" + mode.replace("_", "-"), type=int, dest=mode)
    parser.add_argument("--pidfile")
    args = parser.parse_args(argv)
    for mode in MODES:
        port = getattr(args, mode)
        if port:
            listen(args.host, port, mode)
    if args.pidfile:
        with open(args.pidfile, "w", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    sys.exit(main(sys.argv[1:]))
