#!/bin/bash
# A master that had no script gets a down script by a reload, then new
# addresses by another: the down script undoes its takeover as if it had
# had the script all along.
#
# An instance's script queue is made at its first script (issue 20); until
# then its transitions are only recorded, and whether an undo runs depends
# on that record: the last transition was a takeover, so the old
# addresses are taken down.  Hosts A (1) and B (2), 4 instances on one
# link, all preempt, no scripts anywhere: A prefers a1..a3, B b4.  After
# the split, A's file gives a2 (A is master) a down script (SIGHUP A, "3
# kept, 1 updated": nothing runs), then moves its address from
# 198.18.1.102 to .202 (SIGHUP A again, "3 kept, 1 updated"):
#   - A runs a2's down script for the old address, once, with the reason
#     "addresses changed (reload)", and no other script (a2 has no up
#     script); B runs none;
#   - no host changes state.
. "$(dirname "$0")/lib_reload.sh"
RL_NOSCRIPTS=1
rl_init 4 3
rl_start_pair
OLD=198.18.1.102
NEW=198.18.1.202
VERDICT="last reload applied: 3 kept, 1 updated, 0 added, 0 removed"

rl_mark
[ ! -s "${D_EVENTS[A]}" ] && [ ! -s "${D_EVENTS[B]}" ] ||
    test_fail "a script ran at start-up, where none is configured"
RL_KEYS[$A:2]="downscript=\"$TMPD/h$A.down\""
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "$VERDICT"
RL_KEYS[$A:2]="addr=\"$NEW\" downscript=\"$TMPD/h$A.down\""
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "$VERDICT"

down_done() { rl_events_since $A | grep -q "^end a2 down .* $OLD "; }
wait_until 5 down_done || test_fail "a2's down script for $OLD did not run within 5 s"
# Two more adverts of a2 from A: nothing else happens meanwhile.
mwait_counter $A a2 sent 2
seq=$(rl_addr_scripts $A | awk '{ printf "%s %s %s, ", $1, $2, $3 }')
[ "$seq" = "a2 down $OLD, " ] ||
    test_fail "A ran '$seq' for the new address, expected 'a2 down $OLD, '"
n=$(rl_events_since $A | grep -c '^start')
[ "$n" -eq 1 ] || test_fail "A started $n scripts, expected 1: $(rl_events_since $A)"
[ ! -s "${D_EVENTS[B]}" ] || test_fail "B ran a script: $(cat "${D_EVENTS[B]}")"
for h in $A $B; do
	bad=$(rl_log_since $h | grep -E 'Switching to state|Bad digest' | head -n 3)
	[ -z "$bad" ] || test_fail "host $h after the reloads: $bad"
done
log "a2: its down script for $OLD, once; nothing else"
test_pass
