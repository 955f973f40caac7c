#!/bin/bash
# Reloads while the script queue is busy.
#
# Hosts A (1) and B (2), 20 instances b1..b20 on one link, all preempt,
# all preferred by B (advskew 0 against A's 100); script_jobs = 2.  A
# starts alone and becomes MASTER of everything (fast scripts).  Then
# every script is made slow (0.5 s) and B starts: it preempts all 20, so A
# queues 20 down scripts, 2 at a time (about 5 s of work), and B its up
# scripts.  While A's queue is long, A gets three SIGHUPs in quick
# succession: the file unchanged ("20 kept"), a file that changes the
# downscript of the instance whose down script is last but one in A's
# queue, not started yet ("19 kept, 1 updated"), then one that also leaves
# out the instance whose down script is last, not started yet ("19 kept,
# 0 updated, 0 added, 1 removed").  When every queue has drained:
#   - the removed instance's down script ran exactly once, after its
#     removal (the queue outlived the instance, nothing was doubled);
#   - the updated instance ran its new down script (down2), once, and not
#     the one it was queued with: a waiting script runs what the
#     configuration says when it starts;
#   - for every instance on both hosts, the scripts are a subsequence of
#     its logged transitions (no transition scripted twice, no script
#     without a transition, kinds alternate, up runs with
#     UCARP_STATE=MASTER and down with BACKUP), every script ended, and
#     the last one matches the final state;
#   - every instance of A ran exactly one down script after B started
#     (down2 for the updated one);
#   - the daemons' "Spawning" lines match the script log one to one;
#   - B holds the 20 addresses, A none; A's SIGUSR1 lists 19 instances,
#     all BACKUP.
. "$(dirname "$0")/lib_reload.sh"
rl_init 20 0
RL_GLOBAL="script_jobs = 2;"
NI=20
rl_script "$TMPD/h$A.down2" down2 "${D_EVENTS[A]}" del

rl_conf $A "${RL_CONF[A]}"
rl_conf $B "${RL_CONF[B]}"
mstart $A "${RL_CONF[A]}" $NI
all_master_a() { rl_states_ok $A '.' && rl_scripts_settled $A && [ "$(mvips $A | wc -l)" -eq $NI ]; }
wait_until 20 all_master_a || test_fail "A alone did not become MASTER of all $NI: $(rl_describe)"
log "A alone: $(rl_describe)"

# Slow scripts from now on, then B takes everything over.
echo 0.5 > "$TMPD/delay"
rl_mark
mstart $B "${RL_CONF[B]}" $NI
all_backup_a() { mall_state $A BACKUP $NI; }
wait_until 10 all_backup_a || test_fail "B did not take over all $NI from A: $(rl_describe)"

# The victim: the instance whose down script is last in A's queue (the
# last one to switch to BACKUP), not started yet.
VLINE=$(rl_log_since $A | grep -E 'Switching to state: BACKUP' | tail -n 1)
VICTIM=$(echo "$VLINE" | sed -E 's/.*\(([^)]*)\): Switching to state.*/\1/')
VHID=${VICTIM#b}
started=$(rl_events_since $A | grep -c "^start $VICTIM ")
log "victim: $VICTIM (vhid $VHID); A's down scripts started so far: $(rl_events_since $A | grep -c '^start ')"
[ "$started" -eq 0 ] || test_fail "harness: the victim's down script already started (queue drained too fast)"
# The updated one: last but one to switch.
ULINE=$(rl_log_since $A | grep -E 'Switching to state: BACKUP' | tail -n 2 | head -n 1)
UPD=$(echo "$ULINE" | sed -E 's/.*\(([^)]*)\): Switching to state.*/\1/')
UVHID=${UPD#b}
log "updated: $UPD (vhid $UVHID)"

rl_hup $A
rl_expect_verdict "last reload applied: $NI kept, 0 updated, 0 added, 0 removed"
RL_KEYS[$A:$UVHID]="downscript=\"$TMPD/h$A.down2\""
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "last reload applied: $((NI - 1)) kept, 1 updated, 0 added, 0 removed"
started=$(rl_events_since $A | grep -c "^start $UPD ")
[ "$started" -eq 0 ] || test_fail "harness: $UPD's down script started before its update"
RL_DROP[$A:$VHID]=1
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "last reload applied: $((NI - 1)) kept, 0 updated, 0 added, 1 removed"
D_NINST[A]=$((NI - 1))
mwait_log $A " vhid $VHID \\($VICTIM\\): removed by the reload" 2
started=$(rl_events_since $A | grep -c "^start $VICTIM ")
[ "$started" -eq 0 ] || test_fail "harness: the victim's down script started before its removal"

# Every queue drains.
a_drained() { [ "$(rl_events_since $A | grep -cE '^end [^ ]+ down2? ')" -ge $NI ]; }
wait_until 30 a_drained || test_fail "A's down scripts did not all run: $(rl_events_since $A | grep -c '^end ') of $NI ended"
b_settled() { rl_states_ok $B '.' && rl_scripts_settled $B; }
wait_until 30 b_settled || test_fail "B did not settle as MASTER of all $NI with its up scripts run"
no_script_running() {
	local h
	for h in $A $B; do
		[ "$(grep -c '^start ' "${D_EVENTS[h]}")" -eq "$(grep -c '^end ' "${D_EVENTS[h]}")" ] || return 1
	done
}
wait_until 10 no_script_running || test_fail "scripts still running"

# The victim: one down script, after its removal.
n=$(rl_events_since $A | grep -c "^start $VICTIM down ")
[ "$n" -eq 1 ] || test_fail "the removed $VICTIM ran its down script $n times after B started, expected once"
n=$(rl_events_since $A | grep -c "^start $VICTIM ")
[ "$n" -eq 1 ] || test_fail "the removed $VICTIM ran $n scripts after B started, expected 1"
rm_ln=$(grep -n " vhid $VHID ($VICTIM): removed by the reload" "${D_LOG[A]}" | cut -d: -f1)
sp_ln=$(tail -n +"${RL_LOG_MARK[A]}" "${D_LOG[A]}" | grep -n " vhid $VHID ($VICTIM): Spawning" | head -n 1 | cut -d: -f1)
[ -n "$sp_ln" ] || test_fail "A did not log the spawning of $VICTIM's down script"
sp_ln=$((sp_ln + RL_LOG_MARK[A] - 1))
[ "$sp_ln" -gt "$rm_ln" ] || test_fail "$VICTIM's down script was spawned (line $sp_ln) before its removal (line $rm_ln)"
log "$VICTIM: removed at log line $rm_ln, its down script spawned at line $sp_ln"

# The updated instance: its new script, once.
n=$(rl_events_since $A | awk -v u="$UPD" '$1 == "start" && $2 == u { printf "%s ", $3 }')
[ "$n" = "down2 " ] || test_fail "$UPD ran '$n' after its update, expected its new down script (down2) once"
rl_log_since $A | grep -qF " vhid $UVHID ($UPD): Spawning [$TMPD/h$A.down2 " ||
    test_fail "A did not log the spawning of $UPD's new down script"

# One down script per instance of A since B started.
bad=$(rl_events_since $A | awk -v u="$UPD" '$1 == "start" { n[$2]++; k[$2] = k[$2] " " $3 }
	END { for (i in n) if (n[i] != 1 || k[i] != (i == u ? " down2" : " down")) print i ":" k[i] }')
[ -z "$bad" ] || test_fail "A's scripts since B started, per instance (expected one down each):
$bad"
[ "$(rl_events_since $A | awk '$1 == "start" { print $2 }' | sort -u | wc -l)" -eq $NI ] ||
    test_fail "not every instance of A ran its down script"

for h in $A $B; do
	bad=$(rl_check_scripts $h)
	[ -z "$bad" ] || test_fail "host $h: scripts do not match transitions:
$(echo "$bad" | head -n 10)"
	sp=$(grep -c ': Spawning \[' "${D_LOG[h]}")
	st=$(grep -c '^start ' "${D_EVENTS[h]}")
	[ "$sp" -eq "$st" ] || test_fail "host $h logged $sp spawns but $st scripts started"
	log "host $h: $st scripts for $(mlog_count $h 'Switching to state') transitions, consistent"
done

[ -z "$(mvips $A)" ] || test_fail "A still holds addresses: $(mvips $A | tr '\n' ' ')"
[ "$(mvips $B | wc -l)" -eq $NI ] || test_fail "B holds $(mvips $B | wc -l) addresses, expected $NI"
musr1 $A || test_fail "A did not answer SIGUSR1 with $((NI - 1)) status lines"
grep -q "^$VICTIM " "$USR1_OUT" && test_fail "SIGUSR1 still lists $VICTIM"
[ "$(grep -c ' BACKUP$' "$USR1_OUT")" -eq $((NI - 1)) ] || test_fail "A's SIGUSR1: not all $((NI - 1)) BACKUP"

mcheck_running $A $B
test_pass
