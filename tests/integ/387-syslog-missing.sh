#!/bin/bash
# With nothing listening on /dev/log (a container, a bare namespace), the
# daemon does not try to reach syslog for every line, and it finds the
# socket once it appears.
#
# glibc's syslog() runs socket, connect and close for each line while
# /dev/log is missing: 30,000 system calls when 10,000 instances take
# over at once, a third of the daemon's time then.  One host, 100
# instances, its /dev private and without "log" (lib_multi's
# mdevlog_setup):
#   1. SIGUSR1 makes two lines per instance; strace, attached to the
#      daemon meanwhile, sees no connect to /dev/log (before the fix: one
#      per line);
#   2. /dev/log appears: a reload's verdict reaches it (the daemon looks
#      again at most a second later).
. "$(dirname "$0")/lib_multi.sh"
multi_init
command -v strace >/dev/null 2>&1 || test_skip "no strace"
mnet_make 1 1
mdevlog_setup nolink

N=100
CONF=$TMPD/h1.conf
(umask 077
{
	echo 'defaults = { pass = "nolog"; };'
	echo 'instances = ('
	for ((v = 1; v <= N; v++)); do
		mconf_inst "i$v" eth0 "$(haddr 1 1)" "$v" "198.18.1.$((100 + v))"
		[ $v -lt $N ] && echo ,
	done
	echo
	echo ');'
} > "$CONF")

UCARP=$DEVLOG_WRAP mstart 1 "$CONF" $N
wait_until 10 mall_state 1 BACKUP $N ||
    test_fail "not all $N instances in BACKUP: $(mstates 1 | tr '\n' ' ')"

TRACE=$TMPD/strace.txt
strace -p "${D_PID[1]}" -e trace=connect -o "$TRACE" 2> "$TMPD/strace.err" &
SPID=$!
BG_PIDS+=("$SPID")
wait_until 5 grep -q 'attached' "$TMPD/strace.err" ||
    test_fail "strace did not attach: $(cat "$TMPD/strace.err")"
from=$(wc -l < "${D_LOG[1]}")
musr1 1 || test_fail "no answer to SIGUSR1"
lines=$(( $(wc -l < "${D_LOG[1]}") - from ))
reap_pid "$SPID" INT
tries=$(grep -c '/dev/log' "$TRACE")
log "$lines lines logged with no /dev/log; $tries connects to it"
[ "$lines" -ge $((2 * N)) ] || test_fail "SIGUSR1 made $lines lines, expected $((2 * N)) at least"
[ "$tries" -eq 0 ] ||
    test_fail "$tries connects to a missing /dev/log for $lines lines: $(grep -m 3 '/dev/log' "$TRACE")"
[ ! -s "$DEVLOG_FILE" ] || test_fail "syslog got lines with no /dev/log: $(head -3 "$DEVLOG_FILE")"

mdevlog_link
# The verdict of a reload (identical file: no change) reaches syslog once
# the daemon has looked again; each try is one more reload.
verdict() {
	kill -HUP "${D_PID[1]}" || return 1
	grep -q 'last reload applied' "$DEVLOG_FILE"
}
wait_until_slow 10 verdict || test_fail "no line reached /dev/log once it appeared"
log "syslog after /dev/log appeared: $(grep -m 1 'last reload applied' "$DEVLOG_FILE")"

mstop 1
test_pass
