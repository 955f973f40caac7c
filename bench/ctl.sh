#!/bin/bash
# bench/ctl.sh: the control socket under load, ours only.  Host A runs N
# master routers (advert interval 1 s) on ceil(N/250) links to a sink S
# that only listens (as bench/reload.sh).  Once settled:
#   status_ms   ucarpctl status -j, connect to last byte (median of 5)
#   metrics_ms  ucarpctl metrics, the same
#   status_kib  the size of status -j's output
#   turn_ms     with perf: the longest turn of the daemon's event loop
#               while status -j runs 5 times (bench/turns.py: no advert
#               fires during a turn; the target is 1 ms)
#   gap_ms      the longest gap between two adverts of one router while
#               10 clients run ucarpctl status -j in a loop for WINDOW s
#               (undisturbed: the 1000 ms interval; target: under 1020)
#   base_ms     the same over WINDOW s before, with no client
#   polls       status -j answers the 10 clients got in the window
#
#   With -n the pollers run under nice 19: what is left of the gap is
#   the daemon's own work, not the pollers' competition for 2 cores.
#
# usage: bench/ctl.sh [-n] [-w WINDOW] [N...]   (default N 1000 10000,
# WINDOW 6)
. "$(dirname "$0")/lib.sh"

window=6
nice=""
while [ $# -gt 0 ]; do
	case $1 in
	-w) window=$2; shift 2 ;;
	-n) nice="nice -n 19"; shift ;;
	-h|--help) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- 1000 10000
: "${UCARPCTL:=$(dirname "$OURS")/../ctl/ucarpctl}"
[ -x "$UCARPCTL" ] || die "no ucarpctl at $UCARPCTL (build first, or set UCARPCTL)"
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
command -v tcpdump >/dev/null || die "no tcpdump (apt-get install tcpdump)"
turns=0
perf list syscalls:sys_enter_epoll_wait 2>/dev/null | grep -q sys_enter_epoll_wait && turns=1

conf() {
	local i l v
	echo 'defaults = { pass = "bench"; neutral = true; };'
	echo 'instances = ('
	for ((i = 0; i < n; i++)); do
		l=$((i / 250)); v=$((i % 250 + 1))
		printf '  { interface = "eth%d"; srcip = "198.18.%d.1"; vhid = %d; addr = "198.19.%d.%d"; }%s\n' \
		    $l $((10 + l)) $v $l $v "$([ $i -lt $((n - 1)) ] && echo ,)"
	done
	echo ');'
}

masters() { "$UCARPCTL" -s "$SOCK" metrics 2>/dev/null | grep -c 'state="MASTER"} 1$'; }
all_masters() { [ "$(masters)" -eq "$n" ]; }

# ms CMD...: the median over 5 runs of CMD's wall time, in ms.
ms() {
	local i t0
	for i in 1 2 3 4 5; do
		t0=$(now_us)
		"$@" > /dev/null || die "$* failed"
		echo $(( $(now_us) - t0 ))
	done | sort -n | sed -n 3p | awk '{ printf "%.1f", $1 / 1000 }'
}

polls_done() { [ "$(find "$TMP" -name 'poll.*' | wc -l)" -ge 10 ]; }

poller() {	# OUT END_US
	local c=0
	while [ "$(now_us)" -lt "$2" ]; do
		$nice "$UCARPCTL" -s "$SOCK" status -j > /dev/null && c=$((c + 1))
	done
	echo $c > "$1"
}

for n in "$@"; do
	k=$(links_for "$n")
	net_pair "$k" s
	SOCK=$TMP/ctl.sock
	conf > "$TMP/a.conf"
	BG_OUT=$TMP/a.log bg ${TAG}a "$OURS" -c "$TMP/a.conf" --control="$SOCK"
	pid=$BG_PID
	wait_for $((60 + n / 100)) all_masters || die "N=$n: $(masters) of $n MASTER"
	cap=$TMP/ctl.pcap
	rm -f "$cap"
	cap_start ${TAG}s any "$cap"
	cpid=$CAP_PID
	sleep 2		# two rounds of adverts before measuring
	turn_ms=-
	if [ $turns -eq 1 ]; then
		rm -f "$TMP/turns.data"
		ppid=$(python3 "$BENCH_DIR/turns.py" start "$pid" "$TMP/turns.data")
		PIDS+=("$ppid")
	fi
	status_ms=$(ms "$UCARPCTL" -s "$SOCK" status -j)
	if [ $turns -eq 1 ]; then
		kill -INT "$ppid" 2>/dev/null
		wait_for 30 gone "$ppid"
		turn_ms=$(python3 "$BENCH_DIR/turns.py" longest "$TMP/turns.data")
	fi
	metrics_ms=$(ms "$UCARPCTL" -s "$SOCK" metrics)
	kib=$("$UCARPCTL" -s "$SOCK" status -j | wc -c | awk '{ printf "%.0f", $1 / 1024 }')
	t0=$(now_s)
	sleep "$window"	# the window without clients
	t1=$(now_s)
	end=$(( $(now_us) + window * 1000000 ))
	for c in 1 2 3 4 5 6 7 8 9 10; do
		poller "$TMP/poll.$c" "$end" &
		PIDS+=("$!")
	done
	wait_for $((window + 30)) polls_done || die "the pollers did not end"
	t2=$(now_s)
	sleep 1.5
	cap_stop "$cpid"
	read -r base _ _ _ nb <<< "$(pcap gapwin "$cap" "$t0" "$t1")"
	read -r hi hr _ _ nr <<< "$(pcap gapwin "$cap" "$t1" "$t2")"
	polls=$(cat "$TMP"/poll.* | awk '{ s += $1 } END { print s }')
	printf 'N=%d  status -j %s ms (%s KiB, longest loop turn %s ms)  metrics %s ms  longest gap with 10 pollers %.1f ms (%s; %d routers), without %.1f ms (%d routers)  polls %d in %d s\n' \
	    "$n" "$status_ms" "$kib" "$turn_ms" "$metrics_ms" "$(awk -v g="$hi" 'BEGIN { print g * 1000 }')" "$hr" "$nr" \
	    "$(awk -v g="$base" 'BEGIN { print g * 1000 }')" "$nb" "$polls" "$window"
	rm -f "$TMP"/poll.*
	kill -TERM "$pid" 2>/dev/null
	wait_for 60 gone "$pid" || stop_pids $(tree "$pid" | tac)
done
exit 0
