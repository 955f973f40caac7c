#!/bin/bash
# bench/scale.sh: the cost of N virtual routers on one host pair, for ours
# (one process per host, one configuration file), ucarp 1.5.2 (N processes
# per host) and keepalived (one process per host with N vrrp_instances,
# VRRPv2 and VRRPv3), interleaved within each repetition.
#
# Hosts A (every router advskew 0 / priority 150) and B (advskew 100 /
# priority 100) are joined by ceil(N/250) links (a vhid or VRID is unique
# per link).  Both hosts start together; a capture on B (all links) tells
# when the pair has settled: in the last 1.5 s A advertised all N routers
# and B none.  Then, over a steady window:
#   rss_mib   resident memory of every process of both hosts (MiB)
#   pss_mib   the same, shared pages divided among their users (MiB)
#   cpu_pct   CPU of both hosts together, % of one core
#   adv_rate  adverts per second on the wire (expected: N)
#   settle    start of both hosts -> settled (s)
#   procs     processes of both hosts
# A pair that has not settled within the deadline is recorded as
# unsettled and measured as it is; one whose daemon died, as failed.
#
# usage: bench/scale.sh [-n REPS] [-w SECONDS] [N...]   (default N: 1 100 1000)
# Writes raw results (see bench/lib.sh) to $BENCH_RAW, default stdout.
. "$(dirname "$0")/lib.sh"

reps=5 window=30
while [ $# -gt 0 ]; do
	case $1 in
	-n) reps=$2; shift 2 ;;
	-w) window=$2; shift 2 ;;
	-h|--help) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
sizes=${*:-1 100 1000}
bench_require
impls=${BENCH_IMPLS:-ours ucarp kav2 kav3}

all_alive() {
	local p
	for p in "$@"; do alive "$p" || return 1; done
}

settled() {	# CAP N
	[ "$(pcap settled "$1" "$2" 1 2 "$(now_s)" 1.5)" = yes ]
}

one() {	# IMPL N REP
	local impl=$1 n=$2 rep=$3 k cap=$TMP/scale.pcap t0 t1 c0 c1 mem sc=scale_$2 ok=1
	local deadline=${BENCH_SETTLE:-$((60 + n / 10))} all
	# Unsettled once: the later repetitions are measured after 30 s.
	gave_up "$impl" "$n" && deadline=30
	# (ucarp 1.5.2 gets no longer: one that has not settled by then is
	# recorded as unsettled, and measured as it is)
	k=$(links_for "$n")
	net_pair "$k"
	routers_pair "$n" 1 > "$TMP/ra"
	routers_pair "$n" 2 > "$TMP/rb"
	rm -f "$cap"
	cap_start ${TAG}b any "$cap"
	local cpid=$CAP_PID
	t0=$(now_us)
	node_start "$impl" ${TAG}a a master normal "$TMP/ra"
	node_start "$impl" ${TAG}b b backup normal "$TMP/rb"
	# Poll every half second: parsing the growing capture costs CPU.
	until settled "$cap" "$n"; do
		if [ $(( $(now_us) - t0 )) -gt $((deadline * 1000000)) ]; then
			ok=0
			break
		fi
		sleep 0.5
	done
	all="$(node_pids a) $(node_pids b)"
	if [ $ok -eq 1 ]; then
		result "$sc" "$impl" settle "$rep" \
		    "$(awk -v d=$(( $(now_us) - t0 )) 'BEGIN { printf "%.3f", d / 1e6 }')"
	elif all_alive $all; then
		# Still running, just not settled: measured as it is.
		note "$impl N=$n rep $rep: not settled after $deadline s ($(pcap settled "$cap" "$n" 1 2 "$(now_s)" 1.5)); measured as it is"
		result "$sc" "$impl" unsettled "$rep" 1
		give_up "$impl" "$n"
	else
		note "$impl N=$n rep $rep: a process died before settling ($(pcap settled "$cap" "$n" 1 2 "$(now_s)" 1.5)); last lines of its logs:"
		tail -n 5 "$TMP/a.log" "$TMP/b.log" >&2
		result "$sc" "$impl" failed "$rep" 1
		node_stop a
		node_stop b
		cap_stop "$cpid"
		return
	fi
	t0=$(now_us)
	c0=$(cpu_ns $all)
	sleep "$window"
	c1=$(cpu_ns $all)
	t1=$(now_us)
	mem=$(mem_kib $all)
	# Daemons first, so that nothing they do while exiting holds up the
	# capture's exit (tcpdump once took minutes behind a keepalived
	# writing to the serial console).
	node_stop a
	node_stop b
	cap_stop "$cpid"
	result "$sc" "$impl" cpu_pct "$rep" "$(awk -v c=$((c1 - c0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", c / (t * 10) }')"
	result "$sc" "$impl" rss_mib "$rep" "$(awk -v m="${mem% *}" 'BEGIN { printf "%.2f", m / 1024 }')"
	result "$sc" "$impl" pss_mib "$rep" "$(awk -v m="${mem#* }" 'BEGIN { printf "%.2f", m / 1024 }')"
	result "$sc" "$impl" procs "$rep" "$(echo $all | wc -w)"
	result "$sc" "$impl" adv_rate "$rep" "$(pcap window "$cap" "$(awk -v t=$t0 'BEGIN { printf "%.6f", t / 1e6 }')" \
	    "$(awk -v t=$t1 'BEGIN { printf "%.6f", t / 1e6 }')" |
	    awk -v t=$((t1 - t0)) '{ printf "%.2f", $1 / (t / 1e6) }')"
}

for ((r = 1; r <= reps; r++)); do
	for n in $sizes; do
		for impl in $impls; do
			one "$impl" "$n" "$r"
		done
	done
done
exit 0
