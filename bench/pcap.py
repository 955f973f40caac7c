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
                                 to NEW (NEW's adverts after OLD's last): "ROUTERS MOVED MAX_TAKEOVER_GAP
                                 MAX_LATE_GAP LAST_FIRST WORST MEDIAN_GAP
                                 LATEST": the longest silence at takeover
                                 (and its router, WORST; the median), the
                                 longest gap beyond INTERVAL s between two
                                 adverts of the new master (its router,
                                 LATEST), the new masters' last first
                                 advert
  gaps FILE T [SKIP...]          across time T, for every router but the
                                 SKIP ones: "MAX_GAP ROUTER BASE SILENT":
                                 the longest gap between the last advert
                                 before T and the first after, the longest
                                 gap between two adverts before T, and the
                                 routers silent after T
  rate FILE                      adverts per second over the capture
  settled FILE N MASTER BACKUP NOW WINDOW [STATE]
                                 "yes" when in the last WINDOW s before NOW
                                 the host byte MASTER advertised N routers
                                 and BACKUP none, else "no COVERED
                                 BACKUP_ADVERTS"; with STATE (a file kept
                                 between calls) each call reads only what
                                 the capture gained since the last
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
import mmap
import signal
import struct
import sys


def adverts(path, families=(4,), start=0):
    """Yield (time, src, id, byte2, byte5, offset) of each protocol-112
    packet: src the sender's address as bytes (4, or 16 for IPv6, if
    asked), offset where its record starts in the file.  The file is
    mapped, not read, and a record still being written ends the walk:
    captures of 10,000 routers hold a million frames, and tcpdump is
    still writing them."""
    with open(path, 'rb') as f:
        try:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:		# empty
            return
    size = len(mm)
    if size < 24:
        return
    magic = struct.unpack_from('<I', mm, 0)[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = '<'
    else:
        end = '>'
        magic = struct.unpack_from('>I', mm, 0)[0]
    div = 1e9 if magic == 0xa1b23c4d else 1e6
    linktype = struct.unpack_from(end + 'I', mm, 20)[0] & 0xffff
    if linktype == 1:			# Ethernet
        off, eth = 14, 12
    elif linktype == 113:		# Linux cooked (SLL)
        off, eth = 16, 14
    elif linktype == 276:		# Linux cooked v2 (SLL2)
        off, eth = 20, 0
    elif linktype in (101, 228):	# raw IPv4
        off, eth = 0, None
    else:
        raise SystemExit('%s: link type %d not handled' % (path, linktype))
    v6 = 6 in families
    rec = struct.Struct(end + 'IIII').unpack_from
    pos = max(24, start)
    while pos + 16 <= size:
        sec, frac, incl, _ = rec(mm, pos)
        d = pos + 16
        nxt = d + incl
        if nxt > size:
            return
        if eth is None:
            et = 0x0800
        else:
            et = mm[d + eth] << 8 | mm[d + eth + 1]
        o = d + off
        if et == 0x0800 and incl - off >= 26 and mm[o] >> 4 == 4 and mm[o + 9] == 112:
            src = mm[o + 12:o + 16]
            p = o + (mm[o] & 15) * 4
        elif v6 and et == 0x86dd and incl - off >= 46 and mm[o] >> 4 == 6 and mm[o + 6] == 112:
            src = mm[o + 8:o + 24]
            p = o + 40
        else:
            pos = nxt
            continue
        if p + 6 <= nxt:
            yield sec + frac / div, src, mm[p + 1], mm[p + 2], mm[p + 5], pos
        pos = nxt


def canon(a):
    """An address as adverts() gives it (bytes)."""
    return ipaddress.ip_address(a).packed


def text(src):
    return str(ipaddress.ip_address(bytes(src)))


def router(src, rid):
    """A router's key: its link (the sender's third byte) and id."""
    return src[2] << 8 | rid


def name(r):
    return '%d/%d' % (r >> 8, r & 255) if isinstance(r, int) else r


def key(r):
    """A router named "L/ID" as router() keys it."""
    l, _, i = r.partition('/')
    return int(l) << 8 | int(i)


def host(src):
    return src[3]


def cmd_count(path, src):
    src = canon(src)
    print(sum(1 for a in adverts(path, (4, 6)) if a[1] == src))


def cmd_dump(path):
    for t, src, rid, b2, b5, _ in adverts(path):
        print('%.6f %s %d %d %d' % (t, text(src), rid, b2, b5))


def cmd_failover(path, old, new):
    last = first = None
    old, new = canon(old), canon(new)
    for t, src, _, _, _, _ in adverts(path, (4, 6)):
        if src == old:
            last = t
        elif src == new and first is None:
            first = t
    if last is None or first is None:
        raise SystemExit('failover: no advert from %s' % text(old if last is None else new))
    print('%.6f %.6f' % (last, first))


def cmd_takeover(path, old, new, interval):
    old, new, interval = int(old), int(new), float(interval)
    last_old, seq_new = {}, {}
    for t, src, rid, _, _, _ in adverts(path):
        h = src[3]
        if h == old:
            last_old[router(src, rid)] = t
        elif h == new:
            r = router(src, rid)
            s = seq_new.get(r)
            if s is None:
                seq_new[r] = [t]
            else:
                s.append(t)
    # Only what NEW sent after OLD's last advert is the takeover: a
    # backup that advertised while the pair was starting (both daemons
    # start at once) would otherwise show a gap from then to now.
    for r in seq_new:
        if r in last_old:
            seq_new[r] = [t for t in seq_new[r] if t > last_old[r]]
    moved = [r for r in seq_new if r in last_old and seq_new[r]]
    gaps = sorted((seq_new[r][0] - last_old[r], r) for r in moved)
    take, worst = gaps[-1] if gaps else (float('nan'), '-')
    med = gaps[len(gaps) // 2][0] if gaps else float('nan')
    late, lr = 0.0, '-'
    for r in moved:
        s = seq_new[r]
        for x, y in zip(s, s[1:]):
            if y - x - interval > late:
                late, lr = y - x - interval, r
    last_first = max((seq_new[r][0] for r in moved), default=float('nan'))
    print('%d %d %.6f %.6f %.6f %s %.6f %s' % (len(set(last_old) | set(seq_new)), len(moved),
                                               take, late, last_first, name(worst), med, name(lr)))


def cmd_gaps(path, t, *skip):
    t, skip = float(t), {key(r) for r in skip}
    last, first, prev, base = {}, {}, {}, 0.0
    for ts, src, rid, _, _, _ in adverts(path):
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
    print('%.6f %s %.6f %d' % (worst, name(wr), base, silent))


def cmd_rate(path):
    ts = [a[0] for a in adverts(path)]
    if len(ts) < 2:
        print('0')
    else:
        print('%.3f' % ((len(ts) - 1) / (ts[-1] - ts[0])))


def cmd_settled(path, n, master, backup, now, window, state=None):
    """With STATE (a file), the walk starts where the last call's window
    began (less a second for time stamps out of order across CPUs), and
    leaves the same for the next call: polling a growing capture then
    costs its new frames only."""
    n, master, backup = int(n), int(master), int(backup)
    since = float(now) - float(window)
    start, mark = 0, None
    if state:
        try:
            with open(state) as f:
                start = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            start = 0
    seen, bad = set(), 0
    for t, src, rid, _, _, pos in adverts(path, start=start):
        if mark is None and t >= since - 1:
            mark = pos
        if t < since:
            continue
        h = src[3]
        if h == master:
            seen.add(router(src, rid))
        elif h == backup:
            bad += 1
    if state and mark is not None:
        with open(state, 'w') as f:
            f.write('%d\n' % mark)
    print('yes' if len(seen) >= n and bad == 0 else 'no %d %d' % (len(seen), bad))


def cmd_window(path, t0, t1):
    t0, t1 = float(t0), float(t1)
    seen, count = set(), 0
    for t, src, rid, _, _, _ in adverts(path):
        if t0 <= t < t1:
            count += 1
            seen.add(router(src, rid))
    print('%d %d' % (count, len(seen)))


def cmd_gapwin(path, t0, t1, *skip):
    t0, t1, skip = float(t0), float(t1), {key(r) for r in skip}
    prev, hi, lo = {}, (0.0, '-'), (float('inf'), '-')
    for t, src, rid, _, _, _ in adverts(path):
        r = router(src, rid)
        if r in skip or not t0 <= t <= t1:
            continue
        if r in prev:
            g = t - prev[r]
            if g > hi[0]:
                hi = (g, r)
            if g < lo[0]:
                lo = (g, r)
        prev[r] = t
    print('%.6f %s %.6f %s %d' % (hi[0], name(hi[1]), lo[0], name(lo[1]), len(prev)))


def cmd_addrlate(path, old, mon, bound):
    """Per router: its address added on the new master (ip -ts -o monitor
    address log: VIP 198.19.l.v is router 10+l/v) after the old master's
    last advert, minus the bound.  Prints the worst in ms, its router, and
    how many routers had both."""
    import datetime
    old, bound = int(old), float(bound)
    last_old, added = {}, {}
    for t, src, rid, _, _, _ in adverts(path):
        if host(src) == old:
            last_old[router(src, rid)] = t
    for line in open(mon):
        if not line.startswith('[') or 'Deleted' in line or ' inet 198.19.' not in line:
            continue
        t = datetime.datetime.fromisoformat(line[1:line.index(']')]).timestamp()
        a = line.split(' inet ')[1].split('/')[0].split('.')
        r = (10 + int(a[2])) << 8 | int(a[3])
        added.setdefault(r, t)
    worst, wr, n = float('-inf'), '-', 0
    for r, t in added.items():
        if r in last_old:
            n += 1
            if t - last_old[r] - bound > worst:
                worst, wr = t - last_old[r] - bound, r
    print('%.1f %s %d' % (worst * 1000 if n else float('nan'), name(wr), n))


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
