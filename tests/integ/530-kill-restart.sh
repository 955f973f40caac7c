#!/bin/bash
# SIGKILL and restart.  Two hosts on one link, one instance "v" (vhid 1,
# VIP 198.18.100.1) whose scripts add (up) and remove (down) the VIP.
# Host A (1) is preferred (advskew 0) but has no preempt; B (2) has
# advskew 50.  Both run with -D.
#   1. A starts alone and becomes MASTER (VIP on A); B starts as BACKUP.
#   2. A is killed with SIGKILL: it runs no script, so its VIP stays on
#      its interface, as with ucarp 1.5.2.  B takes over (VIP on B too).
#   3. A is restarted.
# Asserted after the restart:
#   - A's first state change is "Switching to state: BACKUP (start-up)",
#     and its down script is spawned before it hears any advert (before
#     any "advert from" debug line) and before any other state change;
#   - the down script removes the stale VIP from A;
#   - A, although preferred, stays BACKUP without preempt: no "Switching
#     to state: MASTER" in its log while it accepts adverts from B, and B
#     stays MASTER (no state change of B after its takeover);
#   - at the end exactly one host holds the VIP: B.
. "$(dirname "$0")/lib_faults.sh"
faults_init
mnet_make 2 1

A=1
B=2
V=198.18.100.1
declare -a SKEW=(- 0 50)

for h in $A $B; do
	D_EVENTS[h]=$TMPD/h$h.events
	: > "${D_EVENTS[h]}"
	mscript_write "$TMPD/h$h.up" up "${D_EVENTS[h]}" 0 0 add
	mscript_write "$TMPD/h$h.down" down "${D_EVENTS[h]}" 0 0 del
	{
		echo 'instances = ('
		mconf_inst v eth0 "$(haddr "$h" 1)" 1 "$V" advskew="${SKEW[h]}" \
		    pass='"killrestart"' preempt=false \
		    upscript="\"$TMPD/h$h.up\"" downscript="\"$TMPD/h$h.down\""
		echo
		echo ');'
	} > "$TMPD/h$h.conf"
done

vip_on() { mvips "$1" | grep -qx "$V"; }
vip_off() { ! vip_on "$1"; }
holders() {
	local h out=""
	for h in $A $B; do vip_on "$h" && out="$out $h"; done
	echo "${out# }"
}
state_of() { mstates "$1" | awk '$1 == "v" { print $2 }'; }
state_is_() { [ "$(state_of "$1")" = "$2" ]; }
script_done() { [ "$(grep -c "^end v $2 " "${D_EVENTS[$1]}")" -ge "$3" ]; }

# ---- 1. A master, B backup ----------------------------------------------------------
fstart $A "$TMPD/h$A.conf" 1 -D
wait_until 10 state_is_ $A MASTER || test_fail "A did not become MASTER alone"
wait_until 5 vip_on $A || test_fail "A's up script did not add the VIP"
fstart $B "$TMPD/h$B.conf" 1 -D
wait_until 5 state_is_ $B BACKUP || test_fail "B did not start as BACKUP"
wait_until 5 script_done $B down 1 || test_fail "B's start-up down script did not run"
mwait_counter $B v received 3
state_is_ $A MASTER && state_is_ $B BACKUP ||
    test_fail "not A MASTER / B BACKUP: A $(state_of $A), B $(state_of $B)"
[ "$(holders)" = "$A" ] || test_fail "VIP holders: [$(holders)], expected A only"

# ---- 2. SIGKILL A: its VIP stays, B takes over ----------------------------------------
mstop $A KILL
vip_on $A || test_fail "A's VIP vanished when A was killed (no script should run)"
wait_until 10 state_is_ $B MASTER || test_fail "B did not take over from the killed A"
wait_until 5 vip_on $B || test_fail "B's up script did not add the VIP"
log "after SIGKILL of A: B $(state_of $B), VIP on host(s) $(holders) (A's is stale)"
[ "$(holders)" = "$A $B" ] || test_fail "expected the VIP on both hosts (A's stale), got [$(holders)]"
B_SWITCHES=$(mlog_count $B 'Switching to state:')

# ---- 3. restart A -----------------------------------------------------------------------
EV_MARK=$(( $(wc -l < "${D_EVENTS[A]}") + 1 ))
fstart $A "$TMPD/h$A.conf" 1 -D
wait_until 5 script_done $A down 1 || test_fail "the restarted A did not run its down script"
wait_until 5 vip_off $A || test_fail "A's stale VIP was not removed by its start-up down script"

first_switch=$(grep -m 1 'Switching to state:' "${D_LOG[A]}")
[[ "$first_switch" == *"(v): Switching to state: BACKUP (start-up)"* ]] ||
    test_fail "A's first state change after the restart: [$first_switch], expected BACKUP (start-up)"
first_ev=$(tail -n +"$EV_MARK" "${D_EVENTS[A]}" | head -n 1)
[[ "$first_ev" == "start v down BACKUP "* ]] ||
    test_fail "A's first script after the restart: [$first_ev], expected its down script in BACKUP"

# The down script started before any election: before A heard any
# advert, and before any other state change.
spawn_line=$(grep -n "(v): Spawning \[$TMPD/h$A\.down " "${D_LOG[A]}" | head -n 1 | cut -d: -f1)
[ -n "$spawn_line" ] || test_fail "no Spawning line for A's down script"
mwait_counter $A v received 4
adv_line=$(grep -n '(v): advert from ' "${D_LOG[A]}" | head -n 1 | cut -d: -f1)
[ -n "$adv_line" ] || test_fail "A logged no 'advert from' debug line although it runs with -D"
[ "$spawn_line" -lt "$adv_line" ] ||
    test_fail "A's down script was spawned at log line $spawn_line, after the first advert heard (line $adv_line)"
second_switch=$(grep -n 'Switching to state:' "${D_LOG[A]}" | sed -n 2p | cut -d: -f1)
[ -z "$second_switch" ] || [ "$spawn_line" -lt "$second_switch" ] ||
    test_fail "A's down script was spawned after a second state change"

# A stays BACKUP (preferred, no preempt); B stays MASTER.
mlog_has $A 'Switching to state: MASTER' &&
    test_fail "the restarted A claimed MASTER while B was master: $(grep 'Switching to state' "${D_LOG[A]}" | tr '\n' ';')"
state_is_ $A BACKUP || test_fail "A is $(state_of $A), expected BACKUP"
state_is_ $B MASTER || test_fail "B is $(state_of $B), expected MASTER"
[ "$(mlog_count $B 'Switching to state:')" -eq "$B_SWITCHES" ] ||
    test_fail "B changed state after A's restart: $(grep 'Switching to state' "${D_LOG[B]}" | tail -n 3 | tr '\n' ';')"
[ "$(grep -c '^start v up ' <(tail -n +"$EV_MARK" "${D_EVENTS[A]}"))" -eq 0 ] ||
    test_fail "the restarted A ran its up script"
[ "$(holders)" = "$B" ] || test_fail "VIP holders at the end: [$(holders)], expected B only"
mcheck_running $A $B
log "after the restart: A $(state_of $A), B $(state_of $B), VIP on host $(holders) only"
test_pass
