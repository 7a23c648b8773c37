#!/usr/bin/env python3
"""A test-only broken HTTP server: each port misbehaves in one way.

Not a real server and not a model of one: it exists so that the scanner's
http probe meets the failures a hostile or broken web server produces, and
must turn each into an error record (or a bounded observation) within its
timeout, never a crash or a hang.

  --garbage PORT   answers any connection with bytes that are not HTTP, then closes
  --silent PORT    accepts and never writes a byte (held until the peer closes)
  --huge-head PORT a status line, then header lines without end (up to 16 MiB)
  --endless PORT   a valid 200 head, then a body without end (up to 64 MiB)

Standard library only; binds exactly the address it is given (the lab: 127.0.0.1).
"""

import argparse
import os
import signal
import socket
import sys
import threading

GARBAGE = b"\x00\xff\xfe SSH-2.0-not-http \x16\x03\x01 \r\n\r\n garbage"
HEAD_LIMIT = 16 * 1024 * 1024
BODY_LIMIT = 64 * 1024 * 1024


def drain(conn):
    """Reads until the peer closes; returns when it has."""
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def serve_garbage(conn):
    conn.recv(65536)
    conn.sendall(GARBAGE)


def serve_silent(conn):
    drain(conn)


def serve_huge_head(conn):
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
    sent = 0
    while sent < HEAD_LIMIT:
        conn.sendall(line)
        sent += len(line)


def serve_endless(conn):
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: broken-test-server\r\n\r\n")
    chunk = b"x" * 65536
    sent = 0
    while sent < BODY_LIMIT:
        conn.sendall(chunk)
        sent += len(chunk)


MODES = {"garbage": serve_garbage, "silent": serve_silent, "huge_head": serve_huge_head, "endless": serve_endless}


def handle(conn, mode):
    with conn:
        try:
            MODES[mode](conn)
        except OSError:
            pass  # the client gave up: exactly what it should do


def listen(host, port, mode):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(32)

    def loop():
        while True:
            conn, _ = s.accept()
            conn.settimeout(60)
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
