#!/bin/bash
# bench/cost.sh: our daemon's cost per advert, in instructions counted by
# valgrind's callgrind (repeatable whatever else the machine is doing,
# unlike seconds).  A master and a backup of N routers (advbase 1; for
# N = 1 advbase 0 advskew 26 / 78, ten adverts a second, for more adverts
# per run) each run under callgrind on a pair of hosts for a window, then
# stop with SIGTERM.  From their callgrind files:
#   send_ir   master: instructions in the advert timer's callback (FSM
#             step, advert built and signed, sent, timer re-armed) per
#             advert sent
#   recv_ir   backup: instructions in the capture's read callback (frame
#             read, checked, HMAC verified, FSM step, timer re-armed) per
#             advert received
#   loop_send_ir, loop_recv_ir: all the instructions of the process
#             over the window (libevent included) per advert
# Only the window counts: start-up, the election and libcrypto's one-time
# set-up (about 6 million instructions at the first HMAC) are left out.
#
# A daemon that falls behind under callgrind (valgrind runs it some 50
# times slower) would count fewer, cheaper adverts: the run says so when
# the master sent under 90 % of what its timers ask for.  At N = 10,000
# both keep up on this machine (10,400 adverts a second counted over a
# 10 s window); the run takes about 40 s.
#
# usage: bench/cost.sh [-n REPS] [-w SECONDS] [N...]   (default N: 1 100)
. "$(dirname "$0")/lib.sh"

window=20 reps=1
while [ $# -gt 0 ]; do
	case $1 in
	-n) reps=$2; shift 2 ;;
	-w) window=$2; shift 2 ;;
	-h|--help) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
sizes=${*:-1 100}
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
[ -x "$OURS" ] || die "no daemon at $OURS"
command -v valgrind >/dev/null || die "no valgrind (apt-get install valgrind)"

one() {	# N REP
	local n=$1 rep=$2 timing=normal h pid sent recv
	[ "$n" -eq 1 ] && timing=fast
	net_pair "$(links_for "$n")"
	routers_pair "$n" 1 > "$TMP/ra"
	routers_pair "$n" 2 > "$TMP/rb"
	# node_start writes the configuration; run it again under callgrind,
	# the master first so that the election is over before the backup
	# starts.
	for h in a b; do
		local role=master
		[ $h = b ] && role=backup
		OURS=/bin/true node_start ours ${TAG}$h $h.cfg $role $timing "$TMP/r$h"
		node_stop $h.cfg
		chmod 600 "$TMP/$h.cfg.conf"
		BG_OUT=$TMP/$h.log bg ${TAG}$h valgrind --tool=callgrind \
		    --callgrind-out-file="$TMP/cg.$h" "$OURS" -c "$TMP/$h.cfg.conf"
		eval "pid_$h=$BG_PID"
		[ $h = a ] && { wait_for 120 at_least "$TMP/a.log" 'Switching to state: MASTER' "$n" ||
		    die "N=$n: the master did not settle"; }
	done
	wait_for 120 at_least "$TMP/b.log" 'Switching to state: BACKUP' "$n" || die "N=$n: the backup did not start"
	# The window alone: callgrind dumps (and zeroes) its counters at its
	# start (part 1: start-up, the election, libcrypto's first use) and
	# at its end (part 2).
	sleep 2
	for h in a b; do
		eval "pid=\$pid_$h"
		callgrind_control -d "$pid" > /dev/null 2>&1 || die "callgrind_control -d $pid failed"
	done
	sleep "$window"
	for h in a b; do
		eval "pid=\$pid_$h"
		callgrind_control -d "$pid" > /dev/null 2>&1 || die "callgrind_control -d $pid failed"
	done
	for h in a b; do
		eval "pid=\$pid_$h"
		kill -TERM "$pid"
		wait_for 60 gone "$pid" || die "N=$n: callgrind of $h did not exit"
	done
	read -r _ sent _ < <(python3 "$BENCH_DIR/callgrind.py" "$TMP/cg.a.2" carp_pkt_build)
	read -r _ _ send_ir < <(python3 "$BENCH_DIR/callgrind.py" "$TMP/cg.a.2" instance_timer_cb)
	read -r _ _ loop_a < <(python3 "$BENCH_DIR/callgrind.py" "$TMP/cg.a.2" TOTAL)
	read -r _ recv _ < <(python3 "$BENCH_DIR/callgrind.py" "$TMP/cg.b.2" instance_rx_input)
	read -r _ _ recv_ir < <(python3 "$BENCH_DIR/callgrind.py" "$TMP/cg.b.2" iface_read_cb)
	read -r _ _ loop_b < <(python3 "$BENCH_DIR/callgrind.py" "$TMP/cg.b.2" TOTAL)
	[ "$sent" -gt 0 ] && [ "$recv" -gt 0 ] || die "N=$n: no advert sent ($sent) or received ($recv)"
	# Adverts a second: N at advbase 1, 1 / 0.102 at advbase 0 advskew 26.
	awk -v s="$sent" -v n="$n" -v w="$window" -v f="$([ $timing = fast ] && echo 9.8 || echo 1)" \
	    'BEGIN { exit !(s < 0.9 * n * w * f) }' &&
	    note "N=$n: the master sent $sent adverts in $window s, under 90 % of its timers' (it fell behind under callgrind)"
	result cost_$n ours sent "$rep" "$sent"
	result cost_$n ours received "$rep" "$recv"
	result cost_$n ours send_ir "$rep" $((send_ir / sent))
	result cost_$n ours recv_ir "$rep" $((recv_ir / recv))
	result cost_$n ours loop_send_ir "$rep" $((loop_a / sent))
	result cost_$n ours loop_recv_ir "$rep" $((loop_b / recv))
}

for ((r = 1; r <= reps; r++)); do
	for n in $sizes; do one "$n" "$r"; done
done
exit 0
