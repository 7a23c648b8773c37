#!/usr/bin/env python3
"""Captures the fixtures in this directory from the lab's real snmpd (net-snmp).

  tests/lab/lab.sh start DIR   (with the snmp part), then
  python3 tests/unit/data/snmp/capture.py [PUBLIC_PORT] [V3_PORT]

Sends hand-encoded requests (a BER encoder independent of conformscan's own)
to 127.0.0.1 and writes each request and the agent's answer, byte for byte:

  v1_get_sysdescr.{req,resp}.bin       SNMPv1 GET sysDescr.0, community public
  v2c_get_sysdescr.{req,resp}.bin      SNMPv2c GET sysDescr.0, community public
  v1_get_missing.{req,resp}.bin        SNMPv1 GET 1.3.6.1.2.1.1.99.0: noSuchName
  v2c_get_missing.{req,resp}.bin       SNMPv2c GET 1.3.6.1.2.1.1.99.0: noSuchObject
  v3_discovery.req.bin                 SNMPv3 engine discovery (RFC 3414 §4)
  v3_discovery_public.resp.bin         the Report of the v1/v2c agent
  v3_discovery_v3only.resp.bin         the Report of the v3-only agent
Loopback only.
"""
import pathlib
import socket
import sys

HERE = pathlib.Path(__file__).resolve().parent


def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([tag, n])
    elif n < 0x100:
        head = bytes([tag, 0x81, n])
    else:
        head = bytes([tag, 0x82, n >> 8, n & 0xFF])
    return head + content


def integer(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def octets(b):
    return tlv(0x04, b)


def oid(text):
    arcs = [int(a) for a in text.split(".")]
    out = bytearray()
    for i, a in enumerate([arcs[0] * 40 + arcs[1]] + arcs[2:]):
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def get_pdu(request_id, oids, tag=0xA0):
    binds = seq(*[seq(oid(o), tlv(0x05, b"")) for o in oids])
    return tlv(tag, integer(request_id) + integer(0) + integer(0) + binds)


def community_get(version, community, request_id, oids):
    return seq(integer(version), octets(community), get_pdu(request_id, oids))


def v3_discovery(msg_id, request_id):
    header = seq(integer(msg_id), integer(65507), octets(b"\x04"), integer(3))
    usm = seq(octets(b""), integer(0), integer(0), octets(b""), octets(b""), octets(b""))
    scoped = seq(octets(b""), octets(b""), tlv(0xA0, integer(request_id) + integer(0) + integer(0) + seq()))
    return seq(integer(3), header, octets(usm), scoped)


def exchange(port, request):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect(("127.0.0.1", port))
        s.send(request)
        return s.recv(65535)


def save(name, data):
    (HERE / name).write_bytes(data)
    print(f"{name}: {len(data)} bytes")


def main():
    public = int(sys.argv[1]) if len(sys.argv) > 1 else 18620
    v3only = int(sys.argv[2]) if len(sys.argv) > 2 else 18622
    cases = [
        ("v1_get_sysdescr", community_get(0, b"public", 0x1234, ["1.3.6.1.2.1.1.1.0"])),
        ("v2c_get_sysdescr", community_get(1, b"public", 0x2345, ["1.3.6.1.2.1.1.1.0"])),
        ("v1_get_missing", community_get(0, b"public", 0x3456, ["1.3.6.1.2.1.1.99.0"])),
        ("v2c_get_missing", community_get(1, b"public", 0x4567, ["1.3.6.1.2.1.1.99.0"])),
    ]
    for name, req in cases:
        save(f"{name}.req.bin", req)
        save(f"{name}.resp.bin", exchange(public, req))
    req = v3_discovery(0x5678, 0x6789)
    save("v3_discovery.req.bin", req)
    save("v3_discovery_public.resp.bin", exchange(public, req))
    save("v3_discovery_v3only.resp.bin", exchange(v3only, req))


if __name__ == "__main__":
    main()
