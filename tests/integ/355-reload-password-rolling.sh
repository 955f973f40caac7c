#!/bin/bash
# A password rolled out one host at a time, 10 s apart, through the whole
# 60 s grace: no flap.  Long: about 85 s (two graces overlap).
#
# Hosts A (1) and B (2), 6 instances on one link, all preempt: A prefers
# a1..a3, B b4..b6.  The password of a2 (A master) and b5 (B master)
# changes on A, then - after 10 adverts of a2 - on B.  Each host
# advertises with the old key for 60 s after its own reload and accepts
# both keys for 120 s.  The test waits until both hosts have moved to the
# new key ("now advertising with the new password": A for a2, B for b5,
# about 60 and 70 s after A's reload) and 5 more adverts of each have been
# accepted, and asserts that no host changed state, ran a script or
# logged a bad digest at any time.
#
# What it guards against: a host whose grace ends first stops accepting
# the old key while its peer, reloaded later, still sends it for the rest
# of its own grace; as backup it then times out and becomes a second
# master (b5 on A) until the peer's grace ends too.
. "$(dirname "$0")/lib_reload.sh"
rl_init 6 3
rl_start_pair

NEWKEY="now advertising with the new password"
rl_mark
RL_KEYS[$A:2]='pass="rolled"'
RL_KEYS[$A:5]='pass="rolled"'
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "last reload applied: 4 kept, 2 updated, 0 added, 0 removed"
# The second host follows 10 adverts later (well inside the 60 s grace).
mwait_counter $B a2 received 10 20
RL_KEYS[$B:2]='pass="rolled"'
RL_KEYS[$B:5]='pass="rolled"'
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
rl_expect_verdict "last reload applied: 4 kept, 2 updated, 0 added, 0 removed"

# Both graces end (60 s after each reload), then 5 adverts each way.
# (Only a sender logs the switch: A for a2, B for b5.)
all_new() {
	rl_log_since $A | grep -F "vhid 2 (a2): $NEWKEY" >/dev/null &&
	    rl_log_since $B | grep -F "vhid 5 (b5): $NEWKEY" >/dev/null
}
wait_until_slow 90 all_new || test_fail "the hosts did not both move to the new key within 90 s"
log "both hosts advertise with the new key"
mwait_counter $B a2 received 5
mwait_counter $A b5 received 5

rl_check_calm "during the rolling password change"
mcheck_running $A $B
test_pass
