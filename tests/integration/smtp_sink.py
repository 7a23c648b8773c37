#!/usr/bin/python3
"""A local SMTP server for the alert tests (Debian's python3-aiosmtpd): on
127.0.0.1 only, STARTTLS required, AUTH PLAIN/LOGIN with one user, and every
message saved as OUT/N.eml with OUT/N.json (envelope and login). Prints
"ready PORT" when it listens; stops on SIGTERM.

usage: smtp_sink.py --cert C --key K --out DIR --user U --password P [--port N]
"""

import argparse
import json
import pathlib
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        (self.out / f"{n}.eml").write_bytes(envelope.original_content or envelope.content)
        (self.out / f"{n}.json").write_text(json.dumps({
            "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(session.authenticated),
            "tls": session.ssl is not None,
        }), encoding="utf-8")
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.cert, a.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user \
            and auth_data.password.decode() == a.password
        return AuthResult(success=ok, handled=False)

    import socket
    port = a.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    controller = Controller(Saver(out), hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True, auth_required=True,
                            server_hostname="smtp-sink.test")
    controller.start()
    print(f"ready {port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
