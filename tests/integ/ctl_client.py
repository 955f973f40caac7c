#!/usr/bin/env python3
# Raw clients of ucarp's control socket for the 6NN-ctl tests: what
# ucarpctl never sends.  Usage: ctl_client.py SOCKET MODE [ARGS]
#   bad             send each kind of bad message on its own connection;
#                   print "KIND CODE" (the reply's result code, or EOF)
#   idle N SECONDS  hold N connections open, silent, for SECONDS
#   noread SECONDS  send status requests without reading the replies
#                   until the daemon closes the connection (print
#                   "closed N") or SECONDS pass (print "open N")
import socket
import struct
import sys
import time

VERSION = 1
REQ_STATUS, REQ_RELOAD, RESULT = 1, 4, 16


def hdr(type_, length, seq=7, version=VERSION):
    return struct.pack(">HHII", version, type_, length, seq)


def status(selector=b""):
    payload = struct.pack(">H", len(selector)) + selector
    return hdr(REQ_STATUS, len(payload)) + payload


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    return s


def reply(s):
    """The result code of the first RESULT reply, or EOF."""
    s.settimeout(5)
    while True:
        m = s.recv(8192)
        if not m:
            return "EOF"
        v, t, n, seq = struct.unpack(">HHII", m[:12])
        if t == RESULT:
            return str(m[12])


def bad(path):
    cases = {
        "garbage": b"\xde\xad\xbe\xef" * 5,
        "short": b"\x00\x01\x00",
        "truncated": hdr(REQ_STATUS, 40) + b"\x00\x03ab",
        "oversized": hdr(REQ_STATUS, 8000) + b"x" * 8000,
        "version": hdr(REQ_RELOAD, 0, version=99),
        "unknown": hdr(200, 0),
        "reply-type": hdr(RESULT, 0),
        "nul": hdr(REQ_STATUS, 5) + b"\x00\x03a\x00b",
    }
    for kind, msg in cases.items():
        s = conn(path)
        s.send(msg)
        code = reply(s)
        eof = reply(s) if code != "EOF" else "EOF"
        print(kind, code, eof)
        s.close()


def idle(path, n, secs):
    held = [conn(path) for _ in range(n)]
    print("holding", len(held), flush=True)
    time.sleep(secs)


def noread(path, secs):
    s = conn(path)
    s.settimeout(0.5)
    n = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            s.send(status())
            n += 1
        except socket.timeout:
            continue
        except OSError:
            print("closed", n)
            return
    print("open", n)


def main():
    path, mode = sys.argv[1], sys.argv[2]
    if mode == "bad":
        bad(path)
    elif mode == "idle":
        idle(path, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "noread":
        noread(path, float(sys.argv[3]))


main()
