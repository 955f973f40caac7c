#!/bin/bash
# Failed sends are logged at most once a second, all instances together.
# One host, 8 instances on eth0 (link 1), advbase 0 (advskew 10-17: about
# 25 adverts a second each), ignoreifstate = true, all MASTER.
#   1. eth0 is deleted: the link state is ignored, so every instance stays
#      MASTER and every advert fails (a demoted master still sends about
#      one a second).  While each instance's send_errors counter (SIGUSR1)
#      rises by 6 after its demotion, the daemon logs at most one "could not send"
#      line per second plus one, and a later line tells how many failures
#      it held back.  Before the rate limit, every failed advert was a
#      WARNING: about 8 lines a second here, 256 per instance at advskew 1
#      before the demotion.
#   2. eth0 comes back: the daemon is still running, the instances send
#      again (sent counters rise) and are promoted back ("promoted").
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 1 1

N=8
mstart_failing $N f

# ---- 1. eth0 goes away: sends fail ----------------------------------------------------
SEND_FAIL='could not send'
ip -n "${M_NS[1]}" link del eth0 || test_fail "ip link del eth0"
mwait_log 1 "$SEND_FAIL" 5
# Past the first failures: every instance demoted itself after three.
demoted() { [ "$(mlog_count 1 'three adverts in a row could not be sent')" -ge $N ]; }
wait_until 5 demoted || test_fail "not all $N instances were demoted by failed sends"
wait_until 5 mall_state 1 MASTER $N || test_fail "an instance left MASTER with ignoreifstate: $(mstates 1 | tr '\n' ' ')"
FROM=$(( $(wc -l < "${D_LOG[1]}") + 1 ))
T_FROM=$(now_us)
# A window measured in failed sends: 6 more of each instance.
# min_errors: the smallest send_errors of all instances (one SIGUSR1).
min_errors() {
	musr1 1 || return 1
	awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^send_errors=/) {
		split($i, kv, "="); if (m == "" || kv[2] + 0 < m) m = kv[2] + 0 } }
	    END { print m }' "$USR1_CNT"
}
BASE=$(min_errors) || test_fail "no SIGUSR1 counters"
errors_rose() { local m; m=$(min_errors) && [ "$m" -ge $((BASE + 6)) ]; }
wait_until_slow 20 errors_rose || test_fail "the instances' send_errors did not all rise by 6 from $BASE"
T_TO=$(now_us)
TO=$(wc -l < "${D_LOG[1]}")
lines=$(sed -n "${FROM},${TO}p" "${D_LOG[1]}" | grep -c -- "$SEND_FAIL")
secs=$(( (T_TO - T_FROM + 999999) / 1000000 ))
log "1. $lines '$SEND_FAIL' lines in about $secs s with $N instances failing"
[ "$lines" -le $((secs + 1)) ] ||
    test_fail "$lines '$SEND_FAIL' lines in $secs s (at most one a second): $(sed -n "${FROM},${TO}p" "${D_LOG[1]}" | grep -- "$SEND_FAIL" | tail -n 3)"
[ "$lines" -ge 1 ] || test_fail "no '$SEND_FAIL' line in $secs s of failing sends"
mlog_has 1 "$SEND_FAIL.* \([0-9]+ more failed sends since the last report\)" ||
    test_fail "no line tells how many failed sends were held back"
mcheck_running 1

# ---- 2. eth0 comes back ---------------------------------------------------------------
mnet_port 1 1
wait_until 5 mport_up 1 1 || test_fail "the new eth0 has no carrier"
mwait_log 1 'eth0: interface is back, capture reopened' 10
msends_again $N f "eth0 came back"
test_pass
