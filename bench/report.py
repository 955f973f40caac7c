#!/usr/bin/env python3
"""bench/report.py: BENCHMARKS.md and its plots from bench/run's raw numbers.

  report.py --raw RAW.tsv --meta RAW.tsv.meta --plots DIR [--analysis FILE]

RAW holds one number per line: SCENARIO IMPL METRIC REP VALUE (tab
separated, see bench/lib.sh).  Every figure is reported as median [min-max]
over its repetitions, ours next to each peer with the ratio peer / ours.
The plots are drawn with gnuplot (pngcairo) into DIR; the Markdown goes to
standard output.  python3 standard library only.
"""
import argparse
import collections
import math
import os
import subprocess
import sys

NAMES = {
    'ours': 'ours',
    'ours_j1': 'ours, script_jobs 1',
    'ours_j64': 'ours, script_jobs 64',
    'ours_addr': 'ours, manage_addresses',
    'ours_ipscript': 'ours, up script (ip addr add)',
    'ucarp': 'ucarp 1.5.2',
    'kav2': 'keepalived VRRPv2',
    'kav3': 'keepalived VRRPv3',
}
ORDER = ['ours', 'ours_j1', 'ours_j64', 'ours_addr', 'ours_ipscript', 'ucarp',
         'kav2', 'kav3']
COLORS = {'ours': '#1b7837', 'ours_j1': '#5aae61', 'ours_j64': '#a6dba0',
          'ours_addr': '#00441b', 'ours_ipscript': '#d9f0d3',
          'ucarp': '#b2182b', 'kav2': '#2166ac', 'kav3': '#67a9cf'}
BOUND = {('crash', 'carp'): 3.390625, ('crash', 'vrrp'): 3.609375,
         ('linkloss', 'carp'): 3.390625, ('linkloss', 'vrrp'): 3.609375,
         ('fast', 'carp'): 0.3046875, ('fast', 'vrrp'): 0.3609375,
         ('crash6', 'carp'): 3.390625, ('crash6', 'vrrp'): 3.609375,
         ('crashds', 'carp'): 3.390625}


def family(impl):
    return 'vrrp' if impl.startswith('kav') else 'carp'


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


class Data:
    def __init__(self, path):
        self.v = collections.defaultdict(list)	# (sc, impl, metric) -> values
        self.failed = collections.Counter()	# (sc, impl) -> reps failed
        self.unsettled = collections.Counter()	# (sc, impl) -> reps measured unsettled
        self.skipped = collections.Counter()	# (sc, impl) -> reps not run (too many processes)
        self.scenarios = []
        rows, dead = [], set()
        with open(path) as f:
            for line in f:
                parts = line.rstrip('\n').split('\t')
                if len(parts) != 5:
                    continue
                sc, impl, metric, rep, value = parts
                if sc not in self.scenarios:
                    self.scenarios.append(sc)
                if metric == 'failed':
                    self.failed[(sc, impl)] += 1
                    dead.add((sc, impl, rep))
                elif metric == 'unsettled':
                    self.unsettled[(sc, impl)] += 1
                elif metric == 'skipped':
                    self.skipped[(sc, impl)] += 1
                else:
                    rows.append((sc, impl, metric, rep, value))
        # A failed repetition gave no figure worth a median.
        for sc, impl, metric, rep, value in rows:
            if (sc, impl, rep) in dead:
                continue
            try:
                x = float(value)
            except ValueError:
                continue
            if math.isfinite(x):
                self.v[(sc, impl, metric)].append(x)

    def impls(self, sc):
        seen = {i for (s, i, _) in self.v if s == sc} | \
            {i for (s, i) in self.failed if s == sc} | \
            {i for (s, i) in self.skipped if s == sc}
        return [i for i in ORDER if i in seen]

    def stat(self, sc, impl, metric):
        v = self.v.get((sc, impl, metric))
        if not v:
            return None
        return median(v), min(v), max(v), len(v)

    def sizes(self, prefix):
        out = []
        for sc in self.scenarios:
            if sc.startswith(prefix + '_'):
                try:
                    out.append(int(sc.split('_')[1]))
                except ValueError:
                    pass
        return sorted(set(out))


def num(x, unit):
    """x as text in its unit: (number, unit suffix)."""
    if unit == 's':
        return ('%.3f' % x, ' s') if abs(x) >= 0.1 else ('%.1f' % (x * 1000), ' ms')
    if unit == 'ms':
        return '%.1f' % x, ' ms'
    if unit == '%':
        return '%.2f' % x, ' %'
    if unit == 'MiB':
        return '%.1f' % x, ' MiB'
    if unit == '/s':
        return '%.1f' % x, '/s'
    if unit == 'ir':
        return '{:,}'.format(int(round(x))), ''
    if unit == 'n':
        return '%d' % round(x), ''
    return '%g' % x, ''


def fmt(x, unit):
    if x is None:
        return 'n/a'
    return ''.join(num(x, unit))


def cell(d, sc, impl, metric, unit, ratio=True):
    st = d.stat(sc, impl, metric)
    if st is None:
        if d.skipped[(sc, impl)]:
            return 'not run'
        return 'failed' if d.failed[(sc, impl)] else 'n/a'
    m, lo, hi, n = st
    s = fmt(m, unit)
    if n > 1 and lo != hi:
        # The range in the median's unit, so that it reads at a glance.
        u = 'ms' if unit == 's' and abs(m) < 0.1 else unit
        k = 1000 if u != unit else 1
        s += ' [%s-%s]' % (num(lo * k, u)[0] if u != 's' else num(lo, u)[0],
                           num(hi * k, u)[0] if u != 's' else num(hi, u)[0])
    if ratio and not impl.startswith('ours'):
        o = d.stat(sc, 'ours', metric)
        if o is not None and o[0] > 0 and m > 0:
            r = m / o[0]
            s += ' (%sx)' % ('%.2g' % r if r < 10 else '%d' % round(r))
    if d.failed[(sc, impl)]:
        s += ', %d failed' % d.failed[(sc, impl)]
    if d.unsettled[(sc, impl)]:
        s += ', %d unsettled' % d.unsettled[(sc, impl)]
    return s


def table(d, sc, cols, impls=None, extra=None):
    """cols: [(metric, header, unit)]; extra: [(header, fn(impl) -> str)]."""
    impls = impls or d.impls(sc)
    extra = extra or []
    head = ['daemon'] + [h for _, h, _ in cols] + [h for h, _ in extra]
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for impl in impls:
        row = [NAMES.get(impl, impl)] + [cell(d, sc, impl, m, u) for m, _, u in cols] + \
            [fn(impl) for _, fn in extra]
        out.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join(out)


# ---- plots -----------------------------------------------------------------

def q(text):
    """text as a gnuplot string."""
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def gnuplot(script, plots):
    try:
        subprocess.run(['gnuplot'], input=script.encode(), check=True, cwd=plots,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, 'stderr', b'') or b''
        sys.stderr.write('report.py: gnuplot failed: %s %s\n' % (e, err.decode(errors='replace')))
        return False


def bars(d, plots, name, title, ylabel, groups, logscale=False):
    """groups: [(label, scenario, metric, scale, offset)]: one cluster per
    group, a bar per daemon of (value + offset) x scale (median, min-max
    error bar)."""
    impls = [i for i in ORDER if any(d.stat(sc, i, m) for _, sc, m, _, _ in groups)]
    if not impls:
        return None
    dat = os.path.join(plots, name + '.dat')
    with open(dat, 'w') as f:
        for label, sc, m, k, off in groups:
            row = ['"%s"' % label]
            for i in impls:
                st = d.stat(sc, i, m)
                if st is None:
                    row += ['NaN', 'NaN', 'NaN']
                else:
                    row += ['%g' % ((x + off) * k) for x in st[:3]]
            f.write(' '.join(row) + '\n')
    plot = []
    for j, i in enumerate(impls):
        c = 2 + 3 * j
        plot.append("'%s.dat' using %d:%d:%d:xtic(1) title %s lc rgb '%s'"
                    % (name, c, c + 1, c + 2, q(NAMES[i]), COLORS[i]))
    script = '''set terminal pngcairo size 900,480 font "sans,10"
set output '%s.png'
set title %s
set ylabel %s
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside bottom center horizontal
%s
set yrange [%s:*]
plot %s
''' % (name, q(title), q(ylabel), 'set logscale y' if logscale else '',
       '0.001' if logscale else '0', ', '.join(plot))
    return name + '.png' if gnuplot(script, plots) else None


def lines(d, plots, name, title, prefix, metric, ylabel, goal=None):
    """One line per daemon over N; METRIC a metric, or a list of (metric,
    label) drawn per daemon in the daemon's colour, one dash type each;
    GOAL (value, label) a horizontal line."""
    series = [(metric, '')] if isinstance(metric, str) else metric
    sizes = d.sizes(prefix)
    cols = [(i, m, lab) for i in ORDER for m, lab in series
            if any(d.stat('%s_%d' % (prefix, n), i, m) for n in sizes)]
    if not cols or len(sizes) < 2:
        return None
    dat = os.path.join(plots, name + '.dat')
    with open(dat, 'w') as f:
        for n in sizes:
            row = [str(n)]
            for i, m, _ in cols:
                st = d.stat('%s_%d' % (prefix, n), i, m)
                row += ['NaN'] * 3 if st is None else ['%g' % st[0], '%g' % st[1], '%g' % st[2]]
            f.write(' '.join(row) + '\n')
    plot = []
    for j, (i, m, lab) in enumerate(cols):
        c = 2 + 3 * j
        dt = 1 + [x for x, _ in series].index(m)
        plot.append("'%s.dat' using 1:%d:%d:%d with yerrorlines title %s lc rgb '%s' dt %d lw 2 pt 7"
                    % (name, c, c + 1, c + 2, q(NAMES[i] + lab), COLORS[i], dt))
    script = '''set terminal pngcairo size 900,480 font "sans,10"
set output '%s.png'
set title %s
set xlabel 'virtual routers (N)'
set ylabel %s
set logscale xy
set grid
set key top left
plot %s
''' % (name, q(title), q(ylabel), ', '.join(
        plot + (['%g title %s lc rgb "#999999" dt 3 lw 2' % (goal[0], q(goal[1]))] if goal else [])))
    return name + '.png' if gnuplot(script, plots) else None


# ---- the report ------------------------------------------------------------

def storm_section(w, d, a, plots, rel, name, title, text, cols, plot):
    """One section per size of scenario NAME_N: a heading, TEXT, the table
    of COLS and a bar plot of PLOT = (title, label, metric, unit); % n in
    TITLE, TEXT and the plot's title is the size."""
    for n in d.sizes(name):
        sc = '%s_%d' % (name, n)
        big = '{:,}'.format(n)
        w('## ' + title.replace('%d', big))
        w('')
        w(text.replace('%d', big))
        w('')
        w(table(d, sc, cols))
        w('')
        p = bars(d, a.plots, name, plot[0].replace('%d', big), plot[3],
                 [(plot[1], sc, plot[2], 1, 0)])
        if p:
            plots.append(p)
            w('![%s](%s/%s)' % (name, rel, p))
            w('')


def target(ok, what):
    if ok is None:
        return '| %s | not measured in this run |' % what
    return '| %s | %s |' % (what, 'met' if ok else '**missed**')


def per_daemon(d, sc, kind, impl='ours'):
    """The worst repetition of the worse of the two hosts' daemons (KIND
    cpu or rss); from both hosts together, halved, for raw numbers from
    before bench/scale.sh measured each host."""
    m = {'cpu': ('cpu_a_pct', 'cpu_b_pct', 'cpu_pct'), 'rss': ('rss_a_mib', 'rss_b_mib', 'rss_mib')}[kind]
    got = [st[2] for st in (d.stat(sc, impl, x) for x in m[:2]) if st]
    if got:
        return max(got)
    st = d.stat(sc, impl, m[2])
    return st and st[2] / 2


# Issue 20: 10,000 routers per daemon, and N = 1 and 1000 no worse than
# before it (per daemon: 0.03 % and 1.8 % of one core).
def scale_targets(d, targets):
    sc = 'scale_10000'
    if sc in d.scenarios:
        c, r = per_daemon(d, sc, 'cpu'), per_daemon(d, sc, 'rss')
        st = d.stat(sc, 'ours', 'settle')
        targets.append(target(None if c is None else c < 5,
                              '10,000 routers: under 5 %% of one core per daemon, master and backup '
                              'host: %s at worst' % fmt(c, '%')))
        targets.append(target(None if r is None else r < 24,
                              '10,000 routers: under 24 MiB RSS per daemon: %s at worst' % fmt(r, 'MiB')))
        targets.append(target(None if st is None else st[2] < 10,
                              '10,000 routers: settled within 10 s of start: %s at worst'
                              % fmt(st and st[2], 's')))
    for n, was in ((1, 0.03), (1000, 1.8)):
        c = per_daemon(d, 'scale_%d' % n, 'cpu') if 'scale_%d' % n in d.scenarios else None
        if c is not None:
            # The median: at N = 1 one repetition's noise is the figure.
            m = [st[0] for st in (d.stat('scale_%d' % n, 'ours', x)
                                  for x in ('cpu_a_pct', 'cpu_b_pct')) if st]
            m = max(m) if m else d.stat('scale_%d' % n, 'ours', 'cpu_pct')[0] / 2
            targets.append(target(m <= was, '{:,} router{}: no worse than before issue 20 '
                                  '({} per daemon): {} (median of the worse host)'.format(
                                      n, 's' if n > 1 else '', fmt(was, '%'), fmt(m, '%'))))


def crash_targets(d, targets):
    for n in d.sizes('crashmany'):
        sc = 'crashmany_%d' % n
        l, g = d.stat(sc, 'ours', 'late_ms'), d.stat(sc, 'ours', 'adv_late_ms')
        mv = d.stat(sc, 'ours', 'moved')
        targets.append(target(None if l is None or mv is None else l[2] <= 50 and mv[1] >= n,
                              'crash of a host with {:,} routers: every one taken over within its '
                              'bound + 50 ms: {} at worst, {} of them moved'.format(
                                  n, fmt(l and l[2], 'ms'), fmt(mv and mv[1], 'n'))))
        targets.append(target(None if g is None else g[2] <= 20,
                              'crash of a host with {:,} routers: the new masters\' adverts within '
                              'their interval + 20 ms: {} at worst'.format(n, fmt(g and g[2], 'ms'))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--raw', required=True)
    ap.add_argument('--meta', required=True)
    ap.add_argument('--plots', required=True)
    ap.add_argument('--analysis')
    a = ap.parse_args()
    d = Data(a.raw)
    meta = collections.OrderedDict()
    parts = []
    with open(a.meta) as f:
        for line in f:
            k, _, v = line.rstrip('\n').partition('\t')
            if k == 'part':
                parts.append(v.split('\t'))
            else:
                meta[k] = v
    os.makedirs(a.plots, exist_ok=True)
    rel = os.path.basename(os.path.normpath(a.plots))
    if os.path.basename(os.path.dirname(os.path.normpath(a.plots))) == 'bench':
        rel = 'bench/' + rel
    out = []
    w = out.append

    w('# Benchmarks: ucarp against ucarp 1.5.2 and keepalived')
    w('')
    w('Generated by `%s` on %s (%s run, %s repetitions of each figure). '
      'Every figure is the median [min-max] over the repetitions; `(Nx)` is '
      'the peer\'s median divided by ours. All daemons ran in the same run, '
      'interleaved (one repetition of each daemon, then the next), in network '
      'namespaces on one machine (veth links, 198.18.0.0/15 only). '
      'The raw numbers are kept next to the plots.'
      % (meta.get('command', 'bench/run'), meta.get('date', '?'), meta.get('mode', '?'),
         meta.get('reps', '?')))
    w('')
    w('| | |')
    w('|---|---|')
    for k, label in [('cpu', 'machine'), ('memory', 'memory'), ('kernel', 'kernel'),
                     ('os', 'system'), ('ours', 'ours'), ('ucarp', 'ucarp'),
                     ('keepalived', 'keepalived')]:
        if k in meta:
            w('| %s | %s |' % (label, meta[k]))
    if parts:
        w('| time taken | %s |' % ', '.join('%s %d s' % (p[0], int(p[1])) for p in parts))
    w('')
    w('Settings: ours and ucarp 1.5.2 `-b 1 -r 3` (advbase 1, deadratio 3), '
      'master advskew 0, backup advskew 100, same password; keepalived '
      'priority 150 / 100, advert_int 1, both nodes starting as BACKUP. '
      'Times on the wire come from a capture on the link (kernel time stamps); '
      'script times from the script itself (`$EPOCHREALTIME` in bash, the same '
      'clock). CPU is the time on CPU of every process of the daemon '
      '(`/proc/PID/schedstat`, user and kernel), as a percentage of one core.')
    w('')

    targets = []
    plots = []

    # 1 + 4: crash and link loss
    if 'crash' in d.scenarios or 'linkloss' in d.scenarios:
        w('## Failover after a crash, and after link loss')
        w('')
        w('The master is killed with SIGKILL (crash), or its cable is pulled '
          '(link loss: its bridge port goes down, so it has no carrier). The '
          'protocol\'s bound is the backup\'s master-down interval after the '
          'last advert: advbase x 3 + advskew/256 = 3.391 s for CARP, '
          '3 x advert_int + (256 - priority)/256 x advert_int = 3.609 s for VRRP.')
        w('')
        bound_col = ('bound', lambda i: fmt(BOUND[('crash', family(i))], 's'))
        if 'crash' in d.scenarios:
            w('**Crash (SIGKILL of the master)**')
            w('')
            w(table(d, 'crash', [('takeover', 'last advert -> new master\'s first advert', 's'),
                                 ('late_ms', 'beyond the bound', 'ms'),
                                 ('up', 'last advert -> up script started', 's'),
                                 ('event', 'SIGKILL -> new master advertises', 's')],
                    extra=[bound_col]))
            w('')
            st = d.stat('crash', 'ours', 'late_ms')
            targets.append(target(None if st is None else st[2] <= 10,
                                  'crash failover within 10 ms of the bound (ours, every repetition): '
                                  + ('%s at worst' % fmt(st[2], 'ms') if st else '')))
        if 'linkloss' in d.scenarios:
            w('**Link loss on the master**')
            w('')
            w(table(d, 'linkloss', [('event', 'cable pulled -> new master advertises', 's'),
                                    ('takeover', 'last advert -> new master\'s first advert', 's'),
                                    ('late_ms', 'beyond the bound', 'ms'),
                                    ('up_event', 'cable pulled -> up script started', 's')],
                    extra=[bound_col]))
            w('')
            w('The cut falls anywhere in the master\'s advert interval, so "cable '
              'pulled -> new master" varies by up to one interval; "last advert -> '
              'new master" does not.')
            w('')
        p = bars(d, a.plots, 'failover', 'Failover: the backup\'s first advert as master',
                 'seconds', [('crash (from the last advert)', 'crash', 'takeover', 1, 0),
                             ('link loss (from the last advert)', 'linkloss', 'takeover', 1, 0),
                             ('link loss (from the cut)', 'linkloss', 'event', 1, 0)])
        if p:
            plots.append(p)
            w('![failover](%s/%s)' % (rel, p))
            w('')

    # 1b: crash over IPv6
    if 'crash6' in d.scenarios or 'crashds' in d.scenarios:
        w('## Failover after a crash, over IPv6')
        w('')
        w('The same crash, the router holding one IPv6 address (2001:db8::7): '
          'ours advertises CARP over IPv6 (ff02::12, from the link-local '
          'address), keepalived VRRPv3 over IPv6. Dual-stack: ours only (one '
          'VRRP instance holds one family), the router holding 198.18.0.7 and '
          '2001:db8::7, advertised over both families each interval; its IPv4 '
          'and IPv6 adverts are timed apart. Same timers and bounds as above.')
        w('')
        cols = [('takeover', 'last advert -> new master\'s first advert', 's'),
                ('late_ms', 'beyond the bound', 'ms'),
                ('up', 'last advert -> up script started', 's'),
                ('event', 'SIGKILL -> new master advertises', 's')]
        if 'crash6' in d.scenarios:
            w('**IPv6 only**')
            w('')
            w(table(d, 'crash6', cols, extra=[
                ('bound', lambda i: fmt(BOUND[('crash6', family(i))], 's'))]))
            w('')
        if 'crashds' in d.scenarios:
            w('**Dual-stack (IPv6 adverts; IPv4 adverts in the last two columns)**')
            w('')
            w(table(d, 'crashds', cols + [
                ('takeover4', 'IPv4: last advert -> first advert', 's'),
                ('late4_ms', 'IPv4: beyond the bound', 'ms')], extra=[
                ('bound', lambda i: fmt(BOUND[('crashds', family(i))], 's'))]))
            w('')
        worst = [st[2] for st in (d.stat(sc, 'ours', m) for sc, m in
                                  (('crash6', 'late_ms'), ('crashds', 'late_ms'),
                                   ('crashds', 'late4_ms'))) if st]
        targets.append(target(None if not worst else max(worst) <= 10,
                              'IPv6 and dual-stack crash failover within 10 ms of the bound '
                              '(ours, every repetition, both families): '
                              + ('%s at worst' % fmt(max(worst), 'ms') if worst else '')))

    # 2: fast failover
    if 'fast' in d.scenarios:
        w('## Fast failover')
        w('')
        w('Sub-second timers, the same crash. Ours (and ucarp 1.5.2, which '
          'accepts the same options) `-b 0`, master advskew 26, backup 78: an '
          'advert every 102 ms and a master-down interval of 305 ms, ucarp '
          'compatible on the wire. keepalived VRRPv3 advert_int 0.1: an advert '
          'every 100 ms, master-down 361 ms. CPU is of both hosts over a steady '
          'window before the crash.')
        w('')
        w(table(d, 'fast', [('takeover', 'last advert -> new master\'s first advert', 's'),
                            ('late_ms', 'beyond the bound', 'ms'),
                            ('up', 'last advert -> up script started', 's'),
                            ('cpu_pct', 'CPU, both hosts', '%'),
                            ('adv_rate', 'adverts', '/s')],
                extra=[('bound', lambda i: fmt(BOUND[('fast', family(i))], 's'))]))
        w('')
        if d.failed[('fast', 'ucarp')]:
            w('ucarp 1.5.2 cannot hold the backup state with these timers: it '
              'reads its capture up to one second late (no immediate mode), so its '
              'backup times out while the master is alive ("failed" above).')
            w('')
        o, k = d.stat('fast', 'ours', 'takeover'), d.stat('fast', 'kav3', 'takeover')
        oc, kc = d.stat('fast', 'ours', 'cpu_pct'), d.stat('fast', 'kav3', 'cpu_pct')
        targets.append(target(None if not (o and k) else o[0] < k[0],
                              'fast failover faster than keepalived VRRPv3 0.1 s: %s against %s'
                              % (fmt(o and o[0], 's'), fmt(k and k[0], 's'))))
        targets.append(target(None if not (oc and kc) else oc[0] <= kc[0],
                              'fast failover at the same CPU or less: %s against %s'
                              % (fmt(oc and oc[0], '%'), fmt(kc and kc[0], '%'))))

    # 3: handover
    if 'handover' in d.scenarios:
        w('## Planned handover')
        w('')
        w('SIGTERM to the master: ours and ucarp 1.5.2 with `-z` (ours then sends '
          'a bow-out advert, advbase 255 and advskew 255; ucarp 1.5.2 just exits), '
          'keepalived resigns with a priority-0 advert.')
        w('')
        w(table(d, 'handover', [('event', 'SIGTERM -> new master advertises', 's'),
                                ('up_event', 'SIGTERM -> up script started', 's'),
                                ('takeover', 'last advert -> new master\'s first advert', 's')]))
        w('')
        st = d.stat('handover', 'ours', 'event')
        targets.append(target(None if st is None else st[2] < 0.050,
                              'planned handover under 50 ms (ours, every repetition): %s at worst'
                              % fmt(st and st[2], 's')))
        p = bars(d, a.plots, 'handover', 'Planned handover, and fast failover',
                 'seconds (log scale)', [('handover: SIGTERM -> peer master', 'handover', 'event', 1, 0),
                                         ('fast timers: crash, last advert -> takeover',
                                          'fast', 'takeover', 1, 0)],
                 logscale=True)
        if p:
            plots.append(p)
            w('![handover](%s/%s)' % (rel, p))
            w('')

    # 3b: a failing health check
    if 'health' in d.scenarios:
        w('## A failing health check')
        w('')
        w('The master\'s check script (run every second, fall 1) starts failing; '
          'the time runs from the end of its first failing run (the script '
          'stamps it just before it exits) to the backup\'s first advert as '
          'master. Ours: `checks` with weight "fatal" (the default): the master '
          'bows out at once (advbase 255, advskew 255) and the backup takes '
          'over after advskew/4096 s (24 ms at advskew 100). keepalived: '
          '`vrrp_script` + `track_script` with weight 0: the master enters FAULT '
          'and sends a priority-0 advert, and the backup takes over after its '
          'skew time, (256 - 100)/256 x advert_int = 609 ms. ucarp 1.5.2 has no '
          'checks.')
        w('')
        w(table(d, 'health', [('check_to_advert', 'failing result -> new master\'s first advert', 's'),
                              ('check_to_up', 'failing result -> up script started', 's')]))
        w('')
        o, k = d.stat('health', 'ours', 'check_to_advert'), d.stat('health', 'kav2', 'check_to_advert')
        targets.append(target(None if not (o and k) else o[2] < k[0],
                              'a failing check moves the address faster than keepalived\'s '
                              'track_script (ours at worst against keepalived VRRPv2\'s median): '
                              '%s against %s' % (fmt(o and o[2], 's'), fmt(k and k[0], 's'))))

    # 5: scale
    sizes = d.sizes('scale')
    if sizes:
        w('## Many virtual routers on one host pair')
        w('')
        w('N routers, all master on host A and backup on host B, over ceil(N/250) '
          'links (a vhid or VRID is unique per link). Ours: one process per host '
          'and one configuration file; ucarp 1.5.2: N processes per host; '
          'keepalived: one configuration with N vrrp_instances per host (a parent '
          'and a VRRP child process). RSS, PSS and CPU are of both hosts together, '
          'then per daemon: the master host\'s (A, sends every advert) and the '
          'backup host\'s (B, receives them). PSS divides shared pages among the '
          'processes sharing them. Settled: both hosts started -> in the last '
          '1.5 s A advertised all N and B none. The steady window starts once '
          'settled.%s' % (
              ' ucarp 1.5.2 is not run at N = %s ("not run"): it takes one '
              'process per router and host, and at 1000 its 2000 processes already '
              'took 10 GiB and 1.4 cores of this 2-core machine; 10,000 or 20,000 '
              'of them would measure the machine thrashing, not ucarp.'
              % ', '.join('{:,}'.format(n) for n in sizes if d.skipped[('scale_%d' % n, 'ucarp')])
              if any(d.skipped[('scale_%d' % n, 'ucarp')] for n in sizes) else ''))
        w('')
        for n in sizes:
            sc = 'scale_%d' % n
            w('**N = {:,}**'.format(n))
            w('')
            w(table(d, sc, [('rss_mib', 'RSS', 'MiB'), ('pss_mib', 'PSS', 'MiB'),
                            ('cpu_pct', 'CPU', '%'),
                            ('cpu_a_pct', 'CPU, master host', '%'),
                            ('cpu_b_pct', 'CPU, backup host', '%'),
                            ('rss_a_mib', 'RSS, master host', 'MiB'),
                            ('rss_b_mib', 'RSS, backup host', 'MiB'),
                            ('adv_rate', 'adverts on the wire', '/s'),
                            ('settle', 'settled after', 's'), ('procs', 'processes', 'n')]))
            w('')
        if 1000 in sizes:
            r, c = per_daemon(d, 'scale_1000', 'rss'), per_daemon(d, 'scale_1000', 'cpu')
            targets.append(target(None if r is None else r < 20,
                                  '1000 routers: under 20 MiB RSS per daemon: %s at worst' % fmt(r, 'MiB')))
            targets.append(target(None if c is None else c < 2,
                                  '1000 routers: under 2 %% of one core per daemon: %s at worst'
                                  % fmt(c, '%')))
        scale_targets(d, targets)
        for name, metric, label, goal in [
                ('scale_rss', 'rss_mib', 'RSS of both hosts (MiB)', None),
                ('scale_cpu', 'cpu_pct', 'CPU of both hosts (% of one core)', None),
                ('scale_rss_daemon', [('rss_a_mib', ', master host'), ('rss_b_mib', ', backup host')],
                 'RSS per daemon (MiB)', (24, 'target at 10,000: 24 MiB')),
                ('scale_cpu_daemon', [('cpu_a_pct', ', master host'), ('cpu_b_pct', ', backup host')],
                 'CPU per daemon (% of one core)', (5, 'target at 10,000: 5 %'))]:
            p = lines(d, a.plots, name, 'Many routers: ' + label, 'scale', metric, label, goal)
            if p:
                plots.append(p)
                w('![%s](%s/%s)' % (name, rel, p))
                w('')

    # 5b: crash of a host holding many routers
    storm_section(
        w, d, a, plots, rel, 'crashmany', 'Crash of a host holding %d routers',
        'The layout of the scale benchmark (N = %d): host A masters every router, '
        'B backs every one up; A is killed (SIGKILL of every process) and B takes '
        'all over. Late: per router, A\'s last advert -> B\'s first, beyond the '
        'protocol\'s bound (3.391 s CARP, 3.609 s VRRP): the worst router and the '
        'median one (target: 50 ms at worst). Advert delay: the longest gap between '
        'two adverts of one new master beyond its interval (1.391 s CARP at advskew '
        '100, 1 s VRRP), over the window after the last takeover (target: 20 ms). '
        'CPU: B\'s daemon from the kill to the end of that window. Frames lost: '
        'by the capture (a lost frame would show as a gap).',
        [('late_ms', 'worst router late', 'ms'),
         ('med_late_ms', 'median router late', 'ms'),
         ('adv_late_ms', 'advert delay', 'ms'),
         ('event', 'SIGKILL -> last router taken over', 's'),
         ('moved', 'routers moved', 'n'),
         ('cpu_b_pct', 'CPU of B', '%'),
         ('cap_drops', 'frames lost', 'n')],
        ('Crash of a host holding %d routers: the worst router late past its bound',
         'worst router late past the bound', 'late_ms', 'milliseconds'))
    crash_targets(d, targets)

    # 6: reload
    for n in d.sizes('reload'):
        sc = 'reload_%d' % n
        w('## Reload with one of %d routers changed' % n)
        w('')
        w('One host with %d master routers (advert interval 1 s) on ceil(N/250) '
          'links to a listening sink; the file is rewritten with one router '
          'changed (ours: advskew 0 -> 10; keepalived: priority 150 -> 140) and '
          'the daemon gets SIGHUP. ucarp 1.5.2 has no reload: SIGHUP stops it. '
          'Gaps are between two adverts of one unchanged router, from 2 s before '
          'the SIGHUP to 3 s after, over every link; an undisturbed router shows '
          'its 1000 ms interval. Extra: adverts in the second after the SIGHUP '
          'beyond one per router.' % n)
        w('')
        w(table(d, sc, [('apply_ms', 'SIGHUP -> applied', 'ms'),
                        ('daemon_ms', 'daemon\'s own time', 'ms'),
                        ('gap_ms', 'longest gap', 'ms'),
                        ('mingap_ms', 'shortest gap', 'ms'),
                        ('base_ms', 'longest gap before', 'ms'),
                        ('extra', 'extra adverts', 'n'),
                        ('changes', 'state changes', 'n')]))
        w('')
        g, ch = d.stat(sc, 'ours', 'gap_ms'), d.stat(sc, 'ours', 'changes')
        targets.append(target(None if g is None else g[2] <= 1020,
                              'reload of %d: longest advert gap of an unchanged router within '
                              'its interval + 20 ms: %s at worst' % (n, fmt(g and g[2], 'ms'))))
        targets.append(target(None if ch is None else ch[2] == 0,
                              'reload of %d: no state change: %s at most' % (n, fmt(ch and ch[2], 'n'))))
        p = bars(d, a.plots, 'reload', 'Reload of %d routers: SIGHUP -> applied' % n,
                 'milliseconds', [('SIGHUP -> applied', sc, 'apply_ms', 1, 0),
                                  ('longest advert gap beyond 1000 ms', sc, 'gap_ms', 1, -1000)])
        if p:
            plots.append(p)
            w('![reload](%s/%s)' % (rel, p))
            w('')

    # 7: storm
    storm_section(
        w, d, a, plots, rel, 'storm', 'Script storm: %d routers fail over at once',
        'Host A (all %d masters) is killed; host B takes every router over and '
        'runs an up script that takes 20 ms (bash, `sleep 0.02`) for each. '
        'Ours queues them (at most `script_jobs` at once: 16 by default, also '
        'shown with 1 and 64); ucarp 1.5.2 runs each in its own process before '
        'that process advertises; keepalived starts every notify_master script '
        'at once. Late at takeover: the longest silence of one router (A\'s last '
        'advert -> B\'s first) beyond the bound. Advert delay: the longest gap '
        'between two adverts of one new master beyond its interval, until 3 s '
        'after the last script.',
        [('done', 'SIGKILL -> last up script finished', 's'),
         ('take_late_ms', 'late at takeover', 'ms'),
         ('adv_late_ms', 'advert delay', 'ms'),
         ('scripts', 'scripts finished', 'n'),
         ('moved', 'routers moved', 'n'),
         ('cap_drops', 'frames lost', 'n')],
        ('Script storm (%d routers): SIGKILL -> last up script finished',
         'SIGKILL -> last up script finished', 'done', 'seconds'))

    # 8: address storm
    storm_section(
        w, d, a, plots, rel, 'addrstorm',
        'Address storm: %d routers fail over at once, addresses added',
        'As the script storm, without the 20 ms script: what counts is every '
        'address on host B, from the kernel\'s own timestamps (`ip -ts monitor '
        'address` on B). Ours with `manage_addresses` (netlink, no script), ours '
        'with an up script that runs `ip addr add`, and keepalived\'s built-in '
        'addresses. Address late: per router, its address added on B after A\'s '
        'last advert, beyond the protocol\'s bound, the worst (goal: 50 ms).',
        [('addrs_done', 'SIGKILL -> every address on B', 's'),
         ('addr_late_ms', 'address late past the bound', 'ms'),
         ('take_late_ms', 'late at takeover', 'ms'),
         ('present', 'addresses on B', 'n'),
         ('moved', 'routers moved', 'n')],
        ('Address storm (%d routers): worst address late past the bound',
         'address late past the bound', 'addr_late_ms', 'milliseconds'))

    # cost
    csizes = d.sizes('cost')
    if csizes:
        w('## Cost per advert (instructions)')
        w('')
        w('Our daemon under valgrind\'s callgrind, which counts instructions: the '
          'same binary and input give the same count whatever else the machine '
          'does, so a regression shows as a number. A master and a backup of N '
          'routers (N = 1: advbase 0 with advskew 26/78, ten adverts a second; '
          'otherwise advbase 1); counted over a steady window only. Send: the '
          'advert timer\'s callback (state machine step, advert built and signed, '
          'sent, timer re-armed). Receive: the capture\'s read callback (frame '
          'read and checked, HMAC verified, state machine step, timer re-armed). '
          'Whole process: every instruction of the process in the window, libevent '
          'included.')
        w('')
        w('| N | adverts sent | received | send | receive | whole process per advert sent | per advert received |')
        w('|---|---|---|---|---|---|---|')
        for n in csizes:
            sc = 'cost_%d' % n
            g = lambda m: cell(d, sc, 'ours', m, 'ir')
            w('| %d | %s | %s | %s | %s | %s | %s |' % (n, g('sent'), g('received'), g('send_ir'),
                                                      g('recv_ir'), g('loop_send_ir'), g('loop_recv_ir')))
        w('')

    if targets:
        w('## Targets')
        w('')
        w('| target | result |')
        w('|---|---|')
        out.extend(targets)
        w('')
    if a.analysis and os.path.exists(a.analysis):
        with open(a.analysis) as f:
            w(f.read().rstrip('\n'))
        w('')
    print('\n'.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
