#!/usr/bin/env python3
"""A TCP listener that accepts connections and never writes a byte.

The lab's "blackhole" endpoint: a TLS client that sends a ClientHello here
waits for a ServerHello that never comes, so a scanner's TLS probe must give
up on its own timeout and report an error, not hang. Connections are held
until the peer closes them (or until --max-held is reached, after which the
oldest is dropped so a misbehaving client cannot exhaust our descriptors).

Standard library only. Binds exactly the address it is given; the lab gives
it 127.0.0.1.
"""

import argparse
import collections
import os
import selectors
import signal
import socket
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pidfile", help="write our pid here once listening")
    parser.add_argument("--max-held", type=int, default=256,
                        help="most connections held open at once (default 256)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(64)
    listener.setblocking(False)

    if args.pidfile:
        with open(args.pidfile, "w", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))

    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    held = collections.OrderedDict()  # socket -> None, oldest first

    def drop(conn):
        held.pop(conn, None)
        sel.unregister(conn)
        conn.close()

    while not stop:
        for key, _ in sel.select(timeout=0.5):
            if key.fileobj is listener:
                try:
                    conn, _addr = listener.accept()
                except (BlockingIOError, ConnectionAbortedError):
                    continue
                conn.setblocking(False)
                if len(held) >= args.max_held:
                    drop(next(iter(held)))
                held[conn] = None
                sel.register(conn, selectors.EVENT_READ, None)
            else:
                conn = key.fileobj
                try:
                    # Read and discard whatever the client sends; never answer.
                    data = conn.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    drop(conn)

    for conn in list(held):
        drop(conn)
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
