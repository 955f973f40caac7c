#!/usr/bin/env python3
"""Hostile-frame injector for the ucarp integration tests (4NN-*.sh).

Standard library only.  It builds Ethernet frames itself (CARP adverts with
any field chosen, correct or broken checksums and HMAC, truncations, IP
fragments, VRRPv2/v3), replays frames from a classic pcap file, floods a
mix of them at a bounded rate, and sends them with an AF_PACKET raw socket
on one interface.

Safety rules, enforced in code (check_frame, check_netns):
  * every IPv4 source must be in 198.18.0.0/15 and every IPv4 destination
    in 198.18.0.0/15 or exactly 224.0.0.18; any other frame (ARP, IPv6, a
    frame too short to tell) is refused, and a truncated frame is checked
    as the whole frame it was cut from;
  * frames are only sent from inside the named namespace given with
    --netns NS (run it with `ip netns exec NS`; checked by comparing
    /proc/self/ns/net with /run/netns/NS), never from the initial one;
    --out FILE writes a pcap instead and needs no socket;
  * a flood is bounded by a count AND a duration, and stops by itself.

Commands (the summary goes to stdout as "key value" lines):
  kinds				list the frame kinds and the verdict that
				ucarp's receive path gives each
  send KIND[:N] ...		send N (default 1) frames of each kind
  flood --pps R --duration S --max-count N --mix KIND[:W],...
  replay FILE [--rewrite-src IP] [--set-vhid N] [--set-timing B,S]
	[--select I,J,..] [--only-carp] [--rounds N] [--interval S]
				the IPv4 frames of a classic pcap file, as
				they are or changed (checksums fixed);
				non-IPv4 frames are skipped, frames outside
				the allowed addresses refused (never sent)
  classify FILE --vhid N --pass P --vip IP --me IP [--group IP]
	[same changes as replay]	the verdict of every frame replay would
				send, for a receiver with that configuration
  selftest			builders against the captured ucarp advert,
				classifier against every kind, the gate
Frame parameters shared by send and flood: --src --vhid --pass --vip
(repeatable) --advbase --advskew --counter --group --wrong-vhid --mac.

Output lines: "sent KIND N" per kind, "total N", "errors N", "seconds S",
"pps R"; classify prints "frame I VERDICT" and "verdict VERDICT N".
"""

import argparse
import errno
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True	# no __pycache__ in the source tree
import pktutil				# noqa: E402 (after the line above)
from pktutil import cksum		# noqa: E402

ALLOWED_NET = ipaddress.ip_network("198.18.0.0/15")
CARP_GROUP = ipaddress.ip_address("224.0.0.18")
ETH_P_IP = 0x0800
CARP_PROTO = 112
FRAME_LEN = 70			# Ethernet 14 + IPv4 20 + CARP 36
MAX_COUNT = 5_000_000		# hard ceilings, whatever the command line says
MAX_DURATION = 120.0
MAX_PPS = 1_000_000


class Refused(Exception):
    """A frame or a setting the safety rules forbid."""


# ---- safety --------------------------------------------------------------

def ip_allowed(addr, role):
    a = ipaddress.ip_address(addr)
    if a in ALLOWED_NET:
        return True
    return role == "dst" and a == CARP_GROUP


def check_frame(frame, whole=None):
    """Refuse any frame whose IPv4 addresses are outside the allowed set.

    whole is the untruncated frame a truncated one was cut from (its
    prefix); the addresses are read from it."""
    full = whole if whole is not None else frame
    if whole is not None and not whole.startswith(frame):
        raise Refused("truncated frame is not a prefix of its whole frame")
    if len(full) < 34:
        raise Refused("frame of %d bytes: too short to check its addresses" % len(full))
    if struct.unpack("!H", full[12:14])[0] != ETH_P_IP:
        raise Refused("not an IPv4 frame (ethertype 0x%04x)" %
                      struct.unpack("!H", full[12:14])[0])
    src = socket.inet_ntoa(full[26:30])
    dst = socket.inet_ntoa(full[30:34])
    if not ip_allowed(src, "src"):
        raise Refused("source %s is outside 198.18.0.0/15" % src)
    if not ip_allowed(dst, "dst"):
        raise Refused("destination %s is neither in 198.18.0.0/15 nor 224.0.0.18" % dst)
    # Belt and braces: the same rule once more, as an assertion.
    assert ipaddress.ip_address(src) in ALLOWED_NET
    assert ipaddress.ip_address(dst) in ALLOWED_NET or \
        ipaddress.ip_address(dst) == CARP_GROUP


def check_netns(netns):
    pktutil.check_netns(netns, Refused)


def check_addr_arg(addr, role, what):
    if not ip_allowed(addr, role):
        raise Refused("%s %s is not allowed (198.18.0.0/15%s only)" %
                      (what, addr, ", 224.0.0.18" if role == "dst" else ""))


# ---- checksums and HMAC ---------------------------------------------------

def carp_hmac(password, vhid, vips, counter, version=2, ptype=1):
    """ucarp's HMAC-SHA1: version, type, vhid, the addresses (sorted), counter."""
    msg = bytes([version, ptype, vhid])
    for a in sorted(socket.inet_aton(v) for v in vips):
        msg += a
    msg += struct.pack("!Q", counter)
    return hmac.new(password.encode(), msg, hashlib.sha1).digest()


def mcast_mac(group):
    g = socket.inet_aton(group)
    return bytes([0x01, 0x00, 0x5E, g[1] & 0x7F, g[2], g[3]])


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


# ---- frame builders ------------------------------------------------------

def ipv4_header(src, dst, payload_len, ttl=255, proto=CARP_PROTO, tos=0x10,
                ident=0x1234, frag=0x4000, ihl=5, options=b"", bad_cksum=False,
                version=4):
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, tos,
                      20 + len(options) + payload_len, ident, frag, ttl, proto,
                      0, socket.inet_aton(src), socket.inet_aton(dst)) + options
    c = cksum(hdr)
    if bad_cksum:
        c ^= 0x5A5A
    return hdr[:10] + struct.pack("!H", c) + hdr[12:]


def carp_header(vhid, advbase, advskew, counter, digest, version=2, ptype=1,
                authlen=7, demote=0, bad_cksum=False):
    body = struct.pack("!BBBBBBH", (version << 4) | ptype, vhid, advskew,
                       authlen, demote, advbase, 0) + struct.pack("!Q", counter) + digest
    c = cksum(body)
    if bad_cksum:
        c ^= 0xA5A5
    return body[:6] + struct.pack("!H", c) + body[8:]


def ether(dst_mac, src_mac, payload, ethertype=ETH_P_IP):
    return dst_mac + src_mac + struct.pack("!H", ethertype) + payload


class Params:
    """What a CARP frame says, before a kind breaks one thing."""

    def __init__(self, a):
        self.src = a.src
        self.group = a.group
        self.vhid = a.vhid
        self.password = a.password
        self.vips = a.vip or ["198.18.0.200"]
        self.advbase = a.advbase
        self.advskew = a.advskew
        self.counter = a.counter
        self.wrong_vhid = a.wrong_vhid
        self.src_mac = mac_bytes(a.mac) if a.mac else bytes([0, 0, 0x5E, 0, 0, self.vhid])
        # A unicast --group (a host's address) needs that host's MAC.
        self.dst_mac = mac_bytes(a.dst_mac) if getattr(a, "dst_mac", None) \
            else mcast_mac(self.group)
        check_addr_arg(self.src, "src", "--src")
        check_addr_arg(self.group, "dst", "--group")
        for v in self.vips:
            check_addr_arg(v, "src", "--vip")


def carp_frame(p, *, vhid=None, advbase=None, advskew=None, counter=None,
               password=None, ttl=255, version=2, ptype=1, bad_ip=False,
               bad_carp=False, dst=None, frag=0x4000, ihl=5, ipver=4):
    """A whole 70-byte (or longer with IP options) CARP advert frame."""
    vhid = p.vhid if vhid is None else vhid
    advbase = p.advbase if advbase is None else advbase
    advskew = p.advskew if advskew is None else advskew
    counter = p.counter if counter is None else counter
    password = p.password if password is None else password
    dst = p.group if dst is None else dst
    digest = carp_hmac(password, vhid, p.vips, counter)
    carp = carp_header(vhid, advbase, advskew, counter, digest, version=version,
                       ptype=ptype, bad_cksum=bad_carp)
    options = b"\x01" * ((ihl - 5) * 4)	# NOP options
    ip = ipv4_header(p.src, dst, len(carp), ttl=ttl, bad_cksum=bad_ip,
                     frag=frag, ihl=ihl, options=options, version=ipver)
    return ether(p.dst_mac, p.src_mac, ip + carp)


def vrrp2_frame(p, vrid, naddrs=1):
    """VRRPv2 advert as keepalived sends it (auth none, 8 zero auth bytes)."""
    addrs = b"".join(socket.inet_aton(p.vips[0]) for _ in range(naddrs))
    body = struct.pack("!BBBBBBH", 0x21, vrid, 150, naddrs, 0, 1, 0) + addrs + b"\0" * 8
    body = body[:6] + struct.pack("!H", cksum(body)) + body[8:]
    ip = ipv4_header(p.src, p.group, len(body), tos=0xC0, frag=0)
    return ether(p.dst_mac, bytes([0, 0, 0x5E, 0, 1, vrid]), ip + body)


def vrrp3_frame(p, vrid, naddrs=1):
    """VRRPv3 advert (RFC 5798; checksum over the IPv4 pseudo header)."""
    addrs = b"".join(socket.inet_aton(p.vips[0]) for _ in range(naddrs))
    body = struct.pack("!BBBBHH", 0x31, vrid, 150, naddrs, 100, 0) + addrs
    pseudo = socket.inet_aton(p.src) + socket.inet_aton(p.group) + \
        struct.pack("!BBH", 0, CARP_PROTO, len(body))
    body = body[:6] + struct.pack("!H", cksum(pseudo + body)) + body[8:]
    ip = ipv4_header(p.src, p.group, len(body), tos=0xC0, frag=0)
    return ether(p.dst_mac, bytes([0, 0, 0x5E, 0, 1, vrid]), ip + body)


# Captured keepalived frames (tests/data/keepalived-vrrp*.pcap, frame 1),
# already on 198.18.0.11 -> 224.0.0.18; the source is rewritten to --src.
KEEPALIVED_V2 = bytes.fromhex(
    "01005e000012422491c6746b080045c0002800020000ff701474c612000be0000012"
    "2101960100018285c61200640000000000000000")
KEEPALIVED_V3 = bytes.fromhex(
    "01005e00001242b3210323af080045c0002000020000ff70147cc612000be0000012"
    "310196010064cb75c6120064")


def rewrite_src(frame, src):
    """Put src in an IPv4 frame and fix the IP checksum (and, for VRRPv3,
    the pseudo-header checksum)."""
    f = bytearray(frame)
    ihl = (f[14] & 0x0F) * 4
    f[26:30] = socket.inet_aton(src)
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", cksum(bytes(f[14:14 + ihl])))
    body = f[14 + ihl:]
    if f[23] == CARP_PROTO and len(body) >= 8 and body[0] >> 4 == 3:
        b = bytearray(body)
        b[6:8] = b"\0\0"
        pseudo = bytes(f[26:34]) + struct.pack("!BBH", 0, CARP_PROTO, len(b))
        b[6:8] = struct.pack("!H", cksum(pseudo + bytes(b)))
        f[14 + ihl:] = b
    return bytes(f)


def captured_vrrp(p, which):
    return rewrite_src(KEEPALIVED_V2 if which == 2 else KEEPALIVED_V3, p.src)


# kind -> (verdict of our receive path, builder).  The builder returns
# (frame to send, whole frame it was cut from or None).
def _cut(frame, n):
    return frame[:n], frame


KINDS = {
    # adverts that pass every check up to the HMAC, which is wrong
    "bad_hmac": ("bad_hmac", lambda p: (carp_frame(p, password=p.password + "x"), None)),
    # a wrong-HMAC advert claiming the fastest interval: a mastership grab
    "steal": ("bad_hmac", lambda p: (carp_frame(p, advbase=0, advskew=1,
                                                password=p.password + "x"), None)),
    "bad_ip_cksum": ("bad_ip_cksum", lambda p: (carp_frame(p, bad_ip=True), None)),
    "bad_carp_cksum": ("bad_carp_cksum", lambda p: (carp_frame(p, bad_carp=True), None)),
    "ttl64": ("bad_ttl", lambda p: (carp_frame(p, ttl=64), None)),
    "ttl1": ("bad_ttl", lambda p: (carp_frame(p, ttl=1), None)),
    "version3": ("bad_version", lambda p: (carp_frame(p, version=3), None)),
    "version1": ("bad_version", lambda p: (carp_frame(p, version=1), None)),
    "type2": ("bad_type", lambda p: (carp_frame(p, ptype=2), None)),
    "wrong_vhid": ("bad_vhid", lambda p: (carp_frame(p, vhid=p.wrong_vhid), None)),
    # the IP destination is another (unicast, 198.18) address, not the group
    "bad_group": ("bad_group", lambda p: (carp_frame(p, dst="198.18.255.254"), None)),
    # truncations: the capture filter needs 24 bytes (IP protocol byte)
    "short24": ("too_short", lambda p: _cut(carp_frame(p), 24)),
    "short34": ("too_short", lambda p: _cut(carp_frame(p), 34)),
    "short50": ("too_short", lambda p: _cut(carp_frame(p), 50)),
    "short60": ("too_short", lambda p: _cut(carp_frame(p), 60)),
    "short69": ("too_short", lambda p: _cut(carp_frame(p), 69)),
    # 70 bytes, but IP options (IHL 6) push the CARP header past the end
    "ihl_opts_cut": ("too_short", lambda p: _cut(carp_frame(p, ihl=6), 70)),
    # a first fragment (MF) of protocol 112, and a later one
    "fragment": ("not_carp", lambda p: (carp_frame(p, frag=0x2000), None)),
    "fragment_off": ("not_carp", lambda p: (carp_frame(p, frag=0x0010), None)),
    # ethertype IPv4 with version 6 in the header
    "ipver6": ("not_carp", lambda p: (carp_frame(p, ipver=6), None)),
    # keepalived's captured VRRP adverts (46 and 54 bytes)
    "vrrp2_cap": ("too_short", lambda p: (captured_vrrp(p, 2), None)),
    "vrrp3_cap": ("too_short", lambda p: (captured_vrrp(p, 3), None)),
    # synthetic VRRP long enough to be parsed: v3 with 7 addresses (70
    # bytes), v2 with 5 (70 bytes) and a VRID that is not our vhid
    "vrrp3_long": ("bad_version", lambda p: (vrrp3_frame(p, p.wrong_vhid, 7), None)),
    "vrrp2_long": ("bad_vhid", lambda p: (vrrp2_frame(p, p.wrong_vhid, 5), None)),
    # VRRPv2 with our vhid as VRID and 5 addresses: its 36 bytes and their
    # VRRP checksum pass as a CARP header and checksum; the HMAC does not
    "vrrp2_samevrid": ("bad_hmac", lambda p: (vrrp2_frame(p, p.vhid, 5), None)),
    # correct in every respect (the control: the HMAC is computed right)
    "valid": ("ok", lambda p: (carp_frame(p), None)),
}


def build(kind, p):
    if kind not in KINDS:
        raise SystemExit("unknown kind %r (see `inject.py kinds`)" % kind)
    frame, whole = KINDS[kind][1](p)
    check_frame(frame, whole)
    return frame


# ---- classic pcap files ---------------------------------------------------

def read_pcap(path):
    """Frames of a classic pcap file (any byte order, us or ns stamps)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit("%s: not a pcap file" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit("%s: not a classic pcap file (pcapng is not read)" % path)
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise SystemExit("%s: link type %d, not Ethernet" % (path, linktype))
    frames, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break
        frames.append(data[off:off + incl])
        off += incl
    return frames


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t = time.time()
        for fr in frames:
            f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(fr), len(fr)))
            f.write(fr)


# ---- what our receive path makes of a frame ------------------------------

def classify(frame, vhid, password, vips, me, group="224.0.0.18"):
    """The verdict of ucarp's receive path (src/carp_pkt.c, iface.c,
    instance.c), or "filtered" when the kernel capture filter
    ("ip proto 112") drops it before the daemon sees it."""
    n = len(frame)
    if n < 24 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP or frame[23] != CARP_PROTO:
        return "filtered"
    if n < FRAME_LEN:
        return "too_short"
    ip = frame[14:]
    off = struct.unpack("!H", ip[6:8])[0]
    if ip[0] >> 4 != 4 or off & 0x3FFF:
        return "not_carp"
    hlen = (ip[0] & 0x0F) * 4
    if hlen < 20 or n - 14 - 36 < hlen:
        return "too_short"
    carp = ip[hlen:hlen + 36]
    if ip[8] != 255:
        return "bad_ttl"
    if carp[0] >> 4 != 2:
        return "bad_version"
    if carp[0] & 0x0F != 1:
        return "bad_type"
    if carp[1] != vhid:
        return "bad_vhid"
    if ip[12:16] == socket.inet_aton(me):
        return "own"
    if ip[16:20] != socket.inet_aton(group):
        return "bad_group"
    if cksum(ip[:hlen]) != 0:
        return "bad_ip_cksum"
    if cksum(carp) != 0:
        return "bad_carp_cksum"
    counter = struct.unpack("!Q", carp[8:16])[0]
    if not hmac.compare_digest(carp_hmac(password, vhid, vips, counter), carp[16:36]):
        return "bad_hmac"
    return "ok"


def set_vhid(frame, vhid):
    """Change a CARP frame's vhid (and source MAC) and fix its checksums."""
    f = bytearray(frame)
    hlen = (f[14] & 0x0F) * 4
    c = 14 + hlen
    if len(f) < c + 36:
        return bytes(f)
    f[11] = vhid
    f[c + 1] = vhid
    f[c + 6:c + 8] = b"\0\0"
    f[c + 6:c + 8] = struct.pack("!H", cksum(bytes(f[c:c + 36])))
    return bytes(f)


def set_timing(frame, advbase, advskew):
    """Change a CARP frame's advbase and advskew (which the HMAC does not
    cover) and fix its CARP checksum."""
    f = bytearray(frame)
    hlen = (f[14] & 0x0F) * 4
    c = 14 + hlen
    if len(f) < c + 36:
        return bytes(f)
    f[c + 2] = advskew
    f[c + 5] = advbase
    f[c + 6:c + 8] = b"\0\0"
    f[c + 6:c + 8] = struct.pack("!H", cksum(bytes(f[c:c + 36])))
    return bytes(f)


# ---- sending -------------------------------------------------------------

class Sender:
    def __init__(self, a):
        iface, out = a.iface, a.out
        self.out = out
        self.frames = []
        self.sock = None
        if out is None:
            if not iface:
                raise SystemExit("--iface is required to send (or --out FILE)")
            check_netns(a.netns)
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            self.sock.bind((iface, 0))
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.errors = 0

    def send(self, frame):
        if self.sock is None:
            self.frames.append(frame)
            return True
        try:
            self.sock.send(frame)
            return True
        except OSError as e:
            if e.errno in (errno.ENOBUFS, errno.EAGAIN):
                self.errors += 1
                return False
            raise

    def close(self):
        if self.sock is not None:
            self.sock.close()
        if self.out is not None:
            write_pcap(self.out, self.frames)


def parse_kinds(items, default_n=1):
    out = []
    for it in items:
        for part in it.split(","):
            if not part:
                continue
            k, _, n = part.partition(":")
            out.append((k, int(n) if n else default_n))
    return out


def report(sent, total, errors, secs):
    for k, n in sent.items():
        print("sent %s %d" % (k, n))
    print("total %d" % total)
    print("errors %d" % errors)
    print("seconds %.3f" % secs)
    print("pps %.0f" % (total / secs if secs > 0 else 0))
    sys.stdout.flush()


def cmd_send(a):
    p = Params(a)
    s = Sender(a)
    sent, total, t0 = {}, 0, time.monotonic()
    plan = parse_kinds(a.items)
    if sum(n for _, n in plan) > MAX_COUNT:
        raise SystemExit("too many frames")
    ctr = p.counter
    for k, n in plan:
        sent.setdefault(k, 0)
        for i in range(n):
            if a.fresh_counter:
                p.counter = ctr
                ctr += 1
            if s.send(build(k, p)):
                sent[k] += 1
                total += 1
            if a.interval > 0:
                time.sleep(min(a.interval, 10.0))
    s.close()
    report(sent, total, s.errors, time.monotonic() - t0)


def cmd_flood(a):
    p = Params(a)
    duration = min(a.duration, MAX_DURATION)
    max_count = min(a.max_count, MAX_COUNT)
    pps = min(a.pps, MAX_PPS)
    mix = parse_kinds(a.mix.split(","), 1)
    # One cycle of frames in which each kind appears in proportion to its
    # weight, interleaved; a few counters per kind so frames differ.
    cycle, names = [], []
    pending = {k: w for k, w in mix}
    variant = 0
    while any(pending.values()):
        for k, _ in mix:
            if pending[k] > 0:
                p.counter = a.counter + variant
                cycle.append(build(k, p))
                names.append(k)
                pending[k] -= 1
        variant += 1
    s = Sender(a)
    clen = len(cycle)
    total = 0
    send = s.sock.send if s.sock is not None else s.frames.append
    t0 = time.monotonic()
    deadline = t0 + duration
    i = 0
    errors = 0
    # Sending paced by the clock: at time t, int(t * pps) frames are due.
    while total < max_count:
        now = time.monotonic()
        if now >= deadline:
            break
        due = min(int((now - t0) * pps) + 1, max_count)
        if total >= due:
            time.sleep(min(0.0005, deadline - now))
            continue
        while total < due:
            try:
                send(cycle[i])
            except OSError as e:
                if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                    raise
                errors += 1		# the same frame is tried again later
                break
            total += 1
            i = i + 1 if i + 1 < clen else 0
    secs = time.monotonic() - t0
    s.close()
    # Frames went out in cycle order (a failed one is retried, not
    # skipped): whole cycles plus the first `rest` frames of one.
    sent = {k: 0 for k, _ in mix}
    full, rest = divmod(total, clen)
    for j, k in enumerate(names):
        sent[k] += full + (1 if j < rest else 0)
    report(sent, total, errors, secs)


def cmd_replay(a):
    frames = read_pcap(a.file)
    sel = None
    if a.select:
        sel = set(int(x) for x in a.select.split(","))
    if a.rewrite_src:
        check_addr_arg(a.rewrite_src, "src", "--rewrite-src")
    out, skipped, refused = [], 0, 0
    for idx, fr in enumerate(frames, 1):
        if sel is not None and idx not in sel:
            continue
        if len(fr) < 34 or struct.unpack("!H", fr[12:14])[0] != ETH_P_IP:
            skipped += 1		# ARP and the like: never replayed
            continue
        if a.only_carp and fr[23] != CARP_PROTO:
            skipped += 1
            continue
        if a.set_vhid is not None:
            fr = set_vhid(fr, a.set_vhid)
        if a.set_timing:
            fr = set_timing(fr, *(int(x) for x in a.set_timing.split(",")))
        if a.rewrite_src:
            fr = rewrite_src(fr, a.rewrite_src)
        try:
            check_frame(fr)
        except Refused as e:
            refused += 1		# e.g. another group: never sent
            print("refused frame %d: %s" % (idx, e), file=sys.stderr)
            continue
        out.append((idx, fr))
    if a.list:
        for idx, fr in out:
            print("frame %d len %d" % (idx, len(fr)))
    s = Sender(a)
    total, t0 = 0, time.monotonic()
    rounds = max(1, min(a.rounds, 1000))
    for _ in range(rounds):
        for _, fr in out:
            if total >= MAX_COUNT:
                break
            if s.send(fr):
                total += 1
            if a.interval > 0:
                time.sleep(min(a.interval, 10.0))
    s.close()
    print("skipped %d" % skipped)
    print("refused %d" % refused)
    report({"replay": total}, total, s.errors, time.monotonic() - t0)


def cmd_classify(a):
    """Verdicts for the frames `replay` with the same options would send;
    frames it would not send are "skipped" or "refused"."""
    counts = {}
    for idx, fr in enumerate(read_pcap(a.file), 1):
        if len(fr) < 34 or struct.unpack("!H", fr[12:14])[0] != ETH_P_IP or \
                (a.only_carp and fr[23] != CARP_PROTO):
            v = "skipped"
        else:
            if a.set_vhid is not None:
                fr = set_vhid(fr, a.set_vhid)
            if a.set_timing:
                fr = set_timing(fr, *(int(x) for x in a.set_timing.split(",")))
            if a.rewrite_src:
                fr = rewrite_src(fr, a.rewrite_src)
            try:
                check_frame(fr)
                v = classify(fr, a.vhid, a.password, a.vip, a.me, a.group)
            except Refused:
                v = "refused"
        counts[v] = counts.get(v, 0) + 1
        print("frame %d %s" % (idx, v))
    for v, n in sorted(counts.items()):
        print("verdict %s %d" % (v, n))


def cmd_kinds(a):
    for k, (v, _) in KINDS.items():
        print("%s %s" % (k, v))


def cmd_selftest(a):
    """Check the builders against the captured ucarp advert (doc 2.6) and
    the classifier against every kind; exits 1 on a mismatch."""
    cap = bytes.fromhex(
        "01005e0000120000" "5e00002a08004510" "0038d0334000ff70" "03ebc6120102e000"
        "0012212a00070001" "fcb720ac0903b44a" "6a74847f4237b1d2" "cdbd096eac1b2085"
        "4483dca75c26")
    ns = argparse.Namespace(src="198.18.1.2", group="224.0.0.18", vhid=42,
                            password="love", vip=["198.18.0.100"], advbase=1,
                            advskew=0, counter=0x20AC0903B44A6A74, wrong_vhid=43,
                            mac=None)
    p = Params(ns)
    f = bytearray(carp_frame(p))
    f[18:20] = cap[18:20]			# the IP id is random on the wire
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", cksum(bytes(f[14:34])))
    ok = bytes(f) == cap
    print("capture-match %s" % ("yes" if ok else "NO"))
    bad = 0 if ok else 1
    for k, (want, _) in KINDS.items():
        got = classify(build(k, p), 42, "love", ["198.18.0.100"], "198.18.1.1")
        if got != want:
            bad += 1
        print("kind %s want %s got %s%s" % (k, want, got, "" if got == want else "  MISMATCH"))
    # The gate must refuse foreign addresses.
    for src, dst in (("10.1.2.3", "224.0.0.18"), ("198.18.0.1", "224.0.0.19"),
                     ("198.20.0.1", "224.0.0.18"), ("198.18.0.1", "8.8.8.8")):
        fr = ether(mcast_mac("224.0.0.18"), b"\0\0\x5e\0\0\x2a",
                   ipv4_header(src, dst, 36) + b"\0" * 36)
        try:
            check_frame(fr)
            print("gate %s->%s NOT REFUSED" % (src, dst))
            bad += 1
        except Refused:
            print("gate %s->%s refused" % (src, dst))
    sys.exit(1 if bad else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iface", help="interface to send on (inside a namespace)")
    ap.add_argument("--netns", help="the namespace this runs in (checked)")
    ap.add_argument("--out", help="write the frames to this pcap file instead of sending")
    sub = ap.add_subparsers(dest="cmd", required=True)

    def frame_opts(sp):
        sp.add_argument("--src", default="198.18.1.3")
        sp.add_argument("--group", default="224.0.0.18")
        sp.add_argument("--vhid", type=int, default=42)
        sp.add_argument("--pass", dest="password", default="love")
        sp.add_argument("--vip", action="append")
        sp.add_argument("--advbase", type=int, default=1)
        sp.add_argument("--advskew", type=int, default=0)
        sp.add_argument("--counter", type=lambda x: int(x, 0), default=0xC6120001C6120002)
        sp.add_argument("--wrong-vhid", type=int, default=None)
        sp.add_argument("--mac", help="source MAC (default 00:00:5e:00:00:VHID)")
        sp.add_argument("--dst-mac", help="destination MAC (default: the "
                        "group's multicast MAC; give the host's for unicast)")

    sp = sub.add_parser("kinds")
    sp.set_defaults(fn=cmd_kinds)
    sp = sub.add_parser("selftest")
    sp.set_defaults(fn=cmd_selftest)
    sp = sub.add_parser("send")
    frame_opts(sp)
    sp.add_argument("items", nargs="+", metavar="KIND[:N]")
    sp.add_argument("--interval", type=float, default=0.0)
    sp.add_argument("--fresh-counter", action="store_true",
                    help="a new counter (previous + 1) for every frame")
    sp.set_defaults(fn=cmd_send)
    sp = sub.add_parser("flood")
    frame_opts(sp)
    sp.add_argument("--pps", type=float, required=True)
    sp.add_argument("--duration", type=float, required=True)
    sp.add_argument("--max-count", type=int, required=True)
    sp.add_argument("--mix", required=True, metavar="KIND[:W],...")
    sp.set_defaults(fn=cmd_flood)
    sp = sub.add_parser("replay")
    sp.add_argument("file")
    sp.add_argument("--rewrite-src")
    sp.add_argument("--set-vhid", type=int)
    sp.add_argument("--set-timing", metavar="ADVBASE,ADVSKEW")
    sp.add_argument("--select", help="1-based frame numbers, comma-separated")
    sp.add_argument("--only-carp", action="store_true", help="IPv4 protocol 112 only")
    sp.add_argument("--interval", type=float, default=0.0)
    sp.add_argument("--rounds", type=int, default=1)
    sp.add_argument("--list", action="store_true")
    sp.set_defaults(fn=cmd_replay)
    sp = sub.add_parser("classify")
    sp.add_argument("file")
    sp.add_argument("--vhid", type=int, required=True)
    sp.add_argument("--pass", dest="password", required=True)
    sp.add_argument("--vip", action="append", required=True)
    sp.add_argument("--me", required=True)
    sp.add_argument("--group", default="224.0.0.18")
    sp.add_argument("--set-vhid", type=int)
    sp.add_argument("--set-timing", metavar="ADVBASE,ADVSKEW")
    sp.add_argument("--rewrite-src")
    sp.add_argument("--only-carp", action="store_true")
    sp.set_defaults(fn=cmd_classify)
    a = ap.parse_args()
    if getattr(a, "wrong_vhid", 0) is None:
        a.wrong_vhid = (a.vhid % 255) + 1
    try:
        a.fn(a)
    except Refused as e:
        print("inject.py: REFUSED: %s" % e, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
