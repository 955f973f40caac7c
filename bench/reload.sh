#!/bin/bash
# bench/reload.sh: a configuration reload (SIGHUP) that changes one router
# of N, for ours (one process, one file) and keepalived (one process, N
# vrrp_instances; VRRPv2 and VRRPv3).  ucarp 1.5.2 has no reload (SIGHUP
# stops it).  Interleaved: in each repetition every daemon is started,
# settled and reloaded once.
#
# Host A is joined by ceil(N/250) links to a sink S that only listens, so
# all N routers are MASTER (advert interval 1 s).  The file is rewritten
# with one router changed (ours: advskew 0 -> 10 of eth0 vhid 1;
# keepalived: priority 150 -> 140 of the same router) and A gets SIGHUP.
# The daemon's output is stamped on arrival (perl) and a capture on S (all
# links) times the adverts.  Metrics:
#   apply_ms    SIGHUP -> the daemon's last reload line (ours: "last reload
#               applied"; keepalived: "Reload finished" or the like)
#   daemon_ms   the daemon's own figure (ours: "in N ms"; keepalived logs
#               none: its "Reloading" line -> its last reload line)
#   gap_ms      over the unchanged routers, the longest gap between two of
#               their adverts from 2 s before the SIGHUP to 3 s after
#               (undisturbed: the 1000 ms interval; target: under 1020)
#   mingap_ms   the shortest such gap (below 1000: an extra advert)
#   base_ms     the longest gap in the 2 s before the SIGHUP (the jitter)
#   extra       adverts in the 1 s after the SIGHUP beyond one per router
#   changes     state changes logged after the SIGHUP (target: 0)
#   turn_ms     ours, with perf: the longest turn of the daemon's event
#               loop from the SIGHUP to 1 s after its verdict (bench/
#               turns.py: no advert can fire during a turn, so this is how
#               late the reload made one; target: under 20)
#
# With -c the reload is asked by ucarpctl reload instead (ours only,
# scenario reload_ctl_N), which returns once the reload is applied.
#
# usage: bench/reload.sh [-c] [-n REPS] [N]   (default N 1000)
. "$(dirname "$0")/lib.sh"

reps=5
byctl=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) reps=$2; shift 2 ;;
	-c) byctl=1; shift ;;
	-h|--help) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
n=${1:-1000}
bench_require
command -v perl >/dev/null || die "no perl (apt-get install perl)"
impls=$(echo "${BENCH_IMPLS:-ours kav2 kav3}" | sed 's/ucarp//')
[ $byctl -eq 1 ] && impls=ours
k=$(links_for "$n")
: "${UCARPCTL:=$(dirname "$OURS")/../ctl/ucarpctl}"
[ $byctl -eq 0 ] || [ -x "$UCARPCTL" ] || die "no ucarpctl at $UCARPCTL (build first, or set UCARPCTL)"
# The loop's turns need perf and its syscall tracepoints.
turns=0
perf list syscalls:sys_enter_epoll_wait 2>/dev/null | grep -q sys_enter_epoll_wait && turns=1

# conf IMPL CHANGED: A's file; with CHANGED 1 the first router differs.
conf() {
	local impl=$1 ch=$2 i l v
	case $impl in
	ours)
		echo "control = \"$TMP/a.sock\";"
		echo 'defaults = { pass = "bench"; neutral = true; };'
		echo 'instances = ('
		for ((i = 0; i < n; i++)); do
			l=$((i / 250)); v=$((i % 250 + 1))
			printf '  { interface = "eth%d"; srcip = "198.18.%d.1"; vhid = %d; addr = "198.19.%d.%d"; advskew = %d; }%s\n' \
			    $l $((10 + l)) $v $l $v $(( i == 0 && ch ? 10 : 0 )) "$([ $i -lt $((n - 1)) ] && echo ,)"
		done
		echo ');'
		;;
	kav*)
		printf 'global_defs {\n  vrrp_version %s\n  max_auto_priority -1\n  vrrp_garp_master_delay 0\n}\n' "${impl#kav}"
		for ((i = 0; i < n; i++)); do
			l=$((i / 250)); v=$((i % 250 + 1))
			printf 'vrrp_instance eth%d_%d {\n  state BACKUP\n  interface eth%d\n  virtual_router_id %d\n  priority %d\n  advert_int 1\n  virtual_ipaddress {\n    198.19.%d.%d/32\n  }\n}\n' \
			    $l $v $l $v $(( i == 0 && ch ? 140 : 150 )) $l $v
		done
		;;
	esac
}

# past T: the clock is past T (s); adverts_from CAP T MIN: MIN adverts since T.
past() { awk -v t="$1" -v n="$(now_s)" 'BEGIN { exit !(n > t) }'; }
adverts_from() { [ "$(pcap window "$1" "$2" 9e9 | awk '{ print $1 }')" -ge "$3" ]; }
line_after() { tail -n +"$(( $2 + 1 ))" "$1" | grep -qE -- "$3"; }
# The arrival stamp (s) of the first line after line MARK matching RE.
stamp_after() { tail -n +"$(( $2 + 1 ))" "$1" | grep -m1 -E -- "$3" | awk '{ print $1 }'; }

one() {	# IMPL REP
	local impl=$1 rep=$2 log=$TMP/$1.log fifo=$TMP/$1.fifo conf=$TMP/$1.conf
	local cap=$TMP/reload.pcap pid spid cpid mre done_re start_re mark t_sig t_done t_start
	local hi hr lo lr nr base sc=reload_$n ppid=""
	[ $byctl -eq 1 ] && sc=reload_ctl_$n
	skip_given_up "$sc" "$impl" "$n" "$rep" && return
	net_pair "$k" s
	rm -f "$fifo" "$cap" "$TMP/k.pid" "$TMP/k.vrrp.pid"
	mkfifo "$fifo"
	perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.6f %s", time, $_' < "$fifo" > "$log" &
	spid=$!; PIDS+=("$spid")
	conf "$impl" 0 > "$conf"
	if [ "$impl" = ours ]; then
		"$OURS" -t -c "$conf" > /dev/null || die "our configuration is refused"
		BG_OUT=$fifo bg ${TAG}a "$OURS" -c "$conf"
		start_re='SIGHUP: reloading'
		[ $byctl -eq 1 ] && start_re='ucarpctl \(uid [0-9]+\): reloading'
		done_re='last reload (applied|of .* refused)'
	else
		BG_OUT=$fifo bg ${TAG}a "$KEEPALIVED" "${KEEPALIVED_FLAGS[@]}" -f "$conf" -p "$TMP/k.pid" -r "$TMP/k.vrrp.pid"
		start_re='Reloading \.\.\.'
		done_re='Reload finished|Reload complete'
	fi
	pid=$BG_PID
	mre=$(node_master_re "$impl")
	cap_start ${TAG}s any "$cap"
	cpid=$CAP_PID
	if ! wait_for $((60 + n / 10)) at_least "$log" "$mre" "$n"; then
		note "$impl rep $rep: $(count_in "$log" "$mre") of $n MASTER after $((60 + n / 10)) s"
		result "$sc" "$impl" failed "$rep" 1
		give_up "$impl" "$n"
		stop_pids $(tree "$pid" | tac); cap_stop "$cpid"; wait_for 10 gone "$spid"
		return
	fi
	# Two full rounds of adverts before the reload.
	t_start=$(now_s)
	wait_for 20 adverts_from "$cap" "$t_start" $((3 * n))
	conf "$impl" 1 > "$conf"
	mark=$(wc -l < "$log")
	if [ "$impl" = ours ] && [ $turns -eq 1 ]; then
		rm -f "$TMP/turns.data"
		ppid=$(python3 "$BENCH_DIR/turns.py" start "$pid" "$TMP/turns.data")
		PIDS+=("$ppid")
	fi
	t_sig=$(now_s)
	if [ $byctl -eq 1 ]; then
		"$UCARPCTL" -s "$TMP/a.sock" reload > "$TMP/ctl.out" 2>&1 &
		PIDS+=("$!")
	else
		kill -HUP "$pid"
	fi
	if ! wait_for 60 line_after "$log" "$mark" "$done_re"; then
		note "$impl rep $rep: no reload verdict within 60 s"
		result "$sc" "$impl" failed "$rep" 1
		stop_pids $(tree "$pid" | tac); cap_stop "$cpid"; wait_for 10 gone "$spid"
		return
	fi
	t_done=$(stamp_after "$log" "$mark" "$done_re")
	if [ -n "$ppid" ]; then
		wait_for 5 past "$(awk -v t="$t_done" 'BEGIN { printf "%.6f", t + 1 }')"
		kill -INT "$ppid" 2>/dev/null
		wait_for 30 gone "$ppid"
		result "$sc" "$impl" turn_ms "$rep" "$(python3 "$BENCH_DIR/turns.py" longest "$TMP/turns.data")"
	fi
	# Three more seconds of adverts, then stop.
	wait_for 20 adverts_from "$cap" "$(awk -v t="$t_sig" 'BEGIN { printf "%.6f", t + 3 }')" 1
	cap_stop "$cpid"
	read -r hi hr lo lr nr <<< "$(pcap gapwin "$cap" "$(awk -v t="$t_sig" 'BEGIN { printf "%.6f", t - 2 }')" \
	    "$(awk -v t="$t_sig" 'BEGIN { printf "%.6f", t + 3 }')" 10/1)"
	read -r base _ <<< "$(pcap gapwin "$cap" "$(awk -v t="$t_sig" 'BEGIN { printf "%.6f", t - 2 }')" "$t_sig" 10/1)"
	result "$sc" "$impl" apply_ms "$rep" "$(awk -v a="$t_sig" -v b="$t_done" 'BEGIN { printf "%.2f", (b - a) * 1000 }')"
	if [ "$impl" = ours ]; then
		result "$sc" "$impl" daemon_ms "$rep" "$(tail -n +"$((mark + 1))" "$log" | grep -m1 -oE 'in [0-9.]+ ms' | awk '{ print $2 }')"
		tail -n +"$((mark + 1))" "$log" | grep -m1 -E -- "$done_re" | grep -q ' 1 updated' ||
		    note "ours rep $rep: unexpected verdict: $(tail -n +"$((mark + 1))" "$log" | grep -m1 -E -- "$done_re" | cut -d' ' -f2-)"
	else
		result "$sc" "$impl" daemon_ms "$rep" "$(awk -v a="$(stamp_after "$log" "$mark" "$start_re")" -v b="$t_done" \
		    'BEGIN { printf "%.2f", (b - a) * 1000 }')"
	fi
	result "$sc" "$impl" gap_ms "$rep" "$(awk -v g="$hi" 'BEGIN { printf "%.2f", g * 1000 }')"
	result "$sc" "$impl" mingap_ms "$rep" "$(awk -v g="$lo" 'BEGIN { printf "%.2f", g * 1000 }')"
	result "$sc" "$impl" base_ms "$rep" "$(awk -v g="$base" 'BEGIN { printf "%.2f", g * 1000 }')"
	result "$sc" "$impl" extra "$rep" "$(pcap window "$cap" "$t_sig" "$(awk -v t="$t_sig" 'BEGIN { printf "%.6f", t + 1 }')" |
	    awk -v n="$n" '{ print $1 - n }')"
	result "$sc" "$impl" changes "$rep" "$(tail -n +"$((mark + 1))" "$log" | grep -cE 'Switching to state|Entering [A-Z]+ STATE')"
	[ "$nr" -lt $((n - 1)) ] && note "$impl rep $rep: only $nr of $((n - 1)) unchanged routers seen"
	kill -TERM "$pid" 2>/dev/null
	wait_for 30 gone "$pid" || stop_pids $(tree "$pid" | tac)
	wait_for 10 gone "$spid"
}

for ((r = 1; r <= reps; r++)); do
	for impl in $impls; do
		one "$impl" "$r"
	done
done
exit 0
