#!/usr/bin/env python3
"""bench/pcap.py: read the benchmarks' captures (python3 standard library).

Every IPv4 protocol-112 packet is a CARP or VRRP advert; both carry the
router's id (vhid, VRID) in byte 1 of the header.  A router is named by
its link and id: "L/ID", L the third byte of the sender's address (the
benchmark networks give each link its own /24, see bench/lib.sh).  IPv6
adverts (next header 112, from a link-local address) are seen by count
and failover only, where SRC, OLD and NEW may be IPv6 addresses.

  count FILE SRC                 adverts sent by SRC
  dump FILE                      "TIME SRC ID BYTE2 BYTE5" per advert
  failover FILE OLD NEW          "LAST_OLD FIRST_NEW": the old master's
                                 last advert, the new one's first
  takeover FILE OLD NEW INTERVAL per router that moved from host byte OLD
                                 to NEW: "ROUTERS MOVED MAX_TAKEOVER_GAP
                                 MAX_LATE_GAP LAST_FIRST": the longest
                                 silence at takeover, the longest gap
                                 beyond INTERVAL s between two adverts of
                                 the new master, the new masters' last
                                 first advert
  gaps FILE T [SKIP...]          across time T, for every router but the
                                 SKIP ones: "MAX_GAP ROUTER BASE SILENT":
                                 the longest gap between the last advert
                                 before T and the first after, the longest
                                 gap between two adverts before T, and the
                                 routers silent after T
  rate FILE                      adverts per second over the capture
  settled FILE N MASTER BACKUP NOW WINDOW
                                 "yes" when in the last WINDOW s before NOW
                                 the host byte MASTER advertised N routers
                                 and BACKUP none, else "no COVERED BACKUP_ADVERTS"
  window FILE FROM TO            adverts in [FROM, TO) and routers seen
  gapwin FILE FROM TO [SKIP...]  between two adverts of one router, both in
                                 [FROM, TO], for every router but SKIP:
                                 "MAX_GAP ROUTER MIN_GAP ROUTER ROUTERS"
  addrlate FILE OLD MON BOUND    per router, its address (198.19.L-10.ID)
                                 added in MON (ip -ts -o monitor address)
                                 after OLD's last advert, minus BOUND s:
                                 "WORST_MS ROUTER ROUTERS"
Times are seconds since the epoch, as the capture stamped them.
"""
import ipaddress
import signal
import struct
import sys


def packets(path, families=(4,)):
    """Yield (time, ip_header_bytes_and_payload) of each IPv4 (and, if
    asked, IPv6) packet."""
    with open(path, 'rb') as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = struct.unpack('<I', head[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            end = '<'
        else:
            end = '>'
            magic = struct.unpack('>I', head[:4])[0]
        nano = magic == 0xa1b23c4d
        linktype = struct.unpack(end + 'I', head[20:24])[0] & 0xffff
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(end + 'IIII', rec)
            data = f.read(incl)
            if len(data) < incl:
                return
            t = sec + frac / (1e9 if nano else 1e6)
            if linktype == 1:		# Ethernet
                off, etype = 14, data[12:14]
            elif linktype == 113:	# Linux cooked (SLL)
                off, etype = 16, data[14:16]
            elif linktype == 276:	# Linux cooked v2 (SLL2)
                off, etype = 20, data[0:2]
            elif linktype in (101, 228):	# raw IPv4
                off, etype = 0, b'\x08\x00'
            else:
                raise SystemExit('%s: link type %d not handled' % (path, linktype))
            if etype == b'\x08\x00' or (etype == b'\x86\xdd' and 6 in families):
                yield t, data[off:]


def adverts(path, families=(4,)):
    """Yield (time, src, id, byte2, byte5) of each protocol-112 packet."""
    for t, ip in packets(path, families):
        if len(ip) >= 40 and ip[0] >> 4 == 6 and ip[6] == 112:
            p = ip[40:]
            src = str(ipaddress.IPv6Address(ip[8:24]))
        elif len(ip) >= 20 and ip[0] >> 4 == 4 and ip[9] == 112:
            p = ip[(ip[0] & 15) * 4:]
            src = '.'.join(str(b) for b in ip[12:16])
        else:
            continue
        if len(p) < 6:
            continue
        yield t, src, p[1], p[2], p[5]


def canon(a):
    """An address as adverts() writes it (IPv6 compressed)."""
    return str(ipaddress.ip_address(a))


def router(src, rid):
    return '%s/%d' % (src.split('.')[2], rid)


def host(src):
    return int(src.split('.')[3])


def cmd_count(path, src):
    src = canon(src)
    print(sum(1 for a in adverts(path, (4, 6)) if a[1] == src))


def cmd_dump(path):
    for t, src, rid, b2, b5 in adverts(path):
        print('%.6f %s %d %d %d' % (t, src, rid, b2, b5))


def cmd_failover(path, old, new):
    last = first = None
    old, new = canon(old), canon(new)
    for t, src, _, _, _ in adverts(path, (4, 6)):
        if src == old:
            last = t
        elif src == new and first is None:
            first = t
    if last is None or first is None:
        raise SystemExit('failover: no advert from %s' % (old if last is None else new))
    print('%.6f %.6f' % (last, first))


def cmd_takeover(path, old, new, interval):
    old, new, interval = int(old), int(new), float(interval)
    last_old, seq_new = {}, {}
    for t, src, rid, _, _ in adverts(path):
        r = router(src, rid)
        if host(src) == old:
            last_old[r] = t
        elif host(src) == new:
            seq_new.setdefault(r, []).append(t)
    moved = [r for r in seq_new if r in last_old]
    take = max((seq_new[r][0] - last_old[r] for r in moved), default=float('nan'))
    late = 0.0
    for r in moved:
        s = seq_new[r]
        for a, b in zip(s, s[1:]):
            late = max(late, b - a - interval)
    last_first = max((seq_new[r][0] for r in moved), default=float('nan'))
    print('%d %d %.6f %.6f %.6f' % (len(set(last_old) | set(seq_new)), len(moved),
                                    take, late, last_first))


def cmd_gaps(path, t, *skip):
    t = float(t)
    last, first, prev, base = {}, {}, {}, 0.0
    for ts, src, rid, _, _ in adverts(path):
        r = router(src, rid)
        if r in skip:
            continue
        if ts < t:
            if r in prev:
                base = max(base, ts - prev[r])
            prev[r] = last[r] = ts
        elif r not in first:
            first[r] = ts
    worst, wr, silent = 0.0, '-', 0
    for r in last:
        if r not in first:
            silent += 1
            continue
        if first[r] - last[r] > worst:
            worst, wr = first[r] - last[r], r
    print('%.6f %s %.6f %d' % (worst, wr, base, silent))


def cmd_rate(path):
    ts = [a[0] for a in adverts(path)]
    if len(ts) < 2:
        print('0')
    else:
        print('%.3f' % ((len(ts) - 1) / (ts[-1] - ts[0])))


def cmd_settled(path, n, master, backup, now, window):
    n, master, backup = int(n), int(master), int(backup)
    since = float(now) - float(window)
    seen, bad = set(), 0
    for t, src, rid, _, _ in adverts(path):
        if t < since:
            continue
        if host(src) == master:
            seen.add(router(src, rid))
        elif host(src) == backup:
            bad += 1
    print('yes' if len(seen) >= n and bad == 0 else 'no %d %d' % (len(seen), bad))


def cmd_window(path, t0, t1):
    t0, t1 = float(t0), float(t1)
    seen, count = set(), 0
    for t, src, rid, _, _ in adverts(path):
        if t0 <= t < t1:
            count += 1
            seen.add(router(src, rid))
    print('%d %d' % (count, len(seen)))


def cmd_gapwin(path, t0, t1, *skip):
    t0, t1 = float(t0), float(t1)
    prev, hi, lo = {}, (0.0, '-'), (float('inf'), '-')
    for t, src, rid, _, _ in adverts(path):
        r = router(src, rid)
        if r in skip or not t0 <= t <= t1:
            continue
        if r in prev:
            g = t - prev[r]
            hi = max(hi, (g, r))
            lo = min(lo, (g, r))
        prev[r] = t
    print('%.6f %s %.6f %s %d' % (hi[0], hi[1], lo[0], lo[1], len(prev)))


def cmd_addrlate(path, old, mon, bound):
    """Per router: its address added on the new master (ip -ts -o monitor
    address log: VIP 198.19.l.v is router 10+l/v) after the old master's
    last advert, minus the bound.  Prints the worst in ms, its router, and
    how many routers had both."""
    import datetime
    old, bound = int(old), float(bound)
    last_old, added = {}, {}
    for t, src, rid, _, _ in adverts(path):
        if host(src) == old:
            last_old[router(src, rid)] = t
    for line in open(mon):
        if not line.startswith('[') or 'Deleted' in line or ' inet 198.19.' not in line:
            continue
        t = datetime.datetime.fromisoformat(line[1:line.index(']')]).timestamp()
        a = line.split(' inet ')[1].split('/')[0].split('.')
        r = '%d/%d' % (10 + int(a[2]), int(a[3]))
        added.setdefault(r, t)
    worst, wr, n = float('-inf'), '-', 0
    for r, t in added.items():
        if r in last_old:
            n += 1
            if t - last_old[r] - bound > worst:
                worst, wr = t - last_old[r] - bound, r
    print('%.1f %s %d' % (worst * 1000 if n else float('nan'), wr, n))


def main(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cmds = {'count': cmd_count, 'dump': cmd_dump, 'failover': cmd_failover,
            'takeover': cmd_takeover, 'gaps': cmd_gaps, 'rate': cmd_rate,
            'settled': cmd_settled, 'window': cmd_window, 'gapwin': cmd_gapwin,
            'addrlate': cmd_addrlate}
    if len(argv) < 3 or argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    try:
        cmds[argv[1]](*argv[2:])
    except TypeError:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
