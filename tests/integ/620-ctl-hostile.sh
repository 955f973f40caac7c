#!/bin/bash
# The control socket under bad clients and load, two hosts of 20
# instances (10 preferred by each):
#
#   1. A's read-only socket (control_ro, 0666) answers status, even to
#      user nobody, but refuses stepdown, garp and reload with a clear
#      message; the main one is 0660 root:ucarp (0600 without that
#      group), and the kernel refuses nobody.
#   2. Garbage, a short, truncated, oversized, wrong-version, unknown-type
#      or reply-type message, or a NUL in a string: each gets an error
#      result and is disconnected; the daemon logs at most one line a
#      second about it and goes on.
#   3. 100 idle clients and one that sends status requests and never
#      reads (it is disconnected after 5 s without reading): the longest
#      advert gap of every master stays within the interval + 20 ms in a
#      capture, and no instance changes state.
#   4. A second daemon on A's socket refuses to start and leaves it
#      working; a stale socket file is replaced by a new daemon.
. "$(dirname "$0")/lib_ctl.sh"
ctl_need
rl_init 20 10
RO=$TMPD/h1.ro.sock
ctl_start_pair "control_ro = \"$RO\";" ""
SRC_A=$(haddr $A 1)
SRC_B=$(haddr $B 1)

# 1. Permissions and the read-only socket.
mode=$(stat -c %a "$RO")
[ "$mode" = 666 ] || test_fail "the read-only socket's mode is $mode, not 666"
mode=$(stat -c '%a %G' "${D_CTL[A]}")
if getent group ucarp > /dev/null; then want="660 ucarp"; else want="600 root"; fi
[ "$mode" = "$want" ] || test_fail "the control socket is '$mode', not '$want'"
n=$("$UCARPCTL" -s "$RO" status -j | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["instances"]))')
[ "$n" = 20 ] || test_fail "status on the read-only socket listed '$n' instances"
for cmd in "stepdown a1" "garp all" reload; do
	rc=0
	# shellcheck disable=SC2086  # a command and its argument
	"$UCARPCTL" -s "$RO" $cmd > "$TMPD/ro.out" 2>&1 || rc=$?
	[ $rc -eq 1 ] && grep -q 'refused: this is the read-only control socket' "$TMPD/ro.out" ||
	    test_fail "$cmd on the read-only socket: exit $rc, $(cat "$TMPD/ro.out")"
done
rl_split || test_fail "the read-only socket changed something: $(rl_describe)"
# A user outside the socket's group: the kernel refuses the main socket,
# the read-only one answers.
chmod 755 "$TMPD"
rc=0
runuser -u nobody -- "$UCARPCTL" -s "${D_CTL[A]}" status > "$TMPD/nobody.out" 2>&1 || rc=$?
[ $rc -eq 2 ] && grep -q 'Permission denied' "$TMPD/nobody.out" ||
    test_fail "user nobody on the main socket: exit $rc, $(cat "$TMPD/nobody.out")"
runuser -u nobody -- "$UCARPCTL" -s "$RO" status > "$TMPD/nobody.out" 2>&1 ||
    test_fail "user nobody on the read-only socket: $(cat "$TMPD/nobody.out")"
log "read-only socket: status answered, stepdown/garp/reload refused; main socket $mode"

# 2. Bad messages.
python3 "$CTL_PY" "${D_CTL[A]}" bad > "$TMPD/bad.out" 2>&1 ||
    test_fail "the bad clients failed: $(cat "$TMPD/bad.out")"
[ "$(wc -l < "$TMPD/bad.out")" -eq 8 ] &&
    ! grep -vqE '^[a-z-]+ [34] EOF$' "$TMPD/bad.out" ||
    test_fail "bad messages were not answered with an error and a close: $(tr '\n' ';' < "$TMPD/bad.out")"
grep -q '^version 4 EOF$' "$TMPD/bad.out" || test_fail "a wrong version was not answered as such"
nlog=$(mlog_count $A 'control: client pid')
[ "$nlog" -ge 1 ] && [ "$nlog" -le 3 ] || test_fail "$nlog log lines for 8 bad clients in about a second"
mcheck_running $A
log "8 bad messages: each an error result and a close; $nlog log line(s)"

# 3. Load: 100 idle clients and one that never reads.
mcap_start cap br1 'ip proto 112'
ca=$(mlog_count $A 'Switching to state')
cb=$(mlog_count $B 'Switching to state')
T0=$(now_us)
python3 "$CTL_PY" "${D_CTL[A]}" idle 100 7 > "$TMPD/idle.out" 2>&1 &
IDLE=$!
BG_PIDS+=("$IDLE")
python3 "$CTL_PY" "${D_CTL[A]}" noread 7 > "$TMPD/noread.out" 2>&1 &
NOREAD=$!
BG_PIDS+=("$NOREAD")
wait_until 10 pid_dead "$IDLE" && wait_until 10 pid_dead "$NOREAD" ||
    test_fail "the load clients did not end"
T1=$(now_us)
grep -q '^holding 100$' "$TMPD/idle.out" || test_fail "idle clients: $(cat "$TMPD/idle.out")"
grep -q '^closed ' "$TMPD/noread.out" ||
    test_fail "the client that never reads was not disconnected: $(cat "$TMPD/noread.out")"
mlog_has $A 'reads none of its replies' || mlog_has $A 'more like it not logged' ||
    test_fail "no log line for the client that never reads"
# One more advert of each after T1 closes the window.
wait_until 5 mcap_count_ge cap "$SRC_A" 1 1 "$T1"
wait_until 5 mcap_count_ge cap "$SRC_B" 20 1 "$T1"
mcap_stop cap
rl_check_gaps cap "$SRC_A" "$T0" "$T1" "$(seq 1 10 | tr '\n' ' ')" 1020000
worst_a=$RL_WORST
rl_check_gaps cap "$SRC_B" "$T0" "$T1" "$(seq 11 20 | tr '\n' ' ')" 1020000
log "under load ($(cat "$TMPD/noread.out") requests unread): longest advert gap A $worst_a us, B $RL_WORST us (bound 1020000)"
[ "$(mlog_count $A 'Switching to state')" -eq "$ca" ] &&
    [ "$(mlog_count $B 'Switching to state')" -eq "$cb" ] ||
    test_fail "an instance changed state under load: $(rl_describe)"
ctl_states_ok $A || test_fail "status after the load disagrees with the log"

# 4. A second daemon on A's socket; a stale socket file.
rc=0
timeout 20 ip netns exec "${M_NS[A]}" "$UCARP" -c "${RL_CONF[A]}" \
    --control="${D_CTL[A]}" > "$TMPD/second.out" 2>&1 || rc=$?
[ $rc -eq 2 ] && grep -q "control socket ${D_CTL[A]}: another ucarp answers there" "$TMPD/second.out" ||
    test_fail "a second daemon on the same socket: exit $rc, $(cat "$TMPD/second.out")"
ctl_states_ok $A || test_fail "the first daemon's socket does not answer after the second one's attempt"
log "second daemon: $(grep -o 'another ucarp answers there.*' "$TMPD/second.out" | cut -c1-60)..."
STALE=$TMPD/stale.sock
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])' "$STALE"
[ -S "$STALE" ] || test_fail "no stale socket file"
cat > "$TMPD/third.conf" <<EOC
instances = ( { interface = "eth0"; srcip = "$SRC_A"; vhid = 200;
    pass = "third"; addr = "198.18.1.250"; } );
EOC
chmod 600 "$TMPD/third.conf"
ip netns exec "${M_NS[A]}" "$UCARP" -c "$TMPD/third.conf" --control="$STALE" \
    > "$TMPD/third.log" 2>&1 < /dev/null &
THIRD=$!
BG_PIDS+=("$THIRD")
third_ok() { "$UCARPCTL" -s "$STALE" status eth0:200 > /dev/null 2>&1; }
wait_until 10 third_ok || test_fail "a daemon did not replace the stale socket: $(cat "$TMPD/third.log")"
reap_pid "$THIRD" TERM
[ ! -e "$STALE" ] || test_fail "the socket file stayed after the daemon's exit"
log "a stale socket file was replaced, and removed at exit"
mcheck_running $A $B
test_pass
