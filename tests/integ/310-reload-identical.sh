#!/bin/bash
# SIGHUP with an unchanged configuration changes nothing.
#
# Hosts A (1) and B (2), 50 instances on one link, all preempt: A prefers
# a1..a45 (advskew 0 against B's 100), B prefers b46..b50.  Once the split
# is settled, A is sent SIGHUP twice while the bridge is captured: first
# with its file untouched, then with the same configuration written
# differently (comments, blanks, ':' for '=', instances and keys in
# reverse order, defaults given in each instance, default values spelt
# out).  For each reload:
#   - A logs "last reload applied: 50 kept, 0 updated, 0 added, 0 removed";
# and over the whole window (about 3 s around both reloads):
#   - no advert gap of A's 45 master instances exceeds the interval (1 s)
#     plus 100 ms, on the wire, and no two adverts of one instance are
#     closer than the interval minus 100 ms: none skipped, none extra (an
#     extra advert splits an interval in two);
#   - each of them sent, on the wire, exactly as many adverts as its
#     schedule holds: one per second from its first advert in the window
#     to its last;
#   - B sends no advert for a1..a45 (it never becomes their master) and A
#     none for b46..b50;
#   - neither host logs a state change, runs a script or logs anything
#     about an instance; A's addresses are unchanged;
#   - A's instances are the same objects: SIGUSR1 shows the same
#     transition counts as before and more adverts sent (nothing was
#     recreated), and its last line repeats the reload verdict.
. "$(dirname "$0")/lib_reload.sh"
rl_init 50 45
need_tcpdump
rl_start_pair

SRC_A=$(haddr $A 1)
SRC_B=$(haddr $B 1)
A_VRIDS=$(seq 1 45 | tr '\n' ' ')
B_VRIDS=$(seq 46 50 | tr '\n' ' ')
VERDICT="last reload applied: 50 kept, 0 updated, 0 added, 0 removed"

musr1 $A || test_fail "host A did not answer SIGUSR1"
cp "$USR1_CNT" "$TMPD/counters.before"
VIPS_BEFORE=$(mvips $A)

rl_mark
mcap_start cap br1 'ip proto 112'
T0=$(now_us)
# One advert of each master inside the window before the first reload.
wait_until_slow 5 rl_every_vrid_since cap "$SRC_A" "$T0" 1 "$A_VRIDS" ||
    test_fail "A's masters did not all advertise within 5 s"

# 1. The file as it is.
rl_hup $A
rl_expect_verdict "$VERDICT"

# 2. The same configuration, written differently.
rl_conf_fancy $A "$TMPD/fancy.conf"
"$UCARP" -t -c "$TMPD/fancy.conf" > "$TMPD/fancy.t" 2>&1 ||
    test_fail "the reformatted file does not load: $(cat "$TMPD/fancy.t")"
cp "$TMPD/fancy.conf" "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "$VERDICT"
T_HUP=$(now_us)

# Two more adverts of each master after the second reload, then close the
# window once the capture holds a frame from after its end.
wait_until_slow 6 rl_every_vrid_since cap "$SRC_A" "$T_HUP" 2 "$A_VRIDS" ||
    test_fail "A's masters did not all advertise twice within 6 s of the reload"
T1=$(now_us)
wait_until_slow 5 rl_every_vrid_since cap "$SRC_A" "$T1" 1 "1" ||
    test_fail "no advert after the end of the window"
mcap_stop cap

rl_check_gaps cap "$SRC_A" "$T0" "$T1" "$A_VRIDS" 1100000
log "window $(( (T1 - T0) / 1000 )) ms: longest advert gap of A's masters: vrid ${RL_WORST% *}, $(( ${RL_WORST#* } / 1000 )) ms (bound 1100 ms)"
rl_check_min_gaps cap "$SRC_A" "$T0" "$T1" "$A_VRIDS" 900000
log "shortest advert gap of A's masters: vrid ${RL_LEAST% *}, $(( ${RL_LEAST#* } / 1000 )) ms (bound 900 ms)"
# The count: one advert per interval from the first to the last.
bad=$(mcap_adverts cap "$SRC_A" | awk -v list=" $A_VRIDS " -v from="$T0" -v to="$T1" '
	$2 < from || $2 > to || !index(list, " " $1 " ") { next }
	!($1 in first) { first[$1] = $2 }
	{ last[$1] = $2; n[$1]++ }
	END {
		for (v in n) {
			want = int((last[v] - first[v]) / 1000000 + 0.5) + 1
			if (n[v] != want) print "vrid " v ": " n[v] " adverts over " int((last[v] - first[v]) / 1000) " ms, expected " want
		}
	}')
[ -z "$bad" ] || test_fail "adverts of A's masters beyond or short of their schedule:
$bad"

n=$(mcap_adverts cap "$SRC_B" | awk -v list=" $A_VRIDS " 'index(list, " " $1 " ")' | wc -l)
[ "$n" -eq 0 ] || test_fail "B sent $n adverts for A's instances during the window"
n=$(mcap_adverts cap "$SRC_A" | awk -v list=" $B_VRIDS " 'index(list, " " $1 " ")' | wc -l)
[ "$n" -eq 0 ] || test_fail "A sent $n adverts for B's instances during the window"

for h in $A $B; do
	bad=$(rl_log_since $h | grep -F 'Switching to state' | head -n 5)
	[ -z "$bad" ] || test_fail "host $h changed state after the reload:
$bad"
	bad=$(rl_events_since $h | head -n 5)
	[ -z "$bad" ] || test_fail "host $h ran scripts after the reload:
$bad"
	# Nothing about any instance: only the reload's own lines on A.
	bad=$(rl_log_since $h | grep -E '\] eth0 vhid [0-9]+ ' | head -n 5)
	[ -z "$bad" ] || test_fail "host $h logged about instances after the reload:
$bad"
done
bad=$(rl_log_since $B | head -n 5)
[ -z "$bad" ] || test_fail "B logged something during A's reloads:
$bad"
[ "$(rl_log_since $A | grep -c 'SIGHUP: reloading')" -eq 2 ] ||
    test_fail "A did not log 'SIGHUP: reloading' twice"
[ "$(mvips $A)" = "$VIPS_BEFORE" ] || test_fail "A's addresses changed over the reload"

# Same instances, still counting.
USR1_MARK=$(( $(wc -l < "${D_LOG[A]}") + 1 ))
musr1 $A || test_fail "host A did not answer SIGUSR1 after the reloads"
bad=$(awk '
	function kv(line, key,   i, f) {
		for (i = 2; i <= NF; i++) { split($i, f, "="); if (f[1] == key) return f[2] }
		return -1
	}
	NR == FNR { sent[$1] = kv($0, "sent"); tr[$1] = kv($0, "transitions"); next }
	!($1 in sent) { print $1, "is new"; next }
	kv($0, "transitions") != tr[$1] { print $1, "transitions", tr[$1], "->", kv($0, "transitions") }
	$1 ~ /^a/ && kv($0, "sent") < sent[$1] + 2 { print $1, "sent", sent[$1], "->", kv($0, "sent") }
	' "$TMPD/counters.before" "$USR1_CNT")
[ -z "$bad" ] || test_fail "instances were reset or recreated by the reload (SIGUSR1 counters):
$bad"
usr1_verdict() { tail -n +"$USR1_MARK" "${D_LOG[A]}" | grep -qF "$VERDICT in "; }
wait_until 5 usr1_verdict || test_fail "SIGUSR1 did not log the last reload's verdict"

mcheck_running $A $B
test_pass
