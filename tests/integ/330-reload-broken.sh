#!/bin/bash
# A broken file is refused whole; the running configuration goes on.
#
# Hosts A (1) and B (2), 50 instances on one link, all preempt: A prefers
# a1..a45, B b46..b50.  A's file is replaced in turn by three broken
# versions and A is sent SIGHUP after each:
#   1. a3's vhid set to 300 (out of range) - and, in the same file, a
#      valid change (a6's advskew 0 -> 7) that must not be applied either;
#   2. an unknown key (advskw) in a4;
#   3. a libconfig syntax error in a5.
# Each time A logs "FILE:LINE: ..." for the problem at the right line, then
# "last reload of FILE refused: 1 problem, running configuration
# unchanged", and SIGUSR1 repeats that verdict.  Then a good file (a5's
# advskew 0 -> 5) is applied normally: "49 kept, 1 updated, 0 added, 0
# removed", also shown by SIGUSR1.  Throughout (capture on the bridge):
# A's 45 masters keep advertising with no gap above 1 s + 100 ms, a6 keeps
# advskew 0, a5 advertises advskew 5 once the good file is in; neither
# host changes state or runs a script, and B logs nothing.
. "$(dirname "$0")/lib_reload.sh"
rl_init 50 45
need_tcpdump
rl_start_pair

SRC_A=$(haddr $A 1)
CONF=${RL_CONF[A]}
A_VRIDS=$(seq 1 45 | tr '\n' ' ')

every_vrid_since() {
	local got
	got=$(mcap_adverts "$1" "$2" | awk -v s="$3" -v m="$4" -v list=" $5 " '
		$2 >= s && index(list, " " $1 " ") { n[$1]++ }
		END { c = 0; for (v in n) if (n[v] >= m) c++; print c }')
	[ "$got" -eq "$(echo $5 | wc -w)" ]
}

# usr1_says TEXT: SIGUSR1 to A; its answer ends with the verdict TEXT.
usr1_says() {
	local from=$(( $(wc -l < "${D_LOG[A]}") + 1 ))
	musr1 $A || test_fail "A did not answer SIGUSR1"
	usr1_line() { tail -n +"$from" "${D_LOG[A]}" | grep -qF "] $1"; }
	wait_until 5 usr1_line "$1" || test_fail "SIGUSR1 did not repeat the verdict '$1'"
}

# broken NAME EXPECTED_MESSAGE LINE_PATTERN: A's file is now broken; SIGHUP
# must refuse it with "CONF:LINE: EXPECTED_MESSAGE", LINE being the line of
# the file that matches LINE_PATTERN.
broken() {
	local name=$1 msg=$2 pat=$3 line from refused
	line=$(grep -n -- "$pat" "$CONF" | head -n 1 | cut -d: -f1)
	[ -n "$line" ] || test_fail "harness: no line /$pat/ in the $name file"
	if "$UCARP" -t -c "$CONF" > "$TMPD/$name.t" 2>&1; then
		test_fail "harness: ucarp -t accepts the $name file"
	fi
	from=$(( $(wc -l < "${D_LOG[A]}") + 1 ))
	rl_hup $A
	refused="last reload of $CONF refused: 1 problem, running configuration unchanged"
	[ "$RL_VERDICT" = "$refused" ] || test_fail "$name: verdict '$RL_VERDICT', expected '$refused'"
	tail -n +"$from" "${D_LOG[A]}" | grep -qF "] $CONF:$line: $msg" ||
	    test_fail "$name: A did not log '$CONF:$line: $msg'; it logged:
$(tail -n +"$from" "${D_LOG[A]}")"
	log "$name: refused with '$CONF:$line: $msg'"
	usr1_says "$refused"
}

rl_mark
mcap_start cap br1 'ip proto 112'
T0=$(now_us)
wait_until_slow 5 every_vrid_since cap "$SRC_A" "$T0" 1 "$A_VRIDS" ||
    test_fail "A's masters did not all advertise within 5 s"

# 1. vhid out of range (plus a valid change that must not be applied).
RL_KEYS[$A:3]="vhid=300"
RL_KEYS[$A:6]="advskew=7"
rl_conf $A "$CONF"
broken "vhid-300" "vhid 300 is out of range; give a number from 1 to 255" 'vhid = 300;'
RL_KEYS=()

# 2. Unknown key.
RL_KEYS[$A:4]="advskw=5"
rl_conf $A "$CONF"
broken "unknown-key" "unknown key 'advskw' in instance; did you mean 'advskew'?" 'advskw = 5;'
RL_KEYS=()

# 3. Syntax error.
rl_conf $A "$CONF"
sed -i 's/^\(\t*\)vhid = 5;$/\1vhid = = 5;/' "$CONF"
broken "syntax" "syntax error" 'vhid = = 5;'

# 4. A good file again, with one change.
RL_KEYS[$A:5]="advskew=5"
rl_conf $A "$CONF"
rl_hup $A
rl_expect_verdict "last reload applied: 49 kept, 1 updated, 0 added, 0 removed"
T_GOOD=$(now_us)
usr1_says "$RL_VERDICT"

wait_until_slow 6 every_vrid_since cap "$SRC_A" "$T_GOOD" 2 "$A_VRIDS" ||
    test_fail "A's masters did not all advertise twice within 6 s of the good reload"
T1=$(now_us)
wait_until_slow 5 every_vrid_since cap "$SRC_A" "$T1" 1 "1" ||
    test_fail "no advert after the end of the window"
mcap_stop cap

rl_check_gaps cap "$SRC_A" "$T0" "$T1" "$A_VRIDS" 1100000
log "window $(( (T1 - T0) / 1000 )) ms: longest advert gap of A's masters: vrid ${RL_WORST% *}, $(( ${RL_WORST#* } / 1000 )) ms (bound 1100 ms)"

rl_cap_adverts cap "$SRC_A" > "$TMPD/a.adv"
skews6=$(awk '$1 == 6 { print $3 }' "$TMPD/a.adv" | sort -u | tr '\n' ' ')
[ "$skews6" = "0 " ] || test_fail "a6 advertised advskew '$skews6': part of a refused file was applied"
skews5=$(awk -v t="$T_GOOD" '$1 == 5 && $2 > t { print $3 }' "$TMPD/a.adv" | sort -u | tr '\n' ' ')
[ "$skews5" = "5 " ] || test_fail "a5 advertised advskew '$skews5' after the good reload, expected 5"

for h in $A $B; do
	bad=$(rl_log_since $h | grep -F 'Switching to state' | head -n 5)
	[ -z "$bad" ] || test_fail "host $h changed state during the reloads:
$bad"
	bad=$(rl_events_since $h | head -n 5)
	[ -z "$bad" ] || test_fail "host $h ran scripts during the reloads:
$bad"
done
bad=$(rl_log_since $A | grep -E '\] eth0 vhid [0-9]+ ' | grep -vE '\): ((MASTER|BACKUP|INIT) on eth0 id [0-9]+|counters: )' | head -n 5)
[ -z "$bad" ] || test_fail "A logged about instances during the reloads:
$bad"
bad=$(rl_log_since $B | head -n 5)
[ -z "$bad" ] || test_fail "B logged something during A's reloads:
$bad"
[ "$(rl_log_since $A | grep -c 'SIGHUP: reloading')" -eq 4 ] ||
    test_fail "A did not log 'SIGHUP: reloading' 4 times"

mcheck_running $A $B
test_pass
