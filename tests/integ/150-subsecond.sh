#!/bin/bash
# Sub-second adverts (advbase 0, advskew > 0) on the wire with ucarp 1.5.2.
#
# ucarp 1.5.2 accepts advbase 0 (its interval is then advskew/256 s and its
# master-down interval advskew/256 s too: deadratio multiplies advbase
# only).  It reads its capture up to ~1 s late (no immediate mode), so as a
# backup it gets advbase 1, under which it can hold BACKUP.
#
#  1. Ours -b 0 -k 10 (39 ms) is master, the reference (-b 1 -k 100) its
#     backup: every advert of ours carries advbase 0 / advskew 10 and their
#     mean spacing is 10/256 s; the reference accepts them (its per-advert
#     DEBUG line) and stays BACKUP for more than its master-down interval.
#  2. Ours is killed: the reference takes over.
#  3. Ours comes back with -b 0 -k 64 (250 ms, no -P): its master-down
#     interval (0.25 s) is shorter than the reference's 1.39 s adverts, so
#     it takes over, and the reference yields to the faster adverts
#     ("Preferred master advertised") and stays BACKUP.  Spacing 64/256 s.
#  4. The reference as a sub-second master (-b 0 -k 20, 78 ms) and ours
#     (-b 0 -k 128, master-down 0.5 s) its backup: ours accepts the
#     reference's advbase 0 adverts and stays BACKUP; the reference is
#     killed and ours takes over one master-down interval after the last
#     advert on the wire (not before it).
. "$(dirname "$0")/lib.sh"
normal_build_only "advert timing on the wire"
test_init
make_net 198.18.1.2 198.18.1.3
OURS=198.18.1.2
REF=198.18.1.3
capture_start sub 'ip proto 112'

# Microseconds since the epoch, the clock of tcpdump's stamps.
wall_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# carp_frames: "TS_US SRC VHID ADVBASE ADVSKEW" for every captured advert,
# decoded from the frame bytes (IP source at 26, CARP header at 34).
carp_frames() {
	tcpdump -tt -n -xx -r "${CAP_FILE[sub]}" 'ip proto 112' 2>/dev/null | awk '
	function hx(o) {
		return (index(X, substr(h, 2 * o + 1, 1)) - 1) * 16 + index(X, substr(h, 2 * o + 2, 1)) - 1
	}
	BEGIN { X = "0123456789abcdef" }
	function flush() {
		if (h != "")
			printf "%s %d.%d.%d.%d %d %d %d\n", ts, hx(26), hx(27),
			    hx(28), hx(29), hx(35), hx(39), hx(36)
		h = ""
	}
	/^[0-9]+\.[0-9]+ / { flush(); ts = $1; sub(/\./, "", ts); next }
	/^[ \t]+0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) h = h $i; next }
	END { flush() }'
}

# adverts SRC FROM_US TO_US: the frames of SRC in [FROM, TO].
adverts() {
	carp_frames | awk -v s="$1" -v f="$2" -v t="$3" '$2 == s && $1 >= f && $1 <= t'
}

# check_spacing WHAT SRC FROM TO BASE SKEW MIN_N: every advert of SRC in
# the window carries BASE/SKEW, there are at least MIN_N, and their mean
# and median spacing are within 10% and 20% of the interval those fields
# give (BASE + SKEW/256 s).
check_spacing() {
	local what=$1 src=$2 from=$3 to=$4 base=$5 skew=$6 min=$7 out
	wait_until 5 capture_has_until "$src" "$to" || true
	out=$(adverts "$src" "$from" "$to" | awk -v b="$base" -v k="$skew" '
		$4 != b || $5 != k { bad++ }
		{ if (n) g[n] = $1 - last; last = $1; if (!n) first = $1; n++ }
		END {
			want = b * 1000000 + k * 1000000 / 256
			if (n < 2) { printf "%d %d %.0f 0 0\n", n, bad, want; exit }
			# insertion sort for the median (a few hundred gaps)
			for (i = 2; i < n; i++) { v = g[i]; j = i - 1
				while (j >= 1 && g[j] > v) { g[j + 1] = g[j]; j-- }
				g[j + 1] = v }
			printf "%d %d %.0f %.0f %.0f\n", n, bad, want,
			    (last - first) / (n - 1), g[int(n / 2)]
		}')
	read -r S_n S_bad S_want S_mean S_median <<< "$out"
	log "$what: $S_n adverts, $S_bad with other fields; interval from the fields $S_want us, spacing mean $S_mean us, median $S_median us"
	[ "$S_n" -ge "$min" ] || test_fail "$what: only $S_n adverts of $src captured, expected $min or more"
	[ "$S_bad" -eq 0 ] || test_fail "$what: $S_bad adverts of $src do not carry advbase $base advskew $skew"
	[ $(( S_mean * 10 )) -ge $(( S_want * 9 )) ] && [ $(( S_mean * 10 )) -le $(( S_want * 11 )) ] ||
	    test_fail "$what: mean advert spacing ${S_mean} us, the packets say ${S_want} us (10% allowed)"
	[ $(( S_median * 10 )) -ge $(( S_want * 8 )) ] && [ $(( S_median * 10 )) -le $(( S_want * 12 )) ] ||
	    test_fail "$what: median advert spacing ${S_median} us, the packets say ${S_want} us (20% allowed)"
}

# tcpdump writes with -U: a frame sent before TO may still be on its way.
capture_has_until() {
	[ -n "$(carp_frames | awk -v t="$2" '$1 > t' | head -n 1)" ]
}

ours_advertised() { [ -n "$(adverts $OURS "$1" 99999999999999999)" ]; }

# holds_backup I N: node I accepts N more adverts (protocol time) without
# a state change and ends BACKUP.
holds_backup() {
	local i=$1 n=$2 c
	c=$(switch_count "$i")
	wait_rx "$i" "$n" 30
	[ "$(switch_count "$i")" -eq "$c" ] && state_is "$i" BACKUP ||
	    test_fail "node $i (${NODE_IMPL[i]}) changed state while the master was alive: $(describe 1 2)"
}

# ---- 1. ours -b 0 -k 10 master, the reference (advbase 1) backup -------------
start_node 1 ours -b 0 -k 10
wait_state 1 MASTER 5
start_node 2 ref -b 1 -k 100
wait_state 2 BACKUP 5
t1=$(wall_us)
# 128 adverts = 5 s, more than the reference's master-down interval
# (3.39 s) plus its capture latency: it really follows our adverts.
holds_backup 2 128
t2=$(wall_us)
expect_master 1 2
check_clean_logs 1 2
[ -z "$(adverts $REF 0 "$t2")" ] || test_fail "the reference advertised while our sub-second master was alive"
check_spacing "ours -b 0 -k 10" $OURS "$t1" "$t2" 0 10 64

# ---- 2. ours killed: the reference takes over ----------------------------------
stop_node 1 KILL
wait_state 2 MASTER 10
ip -n "${HOST_NS[1]}" addr del "$VIP/32" dev eth0 2>/dev/null	# no down script ran
wait_until 5 has_vip 2 || test_fail "the reference is MASTER without the VIP"
log "the reference took over from our killed sub-second master"

# ---- 3. ours -b 0 -k 64 comes back and takes over; the reference yields ----------
start_node 1 ours -b 0 -k 64
wait_state 1 MASTER 5
wait_until 10 state_is 2 BACKUP || test_fail "the reference did not yield to our 250 ms adverts: $(describe 1 2)"
log_has 2 "Preferred master advertised" ||
    test_fail "the reference went BACKUP without 'Preferred master advertised'"
expect_master 1 2
t4=$(wall_us)
holds_backup 2 16
t5=$(wall_us)
check_clean_logs 1 2
check_spacing "ours -b 0 -k 64" $OURS "$t4" "$t5" 0 64 12

# ---- 4. the reference as a sub-second master, ours its backup -------------------
# ucarp 1.5.2 cannot hold BACKUP under a 0.5 s master-down interval (its
# capture is up to 1 s late): not asked of it in harness self-check mode.
if ! ours_fixed; then
	log "NOTE: self-check mode: phase 4 (sub-second backup) skipped"
	capture_stop sub
	test_pass
fi
stop_node 1 TERM
stop_node 2 TERM
ip -n "${HOST_NS[1]}" addr del "$VIP/32" dev eth0 2>/dev/null
t6=$(wall_us)
start_node 2 ref -b 0 -k 20
wait_state 2 MASTER 5
start_node 1 ours -b 0 -k 128
wait_state 1 BACKUP 5
# 40 adverts = 3 s, six times our master-down interval.
holds_backup 1 40
expect_master 2 1
check_clean_logs 1 2
t7=$(wall_us)
adverts $REF "$t6" "$t7" | awk '$4 != 0 || $5 != 20 { exit 1 }' ||
    test_fail "the reference's adverts do not carry advbase 0 advskew 20"
stop_node 2 KILL
wait_state 1 MASTER 5
wait_until 5 ours_advertised "$t7" || test_fail "no advert of ours after the takeover"
last_ref=$(adverts $REF "$t6" 99999999999999999 | tail -n 1 | cut -d' ' -f1)
first_ours=$(adverts $OURS "$t7" 99999999999999999 | head -n 1 | cut -d' ' -f1)
[ -n "$last_ref" ] && [ -n "$first_ours" ] || test_fail "takeover not in the capture"
gap=$(( first_ours - last_ref ))
log "takeover: our first advert $gap us after the reference's last one (master-down interval 500000 us)"
# Not before the master-down interval (a 2 ms allowance for the capture's
# own stamps); the upper bound only tells an exact timer from a missed one.
[ "$gap" -ge 498000 ] || test_fail "ours took over $gap us after the last advert, before its 500 ms master-down interval"
[ "$gap" -le 1500000 ] || test_fail "ours took over $gap us after the last advert (master-down interval 500 ms)"
capture_stop sub
test_pass
