#!/usr/bin/env python3
"""HTTP front for the lab's OCSP responder (a test helper, not a responder of
its own). OpenSSL 3.0's `openssl ocsp -port N` listens on every interface and
cannot be bound to loopback, which the lab forbids; this front listens on one
loopback address and hands each request (RFC 6960 appendix A: POST body, or
GET with the base64 request in the path) to `openssl ocsp -index ... -reqin
-respout`, the same responder code run once per request, and returns its DER
answer as application/ocsp-response. Requests and answers are bounded in size
and time."""
import argparse
import base64
import http.server
import os
import subprocess
import tempfile
import urllib.parse

MAX_REQUEST = 64 * 1024


def make_handler(args):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            print("ocsp-front: " + fmt % a, flush=True)

        def answer(self, request):
            if not request or len(request) > MAX_REQUEST:
                self.send_error(400)
                return
            with tempfile.TemporaryDirectory() as tmp:
                req, resp = os.path.join(tmp, "req.der"), os.path.join(tmp, "resp.der")
                with open(req, "wb") as f:
                    f.write(request)
                cmd = ["openssl", "ocsp", "-index", args.index, "-rsigner", args.rsigner, "-rkey", args.rkey,
                       "-CA", args.ca, "-ndays", str(args.ndays), "-reqin", req, "-respout", resp]
                try:
                    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=10, check=True)
                    with open(resp, "rb") as f:
                        body = f.read()
                except (subprocess.SubprocessError, OSError) as e:
                    print(f"ocsp-front: openssl ocsp failed: {e}", flush=True)
                    self.send_error(500)
                    return
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            self.answer(self.rfile.read(length) if 0 < length <= MAX_REQUEST else b"")

        def do_GET(self):
            path = urllib.parse.unquote(self.path.lstrip("/"))
            try:
                request = base64.b64decode(path, validate=False) if len(path) <= MAX_REQUEST else b""
            except ValueError:
                request = b""
            self.answer(request)

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--rsigner", required=True)
    p.add_argument("--rkey", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--ndays", type=int, default=1)
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer((args.host, args.port), make_handler(args))
    server.timeout = 10
    server.serve_forever()


if __name__ == "__main__":
    main()
