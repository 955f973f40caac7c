#!/bin/bash
# bench/failover.sh: how fast the backup of one virtual router takes over,
# for ours, ucarp 1.5.2 and keepalived (VRRPv2 and VRRPv3), interleaved
# (rep 1 of each daemon, then rep 2 of each, ...) so that all see the same
# machine.  Two hosts on a bridge: A (advskew 0 / priority 150) is master,
# B (advskew 100 / priority 100) backup; a capture on the bridge times the
# adverts, B's up script stamps its own start.
#
# Scenarios (default: all):
#   crash     SIGKILL of every process of A, advbase 1 / advert_int 1
#   fast      the same with sub-second timers: ours and ucarp advbase 0,
#             advskew 26 / 78 (adverts every 0.102 s, down after 0.305 s;
#             ucarp-compatible on the wire); keepalived VRRPv3 advert_int
#             0.1.  Also the CPU of both hosts over a steady window.
#   handover  SIGTERM of A (ours and ucarp with -z; keepalived resigns with
#             a priority-0 advert)
#   linkloss  A's cable pulled (its bridge port down: no carrier on A)
#   crash6    crash, the router holding one IPv6 address (CARP and VRRPv3
#             over IPv6, from the link-local address): ours, keepalived
#             VRRPv3
#   crashds   crash, the router holding an IPv4 and an IPv6 address (ours
#             advertises over both): ours only; takeover4 and late4_ms
#             time its IPv4 adverts, the others its IPv6 ones
#   ucrash    crash with unicast adverts, the bridge dropping multicast
#             (nftables): ours --peer, keepalived unicast_peer (VRRPv2 and
#             v3); ucarp 1.5.2 has no unicast.  Captured on B's port.
#   crashmany SIGKILL of host A holding N routers (-N, default 1000; not
#             among the default scenarios), the layout of bench/scale.sh:
#             ceil(N/250) veth links, every router master on A and backup
#             on B; a capture on B (all links).  Recorded as crashmany_N.
# Metrics (seconds unless named otherwise):
#   takeover  A's last advert on the wire -> B's first advert
#   late_ms   takeover minus the protocol's bound (advbase x 3 +
#             advskew/256; VRRP 3 x advert_int + (256 - prio)/256 x
#             advert_int), in ms
#   up        A's last advert -> B's up script started
#   event     the kill, SIGTERM or cut -> B's first advert
#   up_event  the kill, SIGTERM or cut -> B's up script started
#   cpu_pct   (fast) CPU of A and B together, % of one core
#   adv_rate  (fast) adverts per second on the wire
# crashmany, over every router (s unless named):
#   moved     routers B took over (expected: N)
#   late_ms   the worst router's takeover (A's last advert -> B's first)
#             minus the bound, in ms (target: 50 at most)
#   med_late_ms  the median router's
#   adv_late_ms  the longest gap between two adverts of one new master,
#             beyond its interval, until WINDOW s after the last takeover
#             (ms; target: 20 at most)
#   event     the kill -> the last router's first advert from B
#   cpu_b_pct B's daemon from the kill to the end of the window, % of one
#             core
#   cap_drops frames the capture lost (a lost frame is a gap; expected 0)
#
# usage: bench/failover.sh [-n REPS] [-w SECONDS] [-N N] [SCENARIO...]
# crashmany at N = 10,000 with -w 10 takes about 40 s per daemon.
# Writes raw results (see bench/lib.sh) to $BENCH_RAW, default stdout.
. "$(dirname "$0")/lib.sh"

reps=5 window=10 many=1000
while [ $# -gt 0 ]; do
	case $1 in
	-n) reps=$2; shift 2 ;;
	-N) many=$2; shift 2 ;;
	-w) window=$2; shift 2 ;;
	-h|--help) sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
scenarios=${*:-crash fast handover linkloss crash6 crashds ucrash}
bench_require

echo "eth0 198.18.1.1 7 198.18.0.7" > "$TMP/ra"
echo "eth0 198.18.1.2 7 198.18.0.7" > "$TMP/rb"
echo "eth0 198.18.1.1 7 2001:db8::7" > "$TMP/ra.crash6"
echo "eth0 198.18.1.2 7 2001:db8::7" > "$TMP/rb.crash6"
echo "eth0 198.18.1.1 7 198.18.0.7,2001:db8::7" > "$TMP/ra.crashds"
echo "eth0 198.18.1.2 7 198.18.0.7,2001:db8::7" > "$TMP/rb.crashds"
for h in a b; do
	printf '#!/bin/bash\necho "$EPOCHREALTIME $1 $2" >> "%s"\n' "$TMP/up$h.stamps" > "$TMP/up$h"
	chmod 755 "$TMP/up$h"
done

impls_of() {
	case $1 in
	fast) echo "${BENCH_IMPLS:-ours ucarp kav3}" | sed 's/kav2//' ;;
	crash6) echo "${BENCH_IMPLS:-ours kav3}" | sed 's/kav2//; s/ucarp//' ;;
	crashds) echo "${BENCH_IMPLS:-ours}" | sed 's/kav[23]//g; s/ucarp//' ;;
	ucrash) echo "${BENCH_IMPLS:-ours kav2 kav3}" | sed 's/ucarp//' ;;
	crashmany) echo "${BENCH_IMPLS:-ours ucarp kav2 kav3}" ;;
	*) echo "${BENCH_IMPLS:-ours ucarp kav2 kav3}" ;;
	esac
}

fail() {	# SCENARIO IMPL REP WHY
	local f
	note "$1 $2 rep $3: $4"
	for f in "$TMP/a.log" "$TMP/b.log"; do
		[ -s "$f" ] && { note "last lines of ${f##*/}:"; tail -n 5 "$f" >&2; }
	done
	result "$1" "$2" failed "$3" 1
	node_stop a; node_stop b
	[ -n "${cap_pid:-}" ] && cap_stop "$cap_pid"
	return 0
}

# one SCENARIO IMPL REP
one() {
	local sc=$1 impl=$2 rep=$3 timing=normal opt="" cap=$TMP/cap.pcap
	local mre bre t_ev t0 c0 c1 last first up b r="" pa="" pb="" capif=br0
	local sa=198.18.1.1 sb=198.18.1.2	# A's and B's adverts come from
	[ "$sc" = fast ] && timing=fast
	[ "$sc" = handover ] && opt=shutdown
	mre=$(node_master_re "$impl"); bre=$(node_backup_re "$impl")
	rm -f "$TMP"/up?.stamps "$cap"
	cap_pid=
	net_bridge a b
	case $sc in
	crash6|crashds)
		r=.$sc
		net_v6 a b
		sa=$(ll_of a); sb=$(ll_of b)
		;;
	ucrash)
		# Unicast is forwarded port to port, never to br0: B's port
		# sees A's adverts to B and B's own.
		pa=peer=$sb; pb=peer=$sa; capif=pb
		printf 'table bridge nomcast {\n chain forward {\n  type filter hook forward priority 0; policy accept;\n  ip daddr 224.0.0.0/4 drop\n }\n}\n' |
		    ip netns exec ${TAG}br nft -f - || die "nft: cannot drop multicast (apt-get install nftables)"
		;;
	esac
	node_start "$impl" ${TAG}a a master $timing "$TMP/ra$r" up="$TMP/upa" $opt $pa
	wait_for 20 at_least "$TMP/a.log" "$mre" 1 || { fail "$sc" "$impl" "$rep" "A never master"; return; }
	node_start "$impl" ${TAG}b b backup $timing "$TMP/rb$r" up="$TMP/upb" $opt $pb
	wait_for 20 at_least "$TMP/b.log" "$bre" 1 || { fail "$sc" "$impl" "$rep" "B never backup"; return; }
	cap_start ${TAG}br $capif "$cap" "ip proto 112 or ip6 proto 112"
	cap_pid=$CAP_PID
	wait_for 10 cap_has "$cap" "$sa" 2 || { fail "$sc" "$impl" "$rep" "no adverts from A"; return; }
	if [ "$sc" = fast ]; then
		t0=$(now_us)
		c0=$(cpu_ns $(node_pids a) $(node_pids b))
		sleep "$window"
		c1=$(cpu_ns $(node_pids a) $(node_pids b))
		result "$sc" "$impl" cpu_pct "$rep" "$(awk -v c=$((c1 - c0)) -v t=$(( $(now_us) - t0 )) \
		    'BEGIN { printf "%.3f", c / (t * 10) }')"
		result "$sc" "$impl" adv_rate "$rep" "$(pcap rate "$cap")"
	fi
	if at_least "$TMP/b.log" "$mre" 1 || [ "$(cap_count "$cap" "$sb")" -gt 0 ]; then
		fail "$sc" "$impl" "$rep" "B became master while A was alive (it cannot hold the backup state)"
		return
	fi
	t_ev=$(now_s)
	case $sc in
	crash|fast|crash6|crashds|ucrash) node_kill a KILL ;;
	handover) node_kill a TERM ;;
	linkloss) ip -n ${TAG}br link set pa down ;;
	esac
	wait_for 20 cap_has "$cap" "$sb" 1 || { fail "$sc" "$impl" "$rep" "B never advertised"; return; }
	wait_for 5 test -s "$TMP/upb.stamps" || { fail "$sc" "$impl" "$rep" "B's up script never ran"; return; }
	[ "$sc" = crashds ] && { wait_for 5 cap_has "$cap" 198.18.1.2 1 ||
	    { fail "$sc" "$impl" "$rep" "B never advertised over IPv4"; return; }; }
	cap_stop "$cap_pid"
	read -r last first <<< "$(pcap failover "$cap" "$sa" "$sb")"
	read -r up _ < "$TMP/upb.stamps"
	b=$(bound "$impl" $timing)
	awk -v l="$last" -v f="$first" -v u="$up" -v e="$t_ev" -v b="$b" -v sc="$sc" 'BEGIN {
		printf "takeover %.6f\nup %.6f\nevent %.6f\nup_event %.6f\n", f - l, u - l, f - e, u - e
		# A handover is not bounded by the down timer.
		if (sc != "handover") printf "late_ms %.3f\n", (f - l - b) * 1000 }' |
	while read -r m v; do result "$sc" "$impl" "$m" "$rep" "$v"; done
	if [ "$sc" = crashds ]; then
		read -r last first <<< "$(pcap failover "$cap" 198.18.1.1 198.18.1.2)"
		awk -v l="$last" -v f="$first" -v b="$b" 'BEGIN {
			printf "takeover4 %.6f\nlate4_ms %.3f\n", f - l, (f - l - b) * 1000 }' |
		while read -r m v; do result "$sc" "$impl" "$m" "$rep" "$v"; done
	fi
	node_stop a; node_stop b
}

# one_many IMPL REP: crashmany (see the top).  B's MASTER lines tell
# when every router has moved: polling the capture would compete with
# the takeover for the CPU.
one_many() {
	local impl=$1 rep=$2 n=$many sc=crashmany_$many cap=$TMP/many.pcap cpid
	local t_kill t0 c0 c1 b interval=1.390625 pb
	local routers moved take late lastfirst worst med latest
	case $impl in kav*) interval=1 ;; esac
	too_many "$sc" "$impl" "$n" "$rep" && return
	skip_given_up "$sc" "$impl" "$n" "$rep" && return
	net_pair "$(links_for "$n")"
	routers_pair "$n" 1 > "$TMP/ma"
	routers_pair "$n" 2 > "$TMP/mb"
	cap_start ${TAG}b any "$cap"
	cpid=$CAP_PID cap_pid=$CAP_PID
	node_start "$impl" ${TAG}a a master normal "$TMP/ma"
	node_start "$impl" ${TAG}b b backup normal "$TMP/mb"
	if ! wait_for $((60 + n / 10)) cap_settled "$cap" "$n"; then
		give_up "$impl" "$n"
		fail "$sc" "$impl" "$rep" "not settled ($(cap_why "$cap" "$n"))"
		return
	fi
	pb=$(node_pids b)
	t_kill=$(now_s) t0=$(now_us)
	c0=$(cpu_ns $pb)
	node_kill a KILL
	if ! wait_for $((30 + n / 100)) at_least "$TMP/b.log" "$(node_master_re "$impl")" "$n"; then
		fail "$sc" "$impl" "$rep" "$(count_in "$TMP/b.log" "$(node_master_re "$impl")") of $n routers moved"
		return
	fi
	sleep "$window"
	c1=$(cpu_ns $pb)
	result "$sc" "$impl" cpu_b_pct "$rep" "$(awk -v c=$((c1 - c0)) -v t=$(( $(now_us) - t0 )) \
	    'BEGIN { printf "%.3f", c / (t * 10) }')"
	node_stop b
	cap_stop "$cpid"
	node_stop a
	read -r routers moved take late lastfirst worst med latest <<< "$(pcap takeover "$cap" 1 2 "$interval")"
	b=$(bound "$impl" normal)
	note "$impl rep $rep: worst takeover $worst, longest advert gap $latest"
	result "$sc" "$impl" moved "$rep" "$moved"
	result "$sc" "$impl" late_ms "$rep" "$(awk -v t="$take" -v b="$b" 'BEGIN { printf "%.1f", (t - b) * 1000 }')"
	result "$sc" "$impl" med_late_ms "$rep" "$(awk -v t="$med" -v b="$b" 'BEGIN { printf "%.1f", (t - b) * 1000 }')"
	result "$sc" "$impl" adv_late_ms "$rep" "$(awk -v l="$late" 'BEGIN { printf "%.1f", l * 1000 }')"
	result "$sc" "$impl" event "$rep" "$(awk -v a="$t_kill" -v b="$lastfirst" 'BEGIN { printf "%.3f", b - a }')"
	result "$sc" "$impl" cap_drops "$rep" "$(cap_drops "$cap")"
}

for sc in $scenarios; do
	case $sc in
	crash|fast|handover|linkloss|crash6|crashds|ucrash|crashmany) ;;
	*) die "unknown scenario $sc (crash, fast, handover, linkloss, crash6, crashds, ucrash, crashmany)" ;;
	esac
	for ((r = 1; r <= reps; r++)); do
		for impl in $(impls_of "$sc"); do
			if [ "$sc" = crashmany ]; then
				one_many "$impl" "$r"
			else
				one "$sc" "$impl" "$r"
			fi
		done
	done
done
exit 0
