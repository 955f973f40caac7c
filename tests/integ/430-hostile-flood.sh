#!/bin/bash
# Flood: A (master) and B (backup), vhid 77, and an attacker on the same
# bridge sending FLOOD_PPS (default 20000; 2000 under valgrind) junk
# frames per second for FLOOD_SECS (default 10) seconds, bounded by count
# as well.  The mix (weights): wrong-HMAC adverts for the pair's vhid 4,
# wrong-HMAC adverts claiming advbase 0 advskew 1 2, wrong vhid 2, and 1
# each of bad TTL, bad version, bad type, bad IP checksum, bad CARP
# checksum, bad group, fragment, truncated (50 and 24 bytes) and
# keepalived's VRRPv2/v3 adverts.
#
# Asserted:
#   - the injector reached at least FLOOD_MIN_PPS (default: FLOOD_PPS less
#     5 %) and stopped by itself; the achieved rate is printed;
#   - no state change on A or B (A MASTER with the VIP, B BACKUP);
#   - every frame is counted: on A and on B the rejection counters rose
#     in all by at least 95 % of what the injector sent and by no more
#     than it sent, and each reason by at least 90 % and at most 100 % of
#     the frames of its kinds (so no reason can hide behind the others'
#     total; kernel drops on the path are printed: veth/bridge statistics);
#   - A's log (debug on) has at most one line per drop reason per second
#     during the flood, and so has B's;
#   - A's adverts stay on schedule: on A's bridge port (frames from A
#     only), the longest gap between two of A's adverts over the flood is
#     at most its interval (1 s) + 50 ms.
. "$(dirname "$0")/lib_hostile.sh"
normal_build_only "advert gaps under a flood"
hostile_init
hpair_start

# Under valgrind (UCARP_TEST_VALGRIND=1) the daemons run some 20 times
# slower: that run is about memory errors on the reject paths, so the
# flood is a tenth of the rate; the rate itself is proven by the others.
if [ $VG_ALL -eq 1 ] && [ -z "${FLOOD_PPS:-}" ]; then
	FLOOD_PPS=2000
	log "NOTE: under valgrind: flood of $FLOOD_PPS frames/s"
fi
: "${FLOOD_PPS:=20000}"
: "${FLOOD_SECS:=10}"
: "${FLOOD_MIN_PPS:=$(( FLOOD_PPS * 95 / 100 ))}"
MAX_COUNT=$(( FLOOD_PPS * FLOOD_SECS * 11 / 10 ))
INTERVAL_US=1000000
SLACK_US=50000

declare -A KIND_COUNTER=(
	[bad_hmac]=bad_hmac [steal]=bad_hmac [wrong_vhid]=bad_vhid
	[ttl64]=bad_ttl [version3]=bad_version [type2]=bad_type
	[bad_ip_cksum]=bad_ip_cksum [bad_carp_cksum]=bad_carp_cksum
	[bad_group]=bad_group [fragment]=not_carp [short50]=too_short
	[short24]=too_short [vrrp2_cap]=too_short [vrrp3_cap]=too_short
)
MIX=bad_hmac:4,steal:2,wrong_vhid:2,ttl64:1,version3:1,type2:1,bad_ip_cksum:1,bad_carp_cksum:1,bad_group:1,fragment:1,short50:1,short24:1,vrrp2_cap:1,vrrp3_cap:1

# ifstat NS DEV FIELD: an interface statistic inside a namespace.
ifstat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3" 2>/dev/null || echo 0; }
drops() {
	echo "attacker-eth0-tx_dropped=$(ifstat "${M_NS[HX]}" eth0 tx_dropped)" \
	    "p3-rx_dropped=$(ifstat "$MBR_NS" p3l1 rx_dropped)" \
	    "br1-rx_dropped=$(ifstat "$MBR_NS" br1 rx_dropped)" \
	    "p1-tx_dropped=$(ifstat "$MBR_NS" p1l1 tx_dropped)" \
	    "p2-tx_dropped=$(ifstat "$MBR_NS" p2l1 tx_dropped)" \
	    "A-eth0-rx_dropped=$(ifstat "${M_NS[HA]}" eth0 rx_dropped)" \
	    "B-eth0-rx_dropped=$(ifstat "${M_NS[HB]}" eth0 rx_dropped)"
}

hcap_start advA $HA "ip proto 112 and src host $ADDR_A"
hsnap $HA "$TMPD/a0"
hsnap $HB "$TMPD/b0"
drops_before=$(drops)
from_a=$(( $(wc -l < "${D_LOG[HA]}") + 1 ))
from_b=$(( $(wc -l < "${D_LOG[HB]}") + 1 ))
t0=$(now_us)
hinject flood flood --src "$ADDR_X" --vhid "$H_VHID" --pass "$H_PASS" --vip "$H_VIP" \
    --pps "$FLOOD_PPS" --duration "$FLOOD_SECS" --max-count "$MAX_COUNT" --mix "$MIX"
t1=$(now_us)
to_a=$(wc -l < "${D_LOG[HA]}")
to_b=$(wc -l < "${D_LOG[HB]}")
pps=$(awk '$1 == "pps" { print $2 }' "$TMPD/flood.out")
secs=$(awk '$1 == "seconds" { print $2 }' "$TMPD/flood.out")
errs=$(awk '$1 == "errors" { print $2 }' "$TMPD/flood.out")
log "flood: $INJ_TOTAL frames in $secs s: $pps frames/s achieved (target $FLOOD_PPS), $errs send errors"
[ $(( (t1 - t0) / 1000000 )) -le $(( FLOOD_SECS + 10 )) ] ||
    test_fail "the injector ran $(( (t1 - t0) / 1000 )) ms for a ${FLOOD_SECS} s flood"
[ "${pps%.*}" -ge "$FLOOD_MIN_PPS" ] ||
    test_fail "the injector reached only $pps frames/s (at least $FLOOD_MIN_PPS wanted): the test did not flood"

# Let both daemons drain what is queued: counters stop moving.
settled() {
	hsnap $HA "$TMPD/a.s"
	local s
	s=$(grep -vE '^(state|sent) ' "$TMPD/a.s")
	[ "$s" = "${last_s:-}" ] && return 0
	last_s=$s
	sleep 0.3
	return 1
}
last_s=""
wait_until_slow 10 settled || log "A's counters still moving 10 s after the flood"
mcap_stop advA
drops_after=$(drops)
log "kernel drops before: $drops_before"
log "kernel drops after:  $drops_after"

hcheck_states "after the flood"
FAILS=()

# Every frame counted (within kernel drops).
check_counted() {
	local h=$1 before=$2 after=$3 k c sum=0 line="" d
	local -A want=()
	for k in "${!KIND_COUNTER[@]}"; do
		c=${KIND_COUNTER[$k]}
		want[$c]=$(( ${want[$c]:-0} + $(inj_sent flood "$k") ))
	done
	for k in $REJECT_KEYS; do
		d=$(hdelta "$before" "$after" "$k")
		sum=$(( sum + d ))
		[ "$d" -ne 0 ] || [ -n "${want[$k]:-}" ] && line="$line $k=$d/${want[$k]:-0}"
		[ "$d" -le "${want[$k]:-0}" ] ||
		    FAILS+=("host $h counted $d frames as $k; only ${want[$k]:-0} such frames were sent")
		[ $(( d * 100 )) -ge $(( ${want[$k]:-0} * 90 )) ] ||
		    FAILS+=("host $h counted only $d frames as $k of the ${want[$k]} such frames sent (< 90 %)")
	done
	d=$(hdelta "$before" "$after" transitions)
	[ "$d" -eq 0 ] || FAILS+=("host $h: transitions +$d during the flood")
	log "host $h counted $sum of $INJ_TOTAL frames ($(( sum * 1000 / INJ_TOTAL / 10 )).$(( sum * 1000 / INJ_TOTAL % 10 )) %):$line"
	[ $(( sum * 100 )) -ge $(( INJ_TOTAL * 95 )) ] ||
	    FAILS+=("host $h counted only $sum of the $INJ_TOTAL frames sent (< 95 %)")
}
hsnap $HA "$TMPD/a1"
hsnap $HB "$TMPD/b1"
check_counted $HA "$TMPD/a0" "$TMPD/a1"
check_counted $HB "$TMPD/b0" "$TMPD/b1"

# Log lines per drop reason: at most one per second, and 1 s apart.
reason_lines() {
	sed -n "$2,$3p" "${D_LOG[$1]}" | awk '
		{
			r = ""
			if ($0 ~ /Bad TTL/) r = "bad_ttl"
			else if ($0 ~ /Bad version/) r = "bad_version"
			else if ($0 ~ /Bad type/) r = "bad_type"
			else if ($0 ~ /Ignoring vhid/) r = "bad_vhid"
			else if ($0 ~ /Ignoring different multicast/) r = "bad_group"
			else if ($0 ~ /Bad IP checksum/) r = "bad_ip_cksum"
			else if ($0 ~ /Bad CARP checksum/) r = "bad_carp_cksum"
			else if ($0 ~ /Bad digest/) r = "bad_hmac"
			else if ($0 ~ /replayed or stale/) r = "replay"
			else if (match($0, /dropped a frame: [a-z_]+/)) r = substr($0, RSTART + 17, RLENGTH - 17)
			if (r == "") next
			split($1, t, "T"); split(t[2], hms, ":")
			s = hms[1] * 3600 + hms[2] * 60 + hms[3]	# seconds.micro
			print r, s
		}'
}
# check_log_rate H FROM TO: per reason, the lines, the most in one
# second and the shortest spacing; a reason over 1 per second is a failure.
check_log_rate() {
	local h=$1 out bad
	out=$(reason_lines "$h" "$2" "$3" | sort -k1,1 -k2,2n | awk '
		{
			n[$1]++; k = $1 " " int($2)
			if (++per[k] > most[$1]) most[$1] = per[k]
			if (($1 in last) && (!($1 in gap) || $2 - last[$1] < gap[$1])) gap[$1] = $2 - last[$1]
			last[$1] = $2
		}
		END {
			for (r in n) {
				printf "%s=%d(max %d/s, min spacing %s) ", r, n[r], most[r],
				    (r in gap) ? sprintf("%.3fs", gap[r]) : "-"
				if (most[r] > 1 || ((r in gap) && gap[r] < 0.99)) bad = bad " " r
			}
			printf "|%s\n", bad
		}')
	log "host $h drop log lines during the flood: ${out%%|*}"
	bad=${out#*|}
	[ -z "$bad" ] || FAILS+=("host $h logged more than one line per second for:$bad")
}
check_log_rate $HA "$from_a" "$to_a"
check_log_rate $HB "$from_b" "$to_b"

# A's adverts on schedule: the longest gap over [t0, t1].
gaps=$(tcpdump -tt -n -r "${MCAP_FILE[advA]}" 2>/dev/null | awk -v from="$t0" -v to="$t1" '
	{ t = $1; sub(/\./, "", t); t += 0 }
	t < from || t > to { next }
	{ g = (n ? t - last : t - from); if (g > max) max = g; last = t; n++ }
	END { g = to - last; if (n && g > max) max = g; printf "%d %.0f\n", n, max }')
nadv=${gaps%% *}
maxgap=${gaps#* }
log "A sent $nadv adverts during the flood; longest gap $(( maxgap / 1000 )).$(( maxgap % 1000 / 100 )) ms (limit $(( (INTERVAL_US + SLACK_US) / 1000 )) ms)"
[ "$nadv" -ge $(( FLOOD_SECS - 1 )) ] || FAILS+=("A sent only $nadv adverts in ${FLOOD_SECS} s of flood")
[ "$maxgap" -le $(( INTERVAL_US + SLACK_US )) ] ||
    FAILS+=("A's adverts fell behind: a gap of $(( maxgap / 1000 )) ms during the flood")

if [ ${#FAILS[@]} -gt 0 ]; then
	for f in "${FAILS[@]}"; do log "FAILED: $f"; done
	test_fail "${#FAILS[@]} check(s) failed: ${FAILS[*]}"
fi

mcheck_running $HA $HB
test_pass
