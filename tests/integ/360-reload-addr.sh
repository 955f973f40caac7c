#!/bin/bash
# New addresses, reloaded one host at a time: the master moves its
# address, the backup does nothing, nobody flaps.
#
# Hosts A (1) and B (2), 50 instances on one link, all preempt: A prefers
# a1..a45 (advskew 0 against B's 100), B prefers b46..b50.  The address of
# a5 (A is master) moves from 198.18.1.105 to .205 and that of b48 (B is
# master) from .148 to .248: first in A's file (SIGHUP A), a couple of
# adverts later in B's (SIGHUP B), each "48 kept, 2 updated".  While the
# bridge is captured:
#   - the master of each runs, once, its down script for the old address,
#     then its up script for the new one (UCARP_REASON "addresses changed
#     (reload)", the address as second argument; the up script starts
#     after the down script ended), holds the new address and no longer
#     the old one, and sends gratuitous ARPs for the new address (one at
#     once, one with its second advert after the reload, 1 to 2 s later);
#   - the backup of each runs nothing and holds neither address;
#   - no other script runs, neither host logs a state change or a bad
#     digest, the bad_hmac counters of a5 and b48 stay 0 (the old key is
#     sent and accepted through the rekey grace, see 350);
#   - on the wire B sends no advert for a1..a45 and A none for b46..b50
#     (the peer never becomes master), and every master instance of both
#     hosts keeps its schedule: no advert gap above the interval (1 s) plus
#     100 ms, and no two adverts of one instance closer than 1 s minus
#     100 ms (no extra advert, not even for a5 and b48).
. "$(dirname "$0")/lib_reload.sh"
rl_init 50 45
need_tcpdump
rl_start_pair

SRC_A=$(haddr $A 1)
SRC_B=$(haddr $B 1)
A_VRIDS=$(seq 1 45 | tr '\n' ' ')
B_VRIDS=$(seq 46 50 | tr '\n' ' ')
OLD5=198.18.1.105
NEW5=198.18.1.205
OLD48=198.18.1.148
NEW48=198.18.1.248
VERDICT="last reload applied: 48 kept, 2 updated, 0 added, 0 removed"

# moved H NAME OLD NEW: host H (the master of NAME) ran, since the mark,
# exactly NAME's down script for OLD then its up script for NEW, one after
# the other, and holds NEW, not OLD.
moved_done() { rl_events_since "$1" | grep -q "^end $2 up .* $4 "; }
check_moved() {
	local h=$1 n=$2 old=$3 new=$4 seq t_down_end t_up
	wait_until 5 moved_done "$h" "$n" "$old" "$new" ||
	    test_fail "host $h: $n's up script for $new did not run within 5 s"
	seq=$(rl_addr_scripts "$h" | awk -v n="$n" '$1 == n { printf "%s %s, ", $2, $3 }')
	[ "$seq" = "down $old, up $new, " ] ||
	    test_fail "host $h: $n ran '$seq' for the new address, expected 'down $old, up $new, '"
	t_down_end=$(rl_events_since "$h" | awk -v n="$n" '$1 == "end" && $2 == n && $3 == "down" { print $5 }')
	t_up=$(rl_events_since "$h" | awk -v n="$n" '$1 == "start" && $2 == n && $3 == "up" { print $5 }')
	[ "$t_up" -ge "$t_down_end" ] ||
	    test_fail "host $h: $n's up script started before its down script ended"
	mvips "$h" | grep -qx "$new" || test_fail "host $h does not hold $n's new address $new"
	mvips "$h" | grep -qx "$old" && test_fail "host $h still holds $n's old address $old"
	log "host $h: $n: down $old, then up $new"
}

rl_mark
mcap_start cap br1 'ip proto 112 or arp'
T0=$(now_us)
wait_until_slow 5 rl_every_vrid_since cap "$SRC_A" "$T0" 1 "$A_VRIDS" ||
    test_fail "A's masters did not all advertise within 5 s"

# ---- A first ---------------------------------------------------------------------
RL_KEYS[$A:5]="addr=\"$NEW5\""
RL_KEYS[$A:48]="addr=\"$NEW48\""
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "$VERDICT"
T_A=$(rl_log_us "$(rl_log_since $A | grep -F 'SIGHUP: reloading' | tail -n 1)")
check_moved $A a5 $OLD5 $NEW5
mlog_has $A " vhid 5 \\(a5\\): addresses changed by the reload \\($OLD5 -> $NEW5\\): down script" ||
    test_fail "A did not log a5's address change"
mlog_has $A " vhid 48 \\(b48\\): addresses changed by the reload \\($OLD48 -> $NEW48\\); the new ones are set up at the next takeover" ||
    test_fail "A did not log b48's address change"
# B, not reloaded yet, accepts a5's adverts (A sends the old key).
mwait_counter $B a5 received 2

# ---- then B ---------------------------------------------------------------------
RL_KEYS[$B:5]="addr=\"$NEW5\""
RL_KEYS[$B:48]="addr=\"$NEW48\""
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
rl_expect_verdict "$VERDICT"
T_B=$(rl_log_us "$(rl_log_since $B | grep -F 'SIGHUP: reloading' | tail -n 1)")
check_moved $B b48 $OLD48 $NEW48
mwait_counter $A b48 received 2

# Close the window: 3 more adverts of every master after B's reload, then
# a frame from after the window's end.
wait_until_slow 8 rl_every_vrid_since cap "$SRC_A" "$T_B" 3 "$A_VRIDS" ||
    test_fail "A's masters did not all advertise 3 times within 8 s of B's reload"
wait_until_slow 8 rl_every_vrid_since cap "$SRC_B" "$T_B" 3 "$B_VRIDS" ||
    test_fail "B's masters did not all advertise 3 times within 8 s of its reload"
T1=$(now_us)
wait_until_slow 5 rl_every_vrid_since cap "$SRC_A" "$T1" 1 "1" ||
    test_fail "no advert after the end of the window"
mcap_stop cap

# The wire: the peer never took over, and the schedules held.
n=$(mcap_adverts cap "$SRC_B" | awk -v list=" $A_VRIDS " 'index(list, " " $1 " ")' | wc -l)
[ "$n" -eq 0 ] || test_fail "B sent $n adverts for A's instances during the window"
n=$(mcap_adverts cap "$SRC_A" | awk -v list=" $B_VRIDS " 'index(list, " " $1 " ")' | wc -l)
[ "$n" -eq 0 ] || test_fail "A sent $n adverts for B's instances during the window"
rl_check_gaps cap "$SRC_A" "$T0" "$T1" "$A_VRIDS" 1100000
log "window $(( (T1 - T0) / 1000 )) ms: longest advert gap of A's masters: vrid ${RL_WORST% *}, $(( ${RL_WORST#* } / 1000 )) ms (bound 1100 ms)"
rl_check_gaps cap "$SRC_B" "$T0" "$T1" "$B_VRIDS" 1100000
log "longest advert gap of B's masters: vrid ${RL_WORST% *}, $(( ${RL_WORST#* } / 1000 )) ms (bound 1100 ms)"
rl_check_min_gaps cap "$SRC_A" "$T0" "$T1" "$A_VRIDS" 900000
log "shortest advert gap of A's masters: vrid ${RL_LEAST% *}, $(( ${RL_LEAST#* } / 1000 )) ms (bound 900 ms)"
rl_check_min_gaps cap "$SRC_B" "$T0" "$T1" "$B_VRIDS" 900000
log "shortest advert gap of B's masters: vrid ${RL_LEAST% *}, $(( ${RL_LEAST#* } / 1000 )) ms (bound 900 ms)"

# Gratuitous ARPs for the new addresses: at once, and with the second
# advert after it (1 to 2 intervals later).
check_garps() {
	local who=$1 addr=$2 since=$3 ts first second
	ts=$(rl_garps cap "$addr" "$since")
	first=$(echo "$ts" | sed -n 1p)
	second=$(echo "$ts" | sed -n 2p)
	[ -n "$first" ] && [ -n "$second" ] ||
	    test_fail "$who sent fewer than 2 gratuitous ARPs for $addr after its reload: $(echo "$ts" | grep -c .)"
	[ $((first - since)) -lt 500000 ] ||
	    test_fail "$who's first gratuitous ARP for $addr came $(( (first - since) / 1000 )) ms after its reload"
	[ $((second - first)) -ge 900000 ] && [ $((second - first)) -le 2200000 ] ||
	    test_fail "$who's second gratuitous ARP for $addr came $(( (second - first) / 1000 )) ms after the first (expected 1 to 2 s)"
	log "$who: gratuitous ARPs for $addr $(( (first - since) / 1000 )) ms and $(( (second - since) / 1000 )) ms after its reload"
}
check_garps A $NEW5 "$T_A"
check_garps B $NEW48 "$T_B"
n=$(rl_garps cap $NEW48 "$T0" | wc -l)
[ "$n" -eq 2 ] || test_fail "$n gratuitous ARPs for $NEW48, expected B's 2 only"
n=$(rl_garps cap $NEW5 "$T0" | wc -l)
[ "$n" -eq 2 ] || test_fail "$n gratuitous ARPs for $NEW5, expected A's 2 only"

# The logs and the scripts.
for h in $A $B; do
	bad=$(rl_log_since $h | grep -E 'Switching to state|Bad digest' | head -n 5)
	[ -z "$bad" ] || test_fail "host $h during the address change:
$bad"
	for i in a5 b48; do
		mcounter $h $i bad_hmac || test_fail "host $h: no SIGUSR1 counters for $i"
		[ "$CVAL" -eq 0 ] || test_fail "host $h: $i rejected $CVAL adverts (bad_hmac)"
	done
done
bad=$(rl_events_since $A | awk '$1 == "start" && $2 != "a5"' | head -n 5)
[ -z "$bad" ] || test_fail "A ran other scripts than a5's:
$bad"
bad=$(rl_events_since $B | awk '$1 == "start" && $2 != "b48"' | head -n 5)
[ -z "$bad" ] || test_fail "B ran other scripts than b48's:
$bad"
for h in $A $B; do
	for a in $OLD5 $OLD48; do
		mvips $h | grep -qx "$a" && test_fail "host $h holds the old address $a"
	done
done
mvips $B | grep -qx $NEW5 && test_fail "B (backup of a5) holds a5's new address"
mvips $A | grep -qx $NEW48 && test_fail "A (backup of b48) holds b48's new address"
rl_split || test_fail "the split changed: $(rl_describe)"

mcheck_running $A $B
test_pass
