#!/usr/bin/env python3
"""bsdpeer.py: an independent CARP peer that behaves as OpenBSD or FreeBSD.

A reference peer for ucarp's tests, written from the BSD kernels' code
paths (OpenBSD sys/netinet/ip_carp.c: carp_hmac_prepare_ctx, carp_send_ad,
carp_proto_input_c; FreeBSD sys/netinet/ip_carp.c: carp_hmac_prepare,
carp_send_ad_locked, carp_input_c), never from ucarp's source.  Python 3
standard library only (hmac, hashlib, socket, struct), plus pktutil.py
beside it (the namespace gate and the Internet checksum, shared with
inject.py); scapy's CARP HMAC is wrong (it hashes 0x21 for 0x02 0x01, no
counter, no IPv6) and is not used.

What it does:
  * computes the CARP HMAC-SHA1 as the BSDs do: 0x02 0x01 [6-byte lladdr,
    OpenBSD with a custom carpN lladdr] vhid, the IPv4 addresses, then the
    IPv6 ones (fe80::/10 with bytes 2-3 zeroed), each list ascending by
    bytes with every value once, then the 8 counter bytes; key = password;
    OpenBSD's two contexts: "nov6ll" (no link-local; what OpenBSD sends)
    and "orig" (with the link-locals of the vhid and of carpN); FreeBSD's
    one: "freebsd" (exactly the vhid's addresses, link-locals included);
  * sends adverts over IPv4 (224.0.0.18, TTL 255) and IPv6 (ff02::12, hop
    limit 255, from the interface's link-local address, checksum over the
    36 CARP bytes only, no pseudo-header) through raw sockets;
  * captures adverts (AF_PACKET) and prints a verdict for each one of its
    vhid: Ethernet destination, IP header, TTL/hop limit, length, CARP
    checksum, version, and which HMAC contexts match;
  * acts as a master or a backup with BSD rules: adverts every advbase +
    advskew/256 s, one per family the address set holds; a backup keeps one
    master-down timer per family (3 x advbase + advskew/256 s) and a master
    yields to a more frequent (or, as on both BSDs, equally frequent)
    master; OpenBSD's demote byte and constant counter, FreeBSD's adopted
    and incremented counter and DSCP 56.  advbase 0, which both BSDs
    refuse, is allowed for fast test timers: a backup's master-down
    interval is then 3 x advskew/256 s.

It moves no address: no gratuitous ARP, no neighbour advertisement.

Commands:
  selftest		the vectors of the reference (V1..V8, V2-unsorted, X),
			the real ucarp 1.5.2 capture (tests/data), the golden
			IPv6 advert, one mutated field per verdict, the
			election rules and the address gate; no root needed
  hmac OPTS		print each context's HMAC message and digest
  watch OPTS		verify the adverts of --vhid on --dev, print a verdict
			line per advert; exit 0 as soon as --count of them
			were good (and none bad, unless --allow-bad), 1 if
			that has not happened within --duration
  run OPTS		be a CARP node (--start backup|master); until
			--duration or SIGTERM/SIGINT.  Commands by signal:
			  SIGUSR1  fall silent at once, as a crash
			  SIGUSR2  bow out: one advert with advbase 255 and
				   advskew 255 per family, then silent
			  SIGHUP   come back as BACKUP

Options shared by hmac, watch and run:
  --vhid N  --pass P (omit or "" for no password: the empty key)
  --addr A (repeatable; IPv4 or IPv6, an optional /prefix is ignored)
  --flavor openbsd|freebsd (default openbsd)
  --lladdr MAC (OpenBSD: a custom carpN MAC, hashed unless it is the
	default 00:00:5e:00:01:VHID)
  --carp-ll ADDR|none (OpenBSD "orig" context: carpN's own link-local;
	default: the EUI-64 one of carpN's MAC when the set has IPv6)
watch and run: --netns NS (the namespace this runs in; checked) --dev IF
  --from ADDR (only adverts from this source)
run: --advbase B --advskew S (0 to 255; not both 0) --demote N (OpenBSD)
  --preempt --start backup|master --src A (IPv4 source)
  --send-context nov6ll|orig|freebsd (default: the flavor's)
  --families 4|6|46 (default: those of the address set) --duration S

Output, one line each, flushed:
  rx fam=4 src=198.18.1.1 vhid=42 advbase=0 advskew=20 demote=0
     counter=0123456789abcdef ttl=255 hmac=nov6ll,orig verdict=OK
  rx ... hmac=none verdict=BAD why=hmac,ttl
  tx fam=6 counter=... advbase=1 advskew=0          (with -v)
  state MASTER why=master-down fam=4 t=1765000000.123456  (wall clock)
  summary state=BACKUP tx4=0 tx6=0 rx_ok=12 rx_bad=0 rx_other=0

Safety: every address it is given, and every source it sends from, must be
in 198.18.0.0/15, 2001:db8::/32 or fe80::/10; it sends only to 224.0.0.18
and ff02::12, only from inside the named network namespace (never the
initial one), never faster than 256 adverts per second per family, and
stops by itself after --duration (at most 600 s).
Exit status: 0 success, 1 failure (watch, selftest), 2 usage or refused.
"""

import argparse
import errno
import hashlib
import hmac
import ipaddress
import os
import select
import signal
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True	# no __pycache__ in the source tree
import pktutil				# noqa: E402 (after the line above)
from pktutil import cksum		# noqa: E402

CARP_PROTO = 112
CARP_LEN = 36
CARP_VERSION = 2
CARP_ADVERT = 1
CARP_AUTHLEN = 7
GROUP4 = "224.0.0.18"
GROUP6 = "ff02::12"
MAC4 = bytes.fromhex("01005e000012")	# RFC 1112 mapping of 224.0.0.18
MAC6 = bytes.fromhex("333300000012")	# RFC 2464 mapping of ff02::12
MAC_BCAST = b"\xff" * 6			# ucarp -M
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
TOS = {"openbsd": 0x10, "freebsd": 0xE0}	# IPTOS_LOWDELAY; DSCP 56
TCLASS = {"openbsd": 0x00, "freebsd": 0xE0}
MAX_DURATION = 600.0
ALLOWED = [ipaddress.ip_network(n) for n in
           ("198.18.0.0/15", "2001:db8::/32", "fe80::/10")]
US = 1000000


class Refused(Exception):
    """Something the safety rules or the protocol forbid."""


def say(*words):
    print(" ".join(str(w) for w in words), flush=True)


# ---- safety ----------------------------------------------------------------

def check_allowed(addr, what):
    a = ipaddress.ip_address(addr)
    if not any(a.version == n.version and a in n for n in ALLOWED):
        raise Refused("%s %s is outside 198.18.0.0/15, 2001:db8::/32 and "
                      "fe80::/10" % (what, addr))


def check_netns(netns):
    pktutil.check_netns(netns, Refused, "run")


# ---- checksum and HMAC ------------------------------------------------------

def is_ll(raw):
    """fe80::/10, what IN6_IS_SCOPE_EMBED means for an interface address."""
    return len(raw) == 16 and raw[0] == 0xFE and (raw[1] & 0xC0) == 0x80


def scope_zeroed(raw):
    """The KAME embedded scope (bytes 2-3) cleared, as both kernels hash a
    link-local; a Linux address has none, but fe80:1::1 would."""
    if is_ll(raw):
        return raw[:2] + b"\0\0" + raw[4:]
    return raw


def bsd_sorted(values, width):
    """The kernels' sort: again and again the smallest value strictly above
    the last one, from all-zeros up to (not including) all-ones.  So each
    distinct value comes once, and 0.0.0.0, 255.255.255.255, :: and
    ffff:...:ffff never.  Bytes compare as memcmp (for IPv4 in network
    order that is ntohl order)."""
    out, last = [], bytes(width)
    while True:
        cur = b"\xff" * width
        for v in values:
            if last < v < cur:
                cur = v
        if cur == b"\xff" * width:
            return out
        out.append(cur)
        last = cur


def mac_bytes(text):
    b = bytes(int(x, 16) for x in text.split(":"))
    if len(b) != 6:
        raise ValueError("not a MAC address: %s" % text)
    return b


def vmac(vhid):
    """The BSD virtual MAC of a vhid (the carpN default)."""
    return bytes([0, 0, 0x5E, 0, 1, vhid])


def eui64_ll(mac):
    """The fe80::/64 address a MAC gives by modified EUI-64."""
    iid = bytes([mac[0] ^ 2, mac[1], mac[2], 0xFF, 0xFE, mac[3], mac[4], mac[5]])
    return b"\xfe\x80" + bytes(6) + iid


def hmac_prefix(vhid, v4, v6, lladdr=None, sort=True):
    """The HMAC message up to the counter: 0x02 0x01 [lladdr] vhid v4 v6.
    v4 and v6 are packed addresses; sort=False is FreeBSD 9 and older
    (interface-list order), kept only to show that it differs."""
    if sort:
        v4, v6 = bsd_sorted(v4, 4), bsd_sorted(v6, 16)
    return (bytes([CARP_VERSION, CARP_ADVERT]) + (lladdr or b"") +
            bytes([vhid]) + b"".join(v4) + b"".join(v6))


def hmac_digest(key, prefix, counter):
    return hmac.new(key, prefix + counter, hashlib.sha1).digest()


class Vhid:
    """A vhid's configuration as a BSD node holds it, and its HMAC
    contexts: name -> message prefix."""

    def __init__(self, vhid, password, addrs, flavor="openbsd", lladdr=None,
                 carp_ll="auto"):
        if not 1 <= vhid <= 255:
            raise Refused("vhid %d is outside 1..255" % vhid)
        if flavor not in ("openbsd", "freebsd"):
            raise Refused("flavor %s: openbsd or freebsd" % flavor)
        self.vhid = vhid
        self.flavor = flavor
        # ifconfig's strlcpy into the 20-byte carpr_key: 19 bytes at most.
        self.key = (password or "").encode()[:19]
        self.addrs = [ipaddress.ip_interface(a).ip for a in addrs]
        if not self.addrs:
            raise Refused("a vhid needs at least one --addr")
        self.v4 = [a.packed for a in self.addrs if a.version == 4]
        self.v6 = [a.packed for a in self.addrs if a.version == 6]
        mac = mac_bytes(lladdr) if lladdr else vmac(vhid)
        # OpenBSD hashes carpN's MAC only when it is not the default one.
        self.lladdr = mac if flavor == "openbsd" and mac != vmac(vhid) else None
        # OpenBSD gives carpN a link-local once it holds IPv6 addresses.
        if carp_ll == "auto":
            self.carp_ll = [eui64_ll(mac)] if self.v6 else []
        elif carp_ll in (None, "none"):
            self.carp_ll = []
        else:
            self.carp_ll = [ipaddress.IPv6Address(carp_ll).packed]
        self.contexts = self.make_contexts()

    def make_contexts(self):
        if self.flavor == "freebsd":
            return {"freebsd": hmac_prefix(self.vhid, self.v4,
                                           [scope_zeroed(a) for a in self.v6])}
        on_carp = self.v6 + self.carp_ll
        return {
            "nov6ll": hmac_prefix(self.vhid, self.v4,
                                  [a for a in on_carp if not is_ll(a)],
                                  self.lladdr),
            "orig": hmac_prefix(self.vhid, self.v4,
                                [scope_zeroed(a) for a in on_carp],
                                self.lladdr),
        }

    def send_context(self):
        """What the flavor sends: OpenBSD HMAC_NOV6LL, FreeBSD its one."""
        return "freebsd" if self.flavor == "freebsd" else "nov6ll"

    def matching(self, counter, digest):
        """Names of the contexts under which digest is right."""
        return [n for n, p in self.contexts.items()
                if hmac.compare_digest(hmac_digest(self.key, p, counter), digest)]

    def families(self):
        return ([4] if self.v4 else []) + ([6] if self.v6 else [])


# ---- frames -------------------------------------------------------------------

def carp_header(vhid, advbase, advskew, counter, digest, demote=0):
    """The 36-byte CARP header, its checksum over these 36 bytes only."""
    h = struct.pack("!BBBBBBH", CARP_VERSION << 4 | CARP_ADVERT, vhid,
                    advskew, CARP_AUTHLEN, demote, advbase, 0) + counter + digest
    return h[:6] + struct.pack("!H", cksum(h)) + h[8:]


def ipv6_frame(src_mac, src, carp, hlim=255, tclass=0, dst=GROUP6,
               dst_mac=MAC6, nxt=CARP_PROTO):
    """A whole Ethernet frame holding an IPv6 advert (for the self-test;
    the kernel builds the ones sent)."""
    ip6 = struct.pack("!IHBB16s16s", 6 << 28 | tclass << 20, len(carp), nxt,
                      hlim, ipaddress.IPv6Address(src).packed,
                      ipaddress.IPv6Address(dst).packed)
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IPV6) + ip6 + carp


class Advert:
    """A captured advert: its fields, what is wrong with it (why) and
    which HMAC contexts it matches."""

    def __init__(self):
        self.fam = self.src = self.ttl = None
        self.why = []
        self.notes = []
        self.hmac = []
        self.vhid = self.advbase = self.advskew = self.demote = None
        self.counter = b""

    @property
    def ok(self):
        return not self.why

    def line(self):
        s = ("rx fam=%s src=%s vhid=%s advbase=%s advskew=%s demote=%s "
             "counter=%s ttl=%s hmac=%s verdict=%s" %
             (self.fam, self.src, self.vhid, self.advbase, self.advskew,
              self.demote, self.counter.hex(), self.ttl,
              ",".join(self.hmac) or "none", "OK" if self.ok else "BAD"))
        if self.why:
            s += " why=" + ",".join(self.why)
        if self.notes:
            s += " notes=" + ",".join(self.notes)
        return s


def split_ipv4(frame, adv):
    """The CARP bytes of an IPv4 frame (None: not CARP); checks what the
    kernel's IP input and carp_proto_input check before the CARP header."""
    ip = frame[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != CARP_PROTO:
        return None
    ihl = (ip[0] & 15) * 4
    off = struct.unpack("!H", ip[6:8])[0]
    adv.fam, adv.ttl = 4, ip[8]
    adv.src = socket.inet_ntoa(ip[12:16])
    dst = socket.inet_ntoa(ip[16:20])
    if ihl < 20 or len(ip) < ihl or cksum(ip[:ihl]) != 0:
        adv.why.append("ip_header")
    if off & 0x3FFF:
        adv.why.append("fragment")
    total = struct.unpack("!H", ip[2:4])[0]
    if total < ihl + CARP_LEN or len(ip) < ihl + CARP_LEN:
        adv.why.append("short")
        return b""
    if dst != GROUP4:
        adv.why.append("dst")
    if frame[:6] not in (MAC4, MAC_BCAST):
        adv.why.append("eth_dst")
    if adv.ttl != 255:
        adv.why.append("ttl")
    if total != ihl + CARP_LEN:
        adv.notes.append("ip_len_%d" % total)
    # FreeBSD sums the whole IP payload, OpenBSD the CARP header.
    return ip[ihl:total]


def ext_chain_ends(ip6, nxt):
    """The protocol after the extension headers (hop-by-hop, routing,
    fragment, destination options) of an IPv6 packet, or None."""
    off = 40
    for _ in range(8):
        if nxt not in (0, 43, 44, 60) or len(ip6) < off + 8:
            return nxt if nxt not in (0, 43, 44, 60) else None
        hdr = 8 if nxt == 44 else (ip6[off + 1] + 1) * 8
        nxt, off = ip6[off], off + hdr
    return None


def split_ipv6(frame, adv):
    """The CARP bytes of an IPv6 frame (None: not CARP).  Extension
    headers are not followed (neither BSD sends any)."""
    ip6 = frame[14:]
    if len(ip6) < 40 or ip6[0] >> 4 != 6:
        return None
    plen, nxt, hlim = struct.unpack("!HBB", ip6[4:8])
    if nxt != CARP_PROTO:
        if ext_chain_ends(ip6, nxt) != CARP_PROTO:
            return None
        adv.fam, adv.ttl, adv.why = 6, hlim, ["ext_header"]
        adv.src = str(ipaddress.IPv6Address(ip6[8:24]))
        return b""
    adv.fam, adv.ttl = 6, hlim
    src = ipaddress.IPv6Address(ip6[8:24])
    adv.src = str(src)
    if ipaddress.IPv6Address(ip6[24:40]) != ipaddress.IPv6Address(GROUP6):
        adv.why.append("dst")
    if frame[:6] != MAC6:
        adv.why.append("eth_dst")
    if hlim != 255:
        adv.why.append("ttl")
    if plen < CARP_LEN or len(ip6) < 40 + CARP_LEN:
        adv.why.append("short")
        return b""
    if plen != CARP_LEN:
        adv.notes.append("payload_len_%d" % plen)
    if not src.is_link_local:
        adv.notes.append("src_not_link_local")
    return ip6[40:40 + plen]


def inspect(frame, cfg):
    """The verdict on an Ethernet frame for vhid cfg, or None if it is no
    CARP advert at all (or one of another vhid: then adv.vhid differs)."""
    adv = Advert()
    if len(frame) < 14:
        return None
    et = struct.unpack("!H", frame[12:14])[0]
    if et == ETH_P_IP:
        carp = split_ipv4(frame, adv)
    elif et == ETH_P_IPV6:
        carp = split_ipv6(frame, adv)
    else:
        return None
    if carp is None:
        return None
    if len(carp) < CARP_LEN:
        if "short" not in adv.why and "ext_header" not in adv.why:
            adv.why.append("short")
        return adv
    vt, adv.vhid, adv.advskew, authlen, adv.demote, adv.advbase = \
        struct.unpack("!BBBBBB", carp[:6])
    adv.counter, digest = carp[8:16], carp[16:36]
    if adv.vhid != cfg.vhid:
        return adv
    # FreeBSD looks the vhid up among the addresses of the advert's family
    # (carp_find_ifa): none of them, carps_badvhid.  OpenBSD does not.
    if adv.fam not in cfg.families():
        if cfg.flavor == "freebsd":
            adv.why.append("family")
        else:
            adv.notes.append("family")
    if cksum(carp) != 0:
        adv.why.append("cksum")
    if vt >> 4 != CARP_VERSION:
        adv.why.append("version")
    # Neither BSD checks the type or authlen; ucarp sends 1 and 7.
    if vt & 15 != CARP_ADVERT:
        adv.notes.append("type_%d" % (vt & 15))
    if authlen != CARP_AUTHLEN:
        adv.notes.append("authlen_%d" % authlen)
    adv.hmac = cfg.matching(adv.counter, digest)
    if not adv.hmac:
        adv.why.append("hmac")
    return adv


# ---- election (BSD rules, pure) -------------------------------------------

def interval_us(advbase, advskew):
    """advbase s + advskew/256 s as the kernels' timeval (tv_usec =
    advskew * 1000000 / 256, truncated)."""
    return advbase * US + advskew * US // 256


def decide(flavor, state, own, peer, preempt):
    """What a node in state (MASTER or BACKUP) does with a good advert.
    own and peer are dicts advbase, advskew, demote.  Returns "backup"
    (a master yields), "master" (a backup takes over now) or "rearm" (a
    backup restarts that family's master-down timer), or None."""
    skew = own["advskew"]
    if flavor == "openbsd" and own["demote"] and skew < 240:
        skew = 240		# a demoted OpenBSD node advertises 240
    mine = interval_us(own["advbase"], skew)
    theirs = interval_us(peer["advbase"], peer["advskew"])
    od, pd = own["demote"], peer["demote"]
    if flavor == "freebsd":
        od = pd = 0		# sent as 0 (carp_pad1) and ignored
    if state == "MASTER":
        # Both kernels also yield to an equally frequent master.
        if (mine >= theirs and pd <= od) or pd < od:
            return "backup"
        return None
    if state != "BACKUP":
        return None
    if preempt and mine < theirs and pd >= od:
        return "master"
    if pd > od:
        return "master"
    # A master this slow will time out: take over now (bow-out, 255/255).
    # With advbase 0 (our fast test timers; BSD requires 1) 3 x own interval.
    limit = 3 * own["advbase"] * US if own["advbase"] else 3 * mine
    if limit < theirs:
        return "master"
    return "rearm"


def master_down_us(advbase, advskew):
    """A backup's master-down interval: 3 x advbase + advskew/256 s (BSD);
    with advbase 0 (not allowed on a BSD) 3 x advskew/256 s."""
    if advbase == 0:
        return 3 * interval_us(0, advskew)
    return 3 * advbase * US + advskew * US // 256


# ---- sockets --------------------------------------------------------------------

def ifindex(dev):
    try:
        return socket.if_nametoindex(dev)
    except OSError:
        raise Refused("no interface %s in this namespace" % dev)


def link_local(dev, wait_s=5.0):
    """The interface's link-local address once DAD has finished
    (/proc/net/if_inet6: IFA_F_TENTATIVE 0x40, IFA_F_DADFAILED 0x08)."""
    end = time.monotonic() + wait_s
    while True:
        try:
            with open("/proc/net/if_inet6") as f:
                for line in f:
                    hexa, _, _, _, flags, name = line.split()
                    raw = bytes.fromhex(hexa)
                    if name == dev and is_ll(raw) and not int(flags, 16) & 0x48:
                        return str(ipaddress.IPv6Address(raw))
        except OSError:
            pass
        if time.monotonic() >= end:
            raise Refused("%s has no usable IPv6 link-local address (IPv6 "
                          "off, or DAD not finished)" % dev)
        time.sleep(0.05)


class Net:
    """The raw sockets of one interface: a sender per family, the group
    memberships, and an AF_PACKET capture."""

    def __init__(self, dev, families, flavor, src4=None, send=True):
        self.dev, self.idx = dev, ifindex(dev)
        self.keep = []
        self.tx = {}
        self.src6 = None
        self.cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                 socket.htons(ETH_P_ALL))
        self.cap.bind((dev, ETH_P_ALL))
        self.cap.setblocking(False)
        if 4 in families:
            self.join4()
            if send:
                self.tx[4] = self.sender4(flavor, src4)
        if 6 in families:
            self.join6()
            if send:
                self.tx[6] = self.sender6(flavor)

    def join4(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     struct.pack("4s4si", socket.inet_aton(GROUP4),
                                 bytes(4), self.idx))
        self.keep.append(s)

    def join6(self):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                     socket.inet_pton(socket.AF_INET6, GROUP6) +
                     struct.pack("@I", self.idx))
        self.keep.append(s)

    def bind_dev(self, s):
        s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_BINDTODEVICE", 25),
                     self.dev.encode())

    def sender4(self, flavor, src):
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, CARP_PROTO)
        self.bind_dev(s)
        if src:
            check_allowed(src, "--src")
            s.bind((src, 0))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     struct.pack("4s4si", bytes(4), bytes(4), self.idx))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, TOS[flavor])
        return s

    def sender6(self, flavor):
        # No IPV6_CHECKSUM: that would be a pseudo-header checksum (VRRPv3).
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, CARP_PROTO)
        self.bind_dev(s)
        self.src6 = link_local(self.dev)
        check_allowed(self.src6, "IPv6 source")
        s.bind((self.src6, 0, 0, self.idx))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, self.idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, TCLASS[flavor])
        return s

    def send(self, fam, carp):
        if fam == 4:
            self.tx[4].sendto(carp, (GROUP4, 0))
        else:
            self.tx[6].sendto(carp, (GROUP6, 0, 0, self.idx))

    def frames(self):
        """The frames received since the last call (not our own)."""
        while True:
            try:
                data, addr = self.cap.recvfrom(65535)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno in (errno.ENETDOWN, errno.EINTR):
                    continue
                raise
            if addr[2] != PACKET_OUTGOING:
                yield data


# ---- the node -----------------------------------------------------------------

class Node:
    """One CARP node (or, passive, a watcher) on one interface."""

    def __init__(self, a, cfg, passive):
        self.a, self.cfg, self.passive = a, cfg, passive
        self.flavor = cfg.flavor
        self.fams = cfg.families() if not getattr(a, "families", None) else \
            [int(c) for c in a.families]
        self.ctx = getattr(a, "send_context", None) or cfg.send_context()
        if not passive and self.ctx not in cfg.contexts:
            raise Refused("--send-context %s: the %s flavor has %s" %
                          (self.ctx, self.flavor, ", ".join(cfg.contexts)))
        self.own = {"advbase": getattr(a, "advbase", 1),
                    "advskew": getattr(a, "advskew", 0),
                    "demote": getattr(a, "demote", 0)}
        self.state = "INIT"
        self.next_ad = None
        self.md = {}
        self.cookie = os.urandom(8)	# OpenBSD: one value for ever
        self.counter = None		# FreeBSD: None until adopted
        self.stats = {"tx4": 0, "tx6": 0, "rx_ok": 0, "rx_bad": 0,
                      "rx_other": 0}
        self.pending = []
        self.net = Net(a.dev, self.fams, self.flavor, getattr(a, "src", None),
                       send=not passive)

    # -- sending
    def next_counter(self):
        if self.flavor == "openbsd":
            return self.cookie
        if self.counter is None:	# random on every send until adopted
            return os.urandom(8)
        c = (int.from_bytes(self.counter, "big") + 1) % (1 << 64)
        self.counter = c.to_bytes(8, "big")
        return self.counter

    def send_adverts(self, advbase=None, advskew=None):
        b = self.own["advbase"] if advbase is None else advbase
        s = self.own["advskew"] if advskew is None else advskew
        if self.flavor == "openbsd" and self.own["demote"] and s < 240:
            s = 240
        demote = self.own["demote"] if self.flavor == "openbsd" else 0
        for fam in self.fams:
            ctr = self.next_counter()
            digest = hmac_digest(self.cfg.key, self.cfg.contexts[self.ctx], ctr)
            self.net.send(fam, carp_header(self.cfg.vhid, b, s, ctr, digest,
                                           demote))
            self.stats["tx%d" % fam] += 1
            if self.a.verbose:
                say("tx fam=%d counter=%s advbase=%d advskew=%d" %
                    (fam, ctr.hex(), b, s))

    # -- states
    def set_state(self, state, why, now):
        if state != self.state:
            say("state %s why=%s t=%.6f" % (state, why, time.time()))
        self.state = state
        self.md = {}
        self.next_ad = None
        if state == "BACKUP":
            for fam in self.fams:
                self.arm(fam, now)
        elif state == "MASTER":
            self.send_adverts()
            self.next_ad = now + self.interval()

    def arm(self, fam, now):
        self.md[fam] = now + master_down_us(self.own["advbase"],
                                            self.own["advskew"]) / US

    def interval(self):
        return interval_us(self.own["advbase"], self.own["advskew"]) / US

    # -- receiving
    def on_frame(self, frame, now):
        adv = inspect(frame, self.cfg)
        if adv is None:
            return
        if adv.vhid is not None and adv.vhid != self.cfg.vhid:
            self.stats["rx_other"] += 1
            return
        if self.a.from_addr and (adv.src is None or ipaddress.ip_address(
                adv.src) != ipaddress.ip_address(self.a.from_addr)):
            return
        say(adv.line())
        if not adv.ok:
            self.stats["rx_bad"] += 1
            return
        if self.flavor == "openbsd" and adv.counter == self.cookie:
            say("rx-drop why=loop (our own counter: replay or network loop)")
            return
        self.stats["rx_ok"] += 1
        if self.flavor == "freebsd":
            self.counter = adv.counter	# adopted, incremented on send
        if self.passive or self.state not in ("MASTER", "BACKUP"):
            return
        peer = {"advbase": adv.advbase, "advskew": adv.advskew,
                "demote": adv.demote}
        act = decide(self.flavor, self.state, self.own, peer, self.a.preempt)
        if act == "backup":
            self.set_state("BACKUP", "better-master src=%s" % adv.src, now)
        elif act == "master":
            self.set_state("MASTER", "slow-master src=%s" % adv.src, now)
        elif act == "rearm" and adv.fam in self.md:
            self.arm(adv.fam, now)

    # -- commands
    def on_signal(self, sig, now):
        if sig == signal.SIGUSR1:
            self.set_state("SILENT", "command", now)
        elif sig == signal.SIGUSR2:
            if self.state == "MASTER":
                self.send_adverts(255, 255)
            self.set_state("SILENT", "bow-out", now)
        elif sig == signal.SIGHUP:
            self.set_state("BACKUP", "resume", now)
        else:
            return False
        return True

    def timers(self, now):
        if self.state == "MASTER" and now >= self.next_ad:
            self.send_adverts()
            self.next_ad += self.interval()
            if self.next_ad <= now:		# late: no burst to catch up
                self.next_ad = now + self.interval()
        elif self.state == "BACKUP":
            for fam, t in sorted(self.md.items()):
                if now >= t:
                    self.set_state("MASTER", "master-down fam=%d" % fam, now)
                    break

    def deadlines(self):
        if self.state == "MASTER":
            return [self.next_ad]
        return list(self.md.values()) if self.state == "BACKUP" else []


def loop(node, duration, until=None):
    """Run node until duration passes, SIGTERM/SIGINT, or until() is true."""
    rfd, wfd = os.pipe()
    os.set_blocking(wfd, False)
    signal.set_wakeup_fd(wfd)
    got = []
    for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP,
                signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, f: got.append(s))
    end = time.monotonic() + duration
    start = node.a.start if not node.passive else None
    # What came in while the sockets were set up came before the start
    # (it reaches the node in INIT, which takes no part in elections).
    for fr in node.net.frames():
        node.on_frame(fr, time.monotonic())
    if start:
        node.set_state("MASTER" if start == "master" else "BACKUP", "start",
                       time.monotonic())
    while True:
        now = time.monotonic()
        if now >= end or (until and until()):
            return "duration" if now >= end else "done"
        wait = max(0.0, min([end] + node.deadlines()) - now)
        r, _, _ = select.select([node.net.cap, rfd], [], [], wait)
        now = time.monotonic()
        if rfd in r:
            os.read(rfd, 512)
        while got:
            s = got.pop(0)
            if not node.on_signal(s, now):
                return "signal"
        for fr in node.net.frames():
            node.on_frame(fr, time.monotonic())
        node.timers(time.monotonic())


# ---- commands ---------------------------------------------------------------

def vhid_from(a):
    return Vhid(a.vhid, a.password, a.addr, a.flavor, a.lladdr, a.carp_ll)


def cmd_hmac(a):
    cfg = vhid_from(a)
    ctr = bytes.fromhex(a.counter)
    for name, prefix in cfg.contexts.items():
        say("%s message=%s hmac=%s" % (name, (prefix + ctr).hex(),
                                       hmac_digest(cfg.key, prefix, ctr).hex()))
    return 0


def gate(a):
    check_netns(a.netns)
    for addr in a.addr:
        check_allowed(str(ipaddress.ip_interface(addr).ip), "--addr")
    if not 0 < a.duration <= MAX_DURATION:
        raise Refused("--duration must be in (0, %d] s" % MAX_DURATION)


def cmd_watch(a):
    gate(a)
    node = Node(a, vhid_from(a), passive=True)
    how = loop(node, a.duration,
               lambda: node.stats["rx_ok"] >= a.count or
               (node.stats["rx_bad"] and not a.allow_bad))
    st = node.stats
    say("summary state=WATCH tx4=0 tx6=0 rx_ok=%d rx_bad=%d rx_other=%d end=%s"
        % (st["rx_ok"], st["rx_bad"], st["rx_other"], how))
    return 0 if st["rx_ok"] >= a.count and (a.allow_bad or not st["rx_bad"]) else 1


def cmd_run(a):
    gate(a)
    if not (0 <= a.advbase <= 255 and 0 <= a.advskew <= 255) or \
            (a.advbase == 0 and a.advskew == 0):
        raise Refused("advbase and advskew are 0..255, not both 0")
    if not 0 <= a.demote <= 255:
        raise Refused("--demote is 0..255")
    node = Node(a, vhid_from(a), passive=False)
    how = loop(node, a.duration)
    say("summary state=%s tx4=%d tx6=%d rx_ok=%d rx_bad=%d rx_other=%d end=%s"
        % ((node.state,) + tuple(node.stats[k] for k in
                                 ("tx4", "tx6", "rx_ok", "rx_bad", "rx_other"))
           + (how,)))
    return 0


# ---- self-test ------------------------------------------------------------------

KEY = b"love"
CTR = bytes.fromhex("20ac0903b44a6a74")
# The reference's golden IPv6 advert of V3 (advbase 1, advskew 0), as an
# OpenBSD or FreeBSD master puts it on the wire from fe80::1.
GOLDEN_V3 = bytes.fromhex(
    "333300000012" "00005e00012a" "86dd" "60000000" "0024" "70" "ff"
    "fe800000000000000000000000000001" "ff020000000000000000000000000012"
    "212a00070001a57c" "20ac0903b44a6a74"
    "19da3ca6746c93f37bba4e4085bb70c13f2c925e")
V4SET = ["198.18.0.100", "2001:db8::100", "2001:db8::2"]


class Selftest:
    def __init__(self):
        self.bad = 0

    def check(self, name, ok, detail=""):
        say("%s %s%s" % ("ok  " if ok else "FAIL", name,
                         (" (" + detail + ")") if detail and not ok else ""))
        if not ok:
            self.bad += 1

    def vector(self, name, cfg, ctx, want_msg, want_md, counter=CTR):
        msg = cfg.contexts[ctx] + counter
        md = hmac_digest(cfg.key, cfg.contexts[ctx], counter).hex()
        self.check("%s message" % name, want_msg is None or
                   msg.hex() == want_msg, msg.hex())
        self.check("%s hmac %s" % (name, want_md[:8]), md == want_md, md)

    def vectors(self):
        v1 = Vhid(42, "love", ["198.18.0.100"])
        self.vector("V1", v1, "nov6ll", "02012ac612006420ac0903b44a6a74",
                    "847f4237b1d2cdbd096eac1b20854483dca75c26")
        v2 = Vhid(42, "love", ["198.18.0.100", "10.0.0.1", "198.18.0.20"],
                  "freebsd")
        self.vector("V2", v2, "freebsd",
                    "02012a0a000001c6120014c612006420ac0903b44a6a74",
                    "a6409ea82b72edc2486c39e2ff74fcd8abf954f8")
        for order in (["10.0.0.1", "198.18.0.20", "198.18.0.100"],
                      ["198.18.0.20", "198.18.0.100", "10.0.0.1",
                       "198.18.0.20/24"]):
            self.check("V2 any order, each once: %s" % ",".join(order),
                       Vhid(42, "love", order).contexts["nov6ll"] ==
                       v2.contexts["freebsd"])
        unsorted = hmac_prefix(42, v2.v4, [], sort=False)
        self.check("V2-unsorted (FreeBSD <= 9) hmac 88659313",
                   hmac_digest(KEY, unsorted, CTR).hex() ==
                   "886593131bb159d81f2dd92944647bf233e8ae35")
        self.vector("V3", Vhid(42, "love", ["2001:db8::100"], "freebsd"),
                    "freebsd", "02012a20010db8000000000000000000000100"
                    "20ac0903b44a6a74",
                    "19da3ca6746c93f37bba4e4085bb70c13f2c925e")
        v4msg = ("02012ac6120064" "20010db8000000000000000000000002"
                 "20010db8000000000000000000000100" "20ac0903b44a6a74")
        self.vector("V4", Vhid(42, "love", V4SET, "freebsd"), "freebsd",
                    v4msg, "8db281512d78f0c656a273fbe219659efb51ea08")
        obsd = Vhid(42, "love", V4SET)
        self.check("V5 carp link-local is fe80::200:5eff:fe00:12a",
                   obsd.carp_ll == [ipaddress.IPv6Address(
                       "fe80::200:5eff:fe00:12a").packed])
        self.vector("V5 (OpenBSD orig)", obsd, "orig",
                    v4msg[:-16] + "fe8000000000000002005efffe00012a" + CTR.hex(),
                    "4e0bc11105d1b4619b0a76badf5694ef109509a6")
        self.vector("V6 (OpenBSD nov6ll, sent)", obsd, "nov6ll", v4msg,
                    "8db281512d78f0c656a273fbe219659efb51ea08")
        self.vector("V7 (OpenBSD lladdr)", Vhid(42, "love", ["198.18.0.100"],
                                                lladdr="02:00:00:aa:bb:cc"),
                    "nov6ll", "0201020000aabbcc2ac612006420ac0903b44a6a74",
                    "680b132ebb7cdd7abfb48b95af1f166b766fdb81")
        self.check("V7 default lladdr 00:00:5e:00:01:2a is not hashed",
                   Vhid(42, "love", ["198.18.0.100"],
                        lladdr="00:00:5e:00:01:2a").contexts == v1.contexts)
        self.check("V7 FreeBSD never hashes an lladdr",
                   Vhid(42, "love", ["198.18.0.100"], "freebsd",
                        lladdr="02:00:00:aa:bb:cc").contexts["freebsd"] ==
                   v1.contexts["nov6ll"])
        for pw in ("", None, "\0" * 19):
            self.vector("V8 (no password %r)" % (pw,),
                        Vhid(1, pw, ["192.0.2.1"]), "nov6ll",
                        "020101c00002010000000000000000",
                        "bbe88f01caf95b48d25fe8f2a7166f4d7a474ff0",
                        counter=bytes(8))
        self.check("V8 a 20-zero-byte key is the empty key",
                   hmac.new(bytes(20), bytes.fromhex("020101c00002010000000000000000"),
                            hashlib.sha1).hexdigest() ==
                   "bbe88f01caf95b48d25fe8f2a7166f4d7a474ff0")
        x = hmac.new(KEY, bytes.fromhex("212ac6120064"), hashlib.sha1).hexdigest()
        self.check("X scapy 2.5.0's HMAC is 544c93a6 and not V1",
                   x == "544c93a6e174880d764bdbc3120ad58565e54af1" and
                   x != "847f4237b1d2cdbd096eac1b20854483dca75c26")
        self.check("password truncated to 19 bytes as ifconfig does",
                   Vhid(1, "a" * 25, ["198.18.0.1"]).key == b"a" * 19)

    def mutations(self):
        """Every field of a vector changed once changes the HMAC."""
        base = Vhid(42, "love", V4SET, "freebsd")
        want = hmac_digest(KEY, base.contexts["freebsd"], CTR)
        for name, cfg, ctr in (
                ("vhid", Vhid(43, "love", V4SET, "freebsd"), CTR),
                ("key", Vhid(42, "lovf", V4SET, "freebsd"), CTR),
                ("one IPv4", Vhid(42, "love", ["198.18.0.101"] + V4SET[1:],
                                  "freebsd"), CTR),
                ("one IPv6", Vhid(42, "love", V4SET[:2] + ["2001:db8::3"],
                                  "freebsd"), CTR),
                ("an extra address", Vhid(42, "love", V4SET + ["198.18.0.1"],
                                          "freebsd"), CTR),
                ("a missing address", Vhid(42, "love", V4SET[:2], "freebsd"),
                 CTR),
                ("counter", base, CTR[:7] + b"\x75")):
            md = hmac_digest(cfg.key, cfg.contexts["freebsd"], ctr)
            self.check("mutated %s changes the HMAC" % name, md != want)
        ll = Vhid(42, "love", V4SET + ["fe80:7::5"], "freebsd")
        self.check("a link-local VIP is hashed scope-zeroed (FreeBSD)",
                   bytes.fromhex("fe800000000000000000000000000005")
                   in ll.contexts["freebsd"])
        ol = Vhid(42, "love", V4SET + ["fe80::5"])
        self.check("OpenBSD nov6ll leaves out every link-local",
                   ol.contexts["nov6ll"] == obsd_nov6ll())

    def frames(self):
        v3 = Vhid(42, "love", ["2001:db8::100"], "freebsd")
        carp = carp_header(42, 1, 0, CTR, hmac_digest(KEY, v3.contexts["freebsd"], CTR))
        ours = ipv6_frame(vmac(42), "fe80::1", carp)
        self.check("golden IPv6 advert built byte for byte", ours == GOLDEN_V3,
                   ours.hex())
        self.check("golden IPv6 advert: checksum a57c, 36 bytes sum to ffff",
                   carp[6:8] == b"\xa5\x7c" and cksum(carp) == 0)
        for flavor in ("openbsd", "freebsd"):
            adv = inspect(GOLDEN_V3, Vhid(42, "love", ["2001:db8::100"], flavor,
                                          carp_ll="none"))
            self.check("golden IPv6 advert verifies (%s): %s" % (flavor, adv.line()),
                       adv.ok and adv.fam == 6 and adv.advbase == 1)
        obsd = Vhid(42, "love", ["2001:db8::100"])
        adv = inspect(GOLDEN_V3, obsd)
        self.check("OpenBSD with carpN link-local: nov6ll only",
                   adv.ok and adv.hmac == ["nov6ll"], adv.line())
        self.mutated_frames(v3)

    def mutated_frames(self, v3):
        g = GOLDEN_V3
        pseudo = (g[22:54] + struct.pack("!IxxxB", CARP_LEN, CARP_PROTO) +
                  g[54:60] + b"\0\0" + g[62:])
        cases = {
            "ttl": g[:21] + b"\xfe" + g[22:],
            "cksum": g[:60] + b"\xa5\x7d" + g[62:],
            "cksum (pseudo-header, as IPV6_CHECKSUM)":
                g[:60] + struct.pack("!H", cksum(pseudo)) + g[62:],
            "hmac": g[:-1] + b"\x5f",
            "version": g[:54] + b"\x31" + g[55:],
            "eth_dst": bytes.fromhex("01005e00012a") + g[6:],
            "dst": g[:53] + b"\x01" + g[54:],
            "short": g[:18] + b"\x00\x20" + g[20:86],
            "ext_header": (g[:20] + b"\x00" + g[21:54] +
                           b"\x70\x00\x01\x04\x00\x00\x00\x00" + g[54:]),
        }
        for why, fr in cases.items():
            adv = inspect(fr, v3)
            key = why.split(" ")[0]
            self.check("mutated %s: BAD why=%s" % (why, key),
                       adv is not None and not adv.ok and key in adv.why,
                       adv.line() if adv else "not seen")
        other = inspect(g[:55] + b"\x2b" + g[56:], v3)
        self.check("another vhid is not judged", other.vhid == 43 and
                   not other.hmac)
        self.check("the set must match: one more address fails the HMAC",
                   not inspect(g, Vhid(42, "love", ["2001:db8::100", "198.18.0.1"],
                                       "freebsd")).ok)
        self.check("an IPv6 packet under the IPv4 ethertype is no CARP",
                   inspect(g[:12] + b"\x08\x00" + g[14:], v3) is None)

    def capture(self, path):
        """V1: the real ucarp 1.5.2 adverts verify under every context."""
        frames = read_pcap(path)
        v1o = Vhid(42, "love", ["198.18.0.100"])
        v1f = Vhid(42, "love", ["198.18.0.100"], "freebsd")
        # Frames 1 and 5 are gratuitous ARPs; the other 9 are adverts.
        adverts = [(i, f) for i, f in enumerate(frames, 1)
                   if inspect(f, v1o) is not None]
        self.check("capture holds 9 adverts", len(adverts) == 9, str(len(adverts)))
        first = adverts[0][1][34:] if adverts else b""
        self.check("capture frame 2 is V1 (counter 20ac0903, hmac 847f4237)",
                   first[8:16] == CTR and first[16:36].hex() ==
                   "847f4237b1d2cdbd096eac1b20854483dca75c26")
        for i, f in adverts:
            ao, af = inspect(f, v1o), inspect(f, v1f)
            self.check("capture frame %d: OpenBSD %s, FreeBSD %s" %
                       (i, ",".join(ao.hmac), ",".join(af.hmac)),
                       ao.ok and af.ok and ao.hmac == ["nov6ll", "orig"] and
                       ao.ttl == 255 and ao.src == "198.18.1.2", ao.line())
        bad = bytearray(adverts[0][1])
        bad[22] = 254
        bad[24:26] = b"\0\0"
        bad[24:26] = struct.pack("!H", cksum(bytes(bad[14:34])))
        self.check("capture frame 2 with TTL 254: BAD why=ttl",
                   inspect(bytes(bad), v1o).why == ["ttl"])

    def election(self):
        o = {"advbase": 1, "advskew": 100, "demote": 0}
        cases = (
            ("openbsd", "MASTER", {"advbase": 1, "advskew": 50, "demote": 0}, False, "backup"),
            ("openbsd", "MASTER", {"advbase": 1, "advskew": 100, "demote": 0}, False, "backup"),
            ("openbsd", "MASTER", {"advbase": 1, "advskew": 150, "demote": 0}, False, None),
            ("openbsd", "MASTER", {"advbase": 1, "advskew": 50, "demote": 1}, False, None),
            ("freebsd", "MASTER", {"advbase": 1, "advskew": 50, "demote": 1}, False, "backup"),
            ("openbsd", "BACKUP", {"advbase": 1, "advskew": 150, "demote": 0}, False, "rearm"),
            ("openbsd", "BACKUP", {"advbase": 1, "advskew": 150, "demote": 0}, True, "master"),
            ("openbsd", "BACKUP", {"advbase": 1, "advskew": 0, "demote": 1}, False, "master"),
            ("freebsd", "BACKUP", {"advbase": 1, "advskew": 0, "demote": 1}, False, "rearm"),
            ("freebsd", "BACKUP", {"advbase": 255, "advskew": 255, "demote": 0}, False, "master"),
        )
        for flavor, state, peer, pre, want in cases:
            got = decide(flavor, state, o, peer, pre)
            self.check("election %s %s vs %s preempt=%s: %s" %
                       (flavor, state, peer, pre, want), got == want, str(got))
        self.check("master-down 3 x 1 s + 100/256 s",
                   master_down_us(1, 100) == 3 * US + 390625)

    def gate(self):
        for addr in ("10.0.0.1", "192.0.2.1", "2001:db9::1", "ff02::12", "8.8.8.8"):
            try:
                check_allowed(addr, "--addr")
                self.check("gate refuses %s" % addr, False)
            except Refused:
                self.check("gate refuses %s" % addr, True)
        for addr in ("198.18.0.1", "198.19.255.254", "2001:db8::1", "fe80::1"):
            try:
                check_allowed(addr, "--addr")
                self.check("gate allows %s" % addr, True)
            except Refused as e:
                self.check("gate allows %s" % addr, False, str(e))


def obsd_nov6ll():
    return Vhid(42, "love", V4SET).contexts["nov6ll"]


def read_pcap(path):
    """The frames of a classic Ethernet pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    end = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
           b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}.get(data[:4])
    if end is None or struct.unpack(end + "I", data[20:24])[0] != 1:
        raise Refused("%s: not a classic Ethernet pcap file" % path)
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def cmd_selftest(a):
    t = Selftest()
    t.vectors()
    t.mutations()
    t.frames()
    t.capture(a.capture)
    t.election()
    t.gate()
    say("selftest %s: %d failed" % ("FAIL" if t.bad else "PASS", t.bad))
    return 1 if t.bad else 0


# ---- command line -----------------------------------------------------------

def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        prog="bsdpeer.py", description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("selftest")
    st.add_argument("--capture", default=os.path.join(
        os.environ.get("TESTDATA", os.path.join(here, "..", "data")),
        "ucarp-1.5.2-advert.pcap"))
    for name in ("hmac", "watch", "run"):
        p = sub.add_parser(name)
        p.add_argument("--vhid", type=int, required=True)
        p.add_argument("--pass", dest="password", default="")
        p.add_argument("--addr", action="append", required=True)
        p.add_argument("--flavor", choices=("openbsd", "freebsd"),
                       default="openbsd")
        p.add_argument("--lladdr")
        p.add_argument("--carp-ll", default="auto")
        if name == "hmac":
            p.add_argument("--counter", default=CTR.hex())
            continue
        p.add_argument("--netns")
        p.add_argument("--dev", required=True)
        p.add_argument("--from", dest="from_addr")
        p.add_argument("--duration", type=float, default=60.0)
        p.add_argument("-v", "--verbose", action="store_true")
        if name == "watch":
            p.add_argument("--count", type=int, default=10)
            p.add_argument("--allow-bad", action="store_true")
            continue
        p.add_argument("--advbase", type=int, default=1)
        p.add_argument("--advskew", type=int, default=0)
        p.add_argument("--demote", type=int, default=0)
        p.add_argument("--preempt", action="store_true")
        p.add_argument("--start", choices=("backup", "master"), default="backup")
        p.add_argument("--src")
        p.add_argument("--send-context", choices=("nov6ll", "orig", "freebsd"))
        p.add_argument("--families", choices=("4", "6", "46"))
    a = ap.parse_args(argv)
    try:
        return {"selftest": cmd_selftest, "hmac": cmd_hmac, "watch": cmd_watch,
                "run": cmd_run}[a.cmd](a)
    except (Refused, ValueError) as e:
        print("bsdpeer.py: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
