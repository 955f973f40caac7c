#!/bin/bash
# Our daemon under valgrind (memcheck) through one full life: election
# against ucarp 1.5.2, SIGUSR1, SIGUSR2 step-down, failover after the
# reference is SIGKILLed, the reference back as backup, -z SIGTERM shutdown.
# Valgrind must report no error and no definite, indirect or possible leak
# (exit 0, not 99).  Deadlines are scaled: valgrind is slow.  With an
# AddressSanitizer build (which valgrind cannot run) the same scenario runs
# without valgrind: exit 0 and no sanitizer report.  145 does the same for
# the configuration-file mode.
. "$(dirname "$0")/lib.sh"
test_init
if ucarp_sanitized; then
	MODE=asan
	log "NOTE: $UCARP has sanitizers (valgrind cannot run it): the same scenario without valgrind, checked by the sanitizers"
else
	vg_find || test_skip "valgrind missing"
	MODE=valgrind
	NODE_VG[1]=1
	vg_scale
fi
make_net 198.18.1.2 198.18.1.3

# Election: ours (skew 0) is running before the reference starts.
start_node 1 ours -z -k 0
wait_state 1 BACKUP 20
start_node 2 ref -k 50
expect_master 1 2
usr1_counters 1 || test_fail "no answer to SIGUSR1"
log "ours: $USR1_STATE,$COUNTERS"

# SIGUSR2: ours steps down, the reference takes over.
kill -USR2 "${NODE_PID[1]}"
wait_state 1 BACKUP 10
expect_master 2 1

# Failover: the reference is killed, ours takes over.
stop_node 2 KILL
wait_state 1 MASTER 15
wait_until 5 has_vip 1 || test_fail "ours MASTER without the VIP"

# The reference comes back as backup.
start_node 2 ref -k 50
expect_master 1 2

# -z shutdown: downscript, exit 0, the reference takes over.
stop_node 1 TERM 30
wait_state 2 MASTER 15
check_clean_logs 1 2
[ "$(tail -n 1 "${NODE_EVENTS[1]}")" = "down eth0 $VIP" ] || test_fail "no downscript at -z shutdown"

if ours_fixed; then
	[ "${NODE_RC[1]}" = 0 ] || test_fail "ours exited with $(rc_text "${NODE_RC[1]}")"
	if grep -qE -- "$SAN_RE" "${NODE_LOG[1]}"; then
		test_fail "sanitizer report in ours' log: $(grep -m 1 -E -- "$SAN_RE" "${NODE_LOG[1]}")"
	fi
fi
if [ $MODE = valgrind ]; then
	vglog=${NODE_VGLOG[1]}
	[ -f "$vglog" ] || test_fail "no valgrind report"
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|All heap blocks' "$vglog" |
	    sed 's/^==[0-9]*== */valgrind: /'
	if ours_fixed; then
		grep -q 'ERROR SUMMARY: 0 errors' "$vglog" || test_fail "valgrind: $(grep 'ERROR SUMMARY' "$vglog")"
		first=$(vg_first_error "$vglog")
		[ -z "$first" ] || test_fail "valgrind reports: $first"
	fi
else
	log "ours exited 0 with no sanitizer report (ASAN_OPTIONS=$ASAN_OPTIONS)"
fi
test_pass
