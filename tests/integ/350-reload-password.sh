#!/bin/bash
# A new password reloaded on one host at a time causes no flap.
#
# Hosts A (1) and B (2), 50 instances on one link, all preempt: A prefers
# a1..a45, B b46..b50.  The password of a5 (A is master) and of b48 (B is
# master) changes: first in A's file (SIGHUP A: "48 kept, 2 updated"), a
# couple of adverts later in B's (SIGHUP B).  For 60 s after a reload an
# instance goes on advertising with the old key and accepts both, so:
#   - after A's reload, before B's: A logs that B (198.18.1.2) "still uses
#     the previous password" for b48, and B goes on accepting A's a5
#     adverts (its received counter grows);
#   - after B's reload: B logs the same about A for a5 (A still advertises
#     with the old key);
#   - from A's reload until both a5 and b48 have exchanged 5 more adverts
#     after B's reload (about 5 s), neither host changes state, runs a
#     script or logs a bad digest, and the bad_hmac counters of a5 and b48
#     stay 0 on both hosts.
# (The switch to the new key, "now advertising with the new password",
# comes 60 s after each reload: too long to wait for here.)
. "$(dirname "$0")/lib_reload.sh"
rl_init 50 45
rl_start_pair

SRC_A=$(haddr $A 1)
SRC_B=$(haddr $B 1)
STILL="still uses the previous password"
VERDICT="last reload applied: 48 kept, 2 updated, 0 added, 0 removed"

rl_mark
# A first.
RL_KEYS[$A:5]='pass="rotated"'
RL_KEYS[$A:48]='pass="rotated"'
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "$VERDICT"
mwait_log $A " vhid 48 \\(b48\\): peer $SRC_B $STILL" 5
log "A: $(rl_log_since $A | grep -F "$STILL" | sed 's/.*\] //' | head -n 1)"
# B keeps accepting a5's adverts from A (sent with the old key).
mwait_counter $B a5 received 2

rl_log_since $B | grep -qF "$STILL" && test_fail "B logged '$STILL' before its own reload"

# Then B.
RL_KEYS[$B:5]='pass="rotated"'
RL_KEYS[$B:48]='pass="rotated"'
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
rl_expect_verdict "$VERDICT"
mwait_log $B " vhid 5 \\(a5\\): peer $SRC_A $STILL" 5
log "B: $(rl_log_since $B | grep -F "$STILL" | sed 's/.*\] //' | head -n 1)"
# 5 more adverts each way after both reloads.
mwait_counter $B a5 received 5
mwait_counter $A b48 received 5

rl_check_calm "after the password change" 'Switching to state|Bad digest|now advertising'
for h in $A $B; do
	for i in a5 b48; do
		mcounter $h $i bad_hmac || test_fail "host $h: no SIGUSR1 counters for $i"
		[ "$CVAL" -eq 0 ] || test_fail "host $h: $i rejected $CVAL adverts (bad_hmac)"
	done
done
# Only the two instances logged anything, and only the grace notices.
bad=$( (rl_log_since $A; rl_log_since $B) | grep -E '\] eth0 vhid [0-9]+ ' |
    grep -vE '\): ((MASTER|BACKUP|INIT) on eth0 id [0-9]+|counters: )' |
    grep -vF "$STILL" | head -n 5)
[ -z "$bad" ] || test_fail "unexpected instance lines after the password change:
$bad"

mcheck_running $A $B
test_pass
