#!/bin/bash
# bench/storm.sh: a script storm.  N routers fail over at once and every
# new master runs an up script that takes 20 ms, for ours (its script
# queue, script_jobs at the default, and at other values as ours_jN),
# ucarp 1.5.2 (N processes, each running its script before it advertises)
# and keepalived (notify_master; VRRPv2 and VRRPv3), interleaved.
#
# Hosts A (all N masters) and B (all backups) are joined by ceil(N/250)
# links; once settled, every process of A is killed (SIGKILL) and B takes
# all N over.  A capture on B times the adverts; the scripts stamp their
# end.  Metrics:
#   done        the kill -> the last up script finished (s)
#   scripts     up scripts finished (expected: N)
#   moved       routers B took over (expected: N)
#   take_late_ms  the longest silence of a router at takeover (A's last
#               advert -> B's first) minus the protocol's bound, in ms:
#               what the storm added to the slowest takeover
#   adv_late_ms the longest gap between two adverts of one new master,
#               beyond its interval, until 3 s after the last script (ms)
#   cap_drops   frames the capture lost (expected: 0; a lost frame is a
#               gap that was not there)
# ucarp 1.5.2 is not run above BENCH_UCARP_MAX routers (bench/lib.sh).
#
# With -a, the addresses: no 20 ms script; the time that counts is the
# kill -> every address present on B, from the kernel's own timestamps
# (ip monitor address on B), for ours with manage_addresses (ours_addr),
# ours with an up script that adds the address (ours_ipscript, the
# script path), and keepalived's built-in addresses (kav2, kav3):
#   addrs_done  the kill -> the last address added on B (s)
#   addr_late_ms  per router, its address added on B after A's last
#               advert, minus the protocol's bound: the worst (ms; the
#               goal is 50 at most)
#   present     addresses on B at the end (expected: N)
#   moved, take_late_ms  as above
#
# usage: bench/storm.sh [-n REPS] [-a] [N]   (default N 1000)
# At N = 10,000, ours alone (BENCH_IMPLS=ours) takes about a minute.
. "$(dirname "$0")/lib.sh"

reps=5
addrs=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) reps=$2; shift 2 ;;
	-a) addrs=1; shift ;;
	-h|--help) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
n=${1:-1000}
bench_require
if [ $addrs -eq 1 ]; then
	impls=${BENCH_IMPLS:-ours_addr ours_ipscript kav2 kav3}
else
	impls=${BENCH_IMPLS:-ours ours_j1 ucarp kav2 kav3}
fi
k=$(links_for "$n")
printf '#!/bin/bash\nsleep 0.02\necho "$EPOCHREALTIME $1 $2" >> "%s"\n' "$TMP/up.stamps" > "$TMP/up"
chmod 755 "$TMP/up"
printf '#!/bin/sh\nexec %s addr add "$2/32" dev "$1"\n' "$(command -v ip)" > "$TMP/upip"
chmod 755 "$TMP/upip"

settled() { cap_settled "$1" "$n"; }
# after T: true once the clock has passed T (s since the epoch).
after() { awk -v t="$1" -v n="$(now_s)" 'BEGIN { exit !(n > t) }'; }
lines() { local c; c=$(wc -l 2>/dev/null < "$1"); [ "${c:-0}" -ge "$2" ]; }

# storm_net: the links, the routers of both hosts and the capture on B
# (CAP_PID).
storm_net() {
	net_pair "$k"
	routers_pair "$n" 1 > "$TMP/ra"
	routers_pair "$n" 2 > "$TMP/rb"
	rm -f "$TMP/storm.pcap" "$TMP/up.stamps" "$TMP/mon.txt"
	cap_start ${TAG}b any "$TMP/storm.pcap"
}

# storm_settled SC IMPL REP PID...: true once A masters all; else the
# repetition failed, IMPL gives up at N, and the nodes and PIDs stop.
storm_settled() {
	local sc=$1 impl=$2 rep=$3 cap=$TMP/storm.pcap
	shift 3
	wait_for $((60 + n / 5)) settled "$cap" && return 0
	note "$impl rep $rep: not settled ($(cap_why "$cap" "$n"))"
	result "$sc" "$impl" failed "$rep" 1
	give_up "$impl" "$n"
	node_stop a; node_stop b; cap_stop "$1"
	shift
	[ $# -eq 0 ] || stop_pids "$@"
	return 1
}

one() {	# IMPL REP
	local impl=$1 rep=$2 cap=$TMP/storm.pcap t_kill last end cpid sc=storm_$n
	local routers moved take late lastfirst b interval=1.390625
	case $impl in kav*) interval=1 ;; esac
	too_many "$sc" "$impl" "$n" "$rep" && return
	skip_given_up "$sc" "$impl" "$n" "$rep" && return
	storm_net
	cpid=$CAP_PID
	node_start "$impl" ${TAG}a a master normal "$TMP/ra"
	node_start "$impl" ${TAG}b b backup normal "$TMP/rb" up="$TMP/up"
	storm_settled "$sc" "$impl" "$rep" "$cpid" || return
	t_kill=$(now_s)
	node_kill a KILL
	if ! wait_for $((30 + n / 10)) lines "$TMP/up.stamps" "$n"; then
		note "$impl rep $rep: $(wc -l < "$TMP/up.stamps" 2>/dev/null) of $n up scripts finished"
		result "$sc" "$impl" failed "$rep" 1
	fi
	last=$(sort -g "$TMP/up.stamps" | tail -n 1 | awk '{ print $1 }')
	end=$(awk -v t="$last" 'BEGIN { printf "%.6f", t + 3 }')
	# Until 3 s after the last script (not by polling the capture: at
	# 10,000 routers each look reads a million frames).
	wait_for 15 after "$end"
	cap_stop "$cpid"
	read -r routers moved take late lastfirst _ <<< "$(pcap takeover "$cap" 1 2 "$interval")"
	b=$(bound "$impl" normal)
	result "$sc" "$impl" "done" "$rep" "$(awk -v a="$t_kill" -v b="$last" 'BEGIN { printf "%.3f", b - a }')"
	result "$sc" "$impl" scripts "$rep" "$(wc -l < "$TMP/up.stamps")"
	result "$sc" "$impl" moved "$rep" "$moved"
	result "$sc" "$impl" take_late_ms "$rep" "$(awk -v t="$take" -v b="$b" 'BEGIN { printf "%.1f", (t - b) * 1000 }')"
	result "$sc" "$impl" adv_late_ms "$rep" "$(awk -v l="$late" 'BEGIN { printf "%.1f", l * 1000 }')"
	result "$sc" "$impl" cap_drops "$rep" "$(cap_drops "$cap")"
	node_stop a
	node_stop b
}

# mon_last FILE: the epoch (s) of the last address of 198.19/16 added in
# an `ip -ts -o monitor address` log, and how many were added.
mon_last() {
	python3 - "$1" <<'EOP'
import sys, datetime
last, n = 0.0, 0
for line in open(sys.argv[1]):
    if ' inet 198.19.' not in line or 'Deleted' in line or not line.startswith('['):
        continue
    t = datetime.datetime.fromisoformat(line[1:line.index(']')])
    last = max(last, t.timestamp())
    n += 1
print("%.6f %d" % (last, n))
EOP
}
present() { [ "$(ip -n ${TAG}b -4 -o addr show | grep -c ' inet 198\.19\.')" -ge "$1" ]; }

one_addr() {	# IMPL REP
	local impl=$1 rep=$2 cap=$TMP/storm.pcap t_kill cpid mpid sc=addrstorm_$n
	local routers moved take late lastfirst b interval=1.390625 last added
	local mon=$TMP/mon.txt impl_b=$1 up=""
	case $impl in kav*) interval=1 ;; esac
	case $impl in ours_ipscript) impl_b=ours; up=up=$TMP/upip ;; esac
	skip_given_up "$sc" "$impl" "$n" "$rep" && return
	storm_net
	cpid=$CAP_PID
	BG_OUT=$mon bg ${TAG}b ip -ts -o monitor address
	mpid=$BG_PID
	node_start "$impl_b" ${TAG}a a master normal "$TMP/ra" ${up:+"$up"}
	node_start "$impl_b" ${TAG}b b backup normal "$TMP/rb" ${up:+"$up"}
	storm_settled "$sc" "$impl" "$rep" "$cpid" "$mpid" || return
	t_kill=$(now_s)
	node_kill a KILL
	wait_for $((30 + n / 10)) present "$n" ||
	    note "$impl rep $rep: $(ip -n ${TAG}b -4 -o addr show | grep -c ' inet 198\.19\.') of $n addresses on B"
	sleep 1		# the last adverts for the capture; monitor lines out
	cap_stop "$cpid"
	stop_pids "$mpid"
	read -r last added <<< "$(mon_last "$mon")"
	read -r routers moved take late lastfirst _ <<< "$(pcap takeover "$cap" 1 2 "$interval")"
	b=$(bound "$impl_b" normal)
	result "$sc" "$impl" addrs_done "$rep" "$(awk -v a="$t_kill" -v b="$last" 'BEGIN { printf "%.3f", b - a }')"
	result "$sc" "$impl" addr_late_ms "$rep" "$(pcap addrlate "$cap" 1 "$mon" "$b" | awk '{ print $1 }')"
	result "$sc" "$impl" present "$rep" "$(ip -n ${TAG}b -4 -o addr show | grep -c ' inet 198\.19\.')"
	result "$sc" "$impl" moved "$rep" "$moved"
	result "$sc" "$impl" take_late_ms "$rep" "$(awk -v t="$take" -v b="$b" 'BEGIN { printf "%.1f", (t - b) * 1000 }')"
	node_stop a
	node_stop b
}

for ((r = 1; r <= reps; r++)); do
	for impl in $impls; do
		if [ $addrs -eq 1 ]; then
			one_addr "$impl" "$r"
		else
			one "$impl" "$r"
		fi
	done
done
exit 0
