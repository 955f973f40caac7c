#!/bin/bash
# The pid file is locked: a second daemon given the same one refuses to
# start, and the first one's file survives it.
#
# One host.  Daemon A runs with --pidfile=F (F holds A's pid).  Daemon B,
# another instance, same F: must exit 2 at once, saying the file is locked
# by A's pid and what to do; F still holds A's pid.  Before the fix B
# overwrote F and ran, and A's exit then removed B's file.  Then A stops:
# F is removed.  Last, a stale F (a pid nobody holds the lock for, as a
# SIGKILLed daemon leaves it) is taken over by a new daemon.
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 1 1

F=$TMPD/ucarp.pid
conf() {
	(umask 077
	{
		echo 'defaults = { pass = "pidfile"; };'
		echo 'instances = ('
		mconf_inst "$1" eth0 "$(haddr 1 1)" "$2" "198.18.1.$2"
		echo
		echo ');'
	} > "$TMPD/$1.conf")
}
conf a 10
conf b 11

pid_in_file() { [ "$(cat "$F" 2>/dev/null)" = "$1" ]; }

mstart 1 "$TMPD/a.conf" 1 --pidfile="$F"
A_PID=${D_PID[1]}
# Running (its signal handlers are set) before anything else happens.
mwait_log 1 'Switching to state: BACKUP' 10
wait_until 5 pid_in_file "$A_PID" || test_fail "$F does not hold A's pid $A_PID: $(cat "$F" 2>&1)"

# B in the foreground, same file: refused.  It would run for ever if it
# started: the deadline stops it (status 124).
rc=0
timeout -s TERM "$(( 10 * UCARP_TEST_SCALE ))" ip netns exec "${M_NS[1]}" \
    "$UCARP" -c "$TMPD/b.conf" --pidfile="$F" > "$TMPD/b.log" 2>&1 < /dev/null || rc=$?
[ "$rc" -eq 2 ] || test_fail "a second daemon with A's pid file: exit status $rc, not 2: $(cat "$TMPD/b.log")"
grep -qF "the pid file $F is locked by another running ucarp (pid $A_PID): stop that daemon first, or give this one another pid file" "$TMPD/b.log" ||
    test_fail "B's message does not name the file, A's pid and what to do: $(cat "$TMPD/b.log")"
pid_in_file "$A_PID" || test_fail "after B, $F holds $(cat "$F" 2>&1), not A's pid $A_PID"
mcheck_running 1

mstop 1
[ ! -e "$F" ] || test_fail "A exited and left $F"

# A stale file: taken over.
echo 999999 > "$F"
mstart 1 "$TMPD/b.conf" 1 --pidfile="$F"
mwait_log 1 'Switching to state: BACKUP' 10
wait_until 5 pid_in_file "${D_PID[1]}" || test_fail "a stale $F was not taken over: $(cat "$F" 2>&1)"
mstop 1
[ ! -e "$F" ] || test_fail "the second daemon exited and left $F"
test_pass
