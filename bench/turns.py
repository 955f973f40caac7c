#!/usr/bin/env python3
"""bench/turns.py: the longest turns of a daemon's event loop, from a
perf recording of its epoll_wait calls.  A turn is the time from epoll_wait's return to its next call: the
work of one turn, during which no timer fires, so an advert due then is
late by up to that much.  The recording (tracepoints, no sampling) costs
the daemon little; a turn includes any time the daemon was not on a CPU.

usage: turns.py start PID FILE   record PID's epoll_wait calls into FILE
                                 (prints perf's pid once it records; stop
                                 it with SIGINT)
       turns.py longest FILE [K] the K (default 1) longest turns, in ms
"""
import os
import subprocess
import sys
import time

EVENTS = ["syscalls:sys_enter_epoll_wait", "syscalls:sys_exit_epoll_wait",
          "syscalls:sys_enter_epoll_pwait", "syscalls:sys_exit_epoll_pwait"]


def start(pid, path):
    args = ["perf", "record", "-q", "-o", path, "-p", pid]
    for e in EVENTS:
        args += ["-e", e]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    # perf writes its header once it records; give it a moment beyond.
    for _ in range(100):
        if os.path.exists(path) and os.path.getsize(path) > 0:
            break
        time.sleep(0.02)
    time.sleep(0.3)
    print(p.pid)


def longest(path, k):
    out = subprocess.run(["perf", "script", "-i", path, "-F", "time,event"],
                         capture_output=True, text=True).stdout
    last_exit = None
    turns = []
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        t = float(f[0].rstrip(":"))
        if "sys_exit_epoll" in f[1]:
            last_exit = t
        elif "sys_enter_epoll" in f[1] and last_exit is not None:
            turns.append(t - last_exit)
            last_exit = None
    turns.sort(reverse=True)
    print(" ".join("%.2f" % (d * 1000) for d in turns[:k]) or "-")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "start":
        start(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "longest":
        longest(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    else:
        sys.exit(__doc__)
