#!/usr/bin/env python3
"""Test front: a plaintext SMTP/NNTP dialogue that upgrades to TLS (STARTTLS).

A hand-written test server for the lab's "starttls" part, not a mail or news
server. It speaks just enough of each protocol for a STARTTLS client:

  smtp, submission  220 greeting; EHLO answered in ONE write with a 250 list
                    that names STARTTLS; STARTTLS -> 220, then TLS; after the
                    upgrade EHLO is answered without STARTTLS (RFC 3207).
  nntp              200 greeting; CAPABILITIES -> 101 list naming STARTTLS;
                    STARTTLS -> 382, then TLS (RFC 4642).

The upgrade is Python's ssl module (so OpenSSL) with the certificate chain and
key it is given. Each reply is sent in a single write: stunnel's smtp mode
sends its EHLO reply in several writes, which some scanners read as a
different answer on every run (LAB-NOTES).

Every read is bounded: a line is at most 2048 bytes, a connection lives at
most --idle seconds between lines and --max-commands commands, and at most
--max-conn connections are served at once (further ones are closed at once).
Standard library only; binds exactly the address it is given.
"""

import argparse
import os
import signal
import socket
import ssl
import sys
import threading

MAX_LINE = 2048
HOSTNAME = "demo.test"


class Closed(Exception):
    """The peer closed, timed out, or sent something we will not read."""


class Conn:
    """A client connection: bounded line reads, one write per reply."""

    def __init__(self, sock, idle):
        self.sock = sock
        self.sock.settimeout(idle)
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            if len(self.buf) > MAX_LINE:
                raise Closed("line too long")
            try:
                data = self.sock.recv(4096)
            except (OSError, ssl.SSLError) as e:
                raise Closed(str(e)) from e
            if not data:
                raise Closed("eof")
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        if len(line) > MAX_LINE:
            raise Closed("line too long")
        return line.rstrip(b"\r").decode("latin-1")

    def send(self, *lines):
        data = "".join(f"{line}\r\n" for line in lines).encode("latin-1")
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise Closed(str(e)) from e

    def starttls(self, context):
        if self.buf:
            # Bytes pipelined after STARTTLS would be plaintext injected into
            # the TLS session (CVE-2011-0411 class); refuse them.
            raise Closed("data after STARTTLS")
        try:
            self.sock = context.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError) as e:
            raise Closed(str(e)) from e


def smtp_session(conn, context, max_commands, name):
    conn.send(f"220 {HOSTNAME} ESMTP conformscan lab test front ({name})")
    tls = False
    for _ in range(max_commands):
        line = conn.readline()
        verb = line.split(" ", 1)[0].upper()
        if verb in ("EHLO", "LHLO"):
            caps = ["PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"]
            if not tls:
                caps.insert(2, "STARTTLS")
            elif name == "submission":
                caps.append("AUTH PLAIN")
            lines = [f"250-{HOSTNAME}"] + [f"250-{c}" for c in caps[:-1]] + [f"250 {caps[-1]}"]
            conn.send(*lines)
        elif verb == "HELO":
            conn.send(f"250 {HOSTNAME}")
        elif verb == "STARTTLS":
            if tls:
                conn.send("503 5.5.1 TLS already active")
                continue
            conn.send("220 2.0.0 Ready to start TLS")
            conn.starttls(context)
            tls = True
        elif verb in ("NOOP", "RSET"):
            conn.send("250 2.0.0 OK")
        elif verb == "QUIT":
            conn.send("221 2.0.0 Bye")
            return
        elif verb in ("MAIL", "RCPT", "DATA", "AUTH", "VRFY", "EXPN"):
            conn.send("554 5.7.1 This test front accepts no mail")
        else:
            conn.send("502 5.5.2 Command not recognized")
    conn.send("421 4.7.0 Too many commands")


def nntp_session(conn, context, max_commands, _name):
    conn.send(f"200 {HOSTNAME} conformscan lab test front, posting not allowed")
    tls = False
    for _ in range(max_commands):
        line = conn.readline()
        verb = line.split(" ", 1)[0].upper()
        if verb == "CAPABILITIES":
            caps = ["VERSION 2", "IMPLEMENTATION conformscan lab test front", "READER"]
            if not tls:
                caps.append("STARTTLS")
            conn.send("101 Capability list:", *caps, ".")
        elif verb == "STARTTLS":
            if tls:
                conn.send("502 Command unavailable")
                continue
            conn.send("382 Continue with TLS negotiation")
            conn.starttls(context)
            tls = True
        elif verb == "MODE":
            conn.send("201 Posting prohibited")
        elif verb == "DATE":
            conn.send("111 20260101000000")
        elif verb == "QUIT":
            conn.send("205 Connection closing")
            return
        else:
            conn.send("500 Unknown command")
    conn.send("400 Too many commands")


SESSIONS = {"smtp": smtp_session, "submission": smtp_session, "nntp": nntp_session}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--listen", action="append", required=True, metavar="PROTO:PORT",
                        help="serve PROTO (smtp, submission, nntp) on PORT; repeatable")
    parser.add_argument("--cert", required=True, help="PEM certificate chain, leaf first")
    parser.add_argument("--key", required=True, help="PEM private key")
    parser.add_argument("--pidfile", help="write our pid here once listening")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds to wait for a line")
    parser.add_argument("--max-commands", type=int, default=50)
    parser.add_argument("--max-conn", type=int, default=128)
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    listeners = []
    for spec in args.listen:
        proto, _, port = spec.partition(":")
        if proto not in SESSIONS:
            sys.exit(f"starttls_front: unknown protocol {proto}")
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, int(port)))
        sock.listen(64)
        listeners.append((proto, sock))

    slots = threading.BoundedSemaphore(args.max_conn)

    def serve(proto, sock):
        try:
            SESSIONS[proto](Conn(sock, args.idle), context, args.max_commands, proto)
        except Closed:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass
            slots.release()

    def accept_loop(proto, listener):
        while True:
            try:
                sock, _addr = listener.accept()
            except OSError:
                return
            if not slots.acquire(blocking=False):
                sock.close()
                continue
            threading.Thread(target=serve, args=(proto, sock), daemon=True).start()

    for proto, listener in listeners:
        threading.Thread(target=accept_loop, args=(proto, listener), daemon=True).start()

    if args.pidfile:
        with open(args.pidfile, "w", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    for _proto, listener in listeners:
        listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
