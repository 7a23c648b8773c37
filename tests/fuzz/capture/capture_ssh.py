#!/usr/bin/env python3
"""Captures what a real sshd sends up to its key exchange reply, as fixtures.

Connects to a lab sshd (tests/lab/parts/ssh.sh), sends an identification
string and a KEXINIT offering one key exchange and one host key algorithm,
then the client's key exchange message, and writes the server's raw bytes:

  NAME.banner_kexinit.bin   everything before the reply: identification line + KEXINIT packet
  NAME.reply.bin            the KEX reply packet (KEX_ECDH_REPLY / KEXDH_REPLY / GEX_GROUP)

Usage: capture_ssh.py HOST PORT KEX HOSTKEYALG OUTDIR NAME
Standard library only. Used to make tests/unit/data/ssh/ and the fuzz corpus.
"""
import os
import secrets
import socket
import struct
import sys

# RFC 3526 group 14 (2048-bit MODP), generator 2.
P14 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)


def string(b):
    return struct.pack(">I", len(b)) + b


def name_list(names):
    return string(",".join(names).encode())


def mpint(n):
    b = n.to_bytes((n.bit_length() + 8) // 8, "big")
    return string(b.lstrip(b"\0") if b[1:2] and b[0] == 0 and b[1] < 0x80 else b)


def packet(payload):
    pad = 8 - ((len(payload) + 5) % 8)
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + b"\0" * pad


def recv_packet(sock, buf):
    while len(buf) < 4:
        buf += sock.recv(65536)
    total = struct.unpack(">I", buf[:4])[0] + 4
    while len(buf) < total:
        buf += sock.recv(65536)
    return buf[:total], buf[total:]


def main(host, port, kex, hostkey, outdir, name):
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(b"SSH-2.0-conformscan_capture\r\n")
    buf = b""
    while b"\n" not in buf:
        buf += s.recv(65536)
    line_end = buf.index(b"\n") + 1
    banner, rest = buf[:line_end], buf[line_end:]
    kexinit, rest = recv_packet(s, rest)
    names = kexinit[6 + 16:]
    lists = []
    for _ in range(10):
        n = struct.unpack(">I", names[:4])[0]
        lists.append(names[4:4 + n].decode().split(",") if n else [])
        names = names[4 + n:]
    ours = bytes([20]) + secrets.token_bytes(16) + name_list([kex]) + name_list([hostkey])
    for i in range(2, 8):
        ours += name_list(lists[i])
    ours += name_list([]) + name_list([]) + b"\0" + b"\0\0\0\0"
    s.sendall(packet(ours))
    if kex.startswith("curve25519"):
        s.sendall(packet(bytes([30]) + string(secrets.token_bytes(32))))
    elif kex.startswith("diffie-hellman-group14"):
        s.sendall(packet(bytes([30]) + mpint(pow(2, secrets.randbits(256) | 1, P14))))
    elif kex.startswith("diffie-hellman-group-exchange"):
        s.sendall(packet(bytes([34]) + struct.pack(">III", 1024, 2048, 8192)))
    else:
        sys.exit(f"capture_ssh.py does not speak {kex}")
    reply, _ = recv_packet(s, rest)
    s.close()
    with open(os.path.join(outdir, f"{name}.banner_kexinit.bin"), "wb") as f:
        f.write(banner + kexinit)
    with open(os.path.join(outdir, f"{name}.reply.bin"), "wb") as f:
        f.write(reply)


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(*sys.argv[1:])
