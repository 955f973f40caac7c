#!/bin/bash
# Two password changes in a row on a backup: the second keeps the key of
# the first as the old one.  Long: about 70 s (one send phase of 60 s).
#
# Hosts A (1) and B (2), a1 (A master, B backup) and b2.  a1's password
# changes from "pass1" to "pass2", on B first (backup: it sends nothing
# for a1), then on A; once A advertises a1 with pass2 ("now advertising
# with the new password", 60 s after A's reload), B is reloaded again,
# to "pass3", before A.  B must accept A's pass2 as its old key for 120 s:
# a1's received counter on B goes on rising, and neither host logs a bad
# digest, changes state or runs a script.
#
# What it guards against: B's first window never ended its send phase
# (only a send did that, and a backup sends nothing), so the second
# reload kept pass1 as the old key; B then rejected A's pass2 and took
# over as a second master.
. "$(dirname "$0")/lib_reload.sh"
rl_init 2 1
RL_KEYS[$A:1]='pass="pass1"'
RL_KEYS[$B:1]='pass="pass1"'
rl_start_pair

NEWKEY="now advertising with the new password"
VERDICT="last reload applied: 1 kept, 1 updated, 0 added, 0 removed"
rl_mark
RL_KEYS[$B:1]='pass="pass2"'
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
rl_expect_verdict "$VERDICT"
mwait_counter $B a1 received 2
RL_KEYS[$A:1]='pass="pass2"'
rl_conf $A "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "$VERDICT"
a_new() { rl_log_since $A | grep -F "vhid 1 (a1): $NEWKEY" >/dev/null; }
wait_until_slow 90 a_new || test_fail "A did not move a1 to the new key within 90 s"
log "A advertises a1 with pass2"
mwait_counter $B a1 received 2

RL_KEYS[$B:1]='pass="pass3"'
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
rl_expect_verdict "$VERDICT"
# A master-down interval is about 3 adverts: 6 prove B still accepts A.
mwait_counter $B a1 received 6
rl_check_calm "during the two password changes"
mcheck_running $A $B
test_pass
