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
#   rss_a_mib, pss_a_mib, cpu_a_pct   the same for host A's daemon alone
#             (the master of every router; keepalived: its two processes)
#   rss_b_mib, pss_b_mib, cpu_b_pct   host B's daemon (every backup)
#   adv_rate  adverts per second on the wire (expected: N)
#   settle    start of both hosts -> settled (s)
#   procs     processes of both hosts
#   cap_drops frames the capture lost (expected: 0; adv_rate is short by
#             as many)
# A pair that has not settled within the deadline is recorded as
# unsettled and measured as it is; one whose daemon died, as failed.
# ucarp 1.5.2 is not run above BENCH_UCARP_MAX routers (default 1000: one
# process per router and host; see too_many in bench/lib.sh), and is
# recorded as skipped.
#
# usage: bench/scale.sh [-n REPS] [-w SECONDS] [N...]   (default N: 1 100 1000)
# Takes about (settle + window + 10 s) per daemon and N; at N = 10,000
# with -w 10 about 30 s for ours and a minute for keepalived.
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

# pct CPU_NS T_US: CPU time as % of one core.
pct() { awk -v c="$1" -v t="$2" 'BEGIN { printf "%.3f", c / (t * 10) }'; }
# mib KIB
mib() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1024 }'; }

one() {	# IMPL N REP
	local impl=$1 n=$2 rep=$3 k cap=$TMP/scale.pcap t0 t1 c0 c1 mem sc=scale_$2 ok=1
	local deadline=${BENCH_SETTLE:-$((60 + n / 10))} all pa pb a0 a1 b0 b1 ma mb
	too_many "$sc" "$impl" "$n" "$rep" && return
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
	# cap_settled polls at most about three times a second.
	until cap_settled "$cap" "$n"; do
		if [ $(( $(now_us) - t0 )) -gt $((deadline * 1000000)) ]; then
			ok=0
			break
		fi
	done
	pa=$(node_pids a); pb=$(node_pids b)
	all="$pa $pb"
	if [ $ok -eq 1 ]; then
		result "$sc" "$impl" settle "$rep" \
		    "$(awk -v d=$(( $(now_us) - t0 )) 'BEGIN { printf "%.3f", d / 1e6 }')"
	elif all_alive $all; then
		# Still running, just not settled: measured as it is.
		note "$impl N=$n rep $rep: not settled after $deadline s ($(cap_why "$cap" "$n")); measured as it is"
		result "$sc" "$impl" unsettled "$rep" 1
		give_up "$impl" "$n"
	else
		note "$impl N=$n rep $rep: a process died before settling ($(cap_why "$cap" "$n")); last lines of its logs:"
		tail -n 5 "$TMP/a.log" "$TMP/b.log" >&2
		result "$sc" "$impl" failed "$rep" 1
		node_stop a
		node_stop b
		cap_stop "$cpid"
		return
	fi
	t0=$(now_us)
	a0=$(cpu_ns $pa); b0=$(cpu_ns $pb)
	sleep "$window"
	a1=$(cpu_ns $pa); b1=$(cpu_ns $pb)
	t1=$(now_us)
	ma=$(mem_kib $pa); mb=$(mem_kib $pb)
	c0=$((a0 + b0)) c1=$((a1 + b1))
	mem="$(( ${ma% *} + ${mb% *} )) $(( ${ma#* } + ${mb#* } ))"
	# Daemons first, so that nothing they do while exiting holds up the
	# capture's exit (tcpdump once took minutes behind a keepalived
	# writing to the serial console).
	node_stop a
	node_stop b
	cap_stop "$cpid"
	result "$sc" "$impl" cpu_pct "$rep" "$(pct $((c1 - c0)) $((t1 - t0)))"
	result "$sc" "$impl" rss_mib "$rep" "$(mib "${mem% *}")"
	result "$sc" "$impl" pss_mib "$rep" "$(mib "${mem#* }")"
	result "$sc" "$impl" cpu_a_pct "$rep" "$(pct $((a1 - a0)) $((t1 - t0)))"
	result "$sc" "$impl" cpu_b_pct "$rep" "$(pct $((b1 - b0)) $((t1 - t0)))"
	result "$sc" "$impl" rss_a_mib "$rep" "$(mib "${ma% *}")"
	result "$sc" "$impl" rss_b_mib "$rep" "$(mib "${mb% *}")"
	result "$sc" "$impl" pss_a_mib "$rep" "$(mib "${ma#* }")"
	result "$sc" "$impl" pss_b_mib "$rep" "$(mib "${mb#* }")"
	result "$sc" "$impl" cap_drops "$rep" "$(cap_drops "$cap")"
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
