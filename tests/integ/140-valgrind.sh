#!/bin/bash
# Our daemon under valgrind (memcheck) through one full life: election
# against ucarp 1.5.2, SIGUSR1, SIGUSR2 step-down, failover after the
# reference is SIGKILLed, the reference back as backup, -z SIGTERM shutdown.
# Valgrind must report no error and no definite or indirect leak (exit 0,
# not 99).  Deadlines are scaled: valgrind is slow.
. "$(dirname "$0")/lib.sh"
test_init
VALGRIND=$(command -v valgrind) || test_skip "valgrind missing"
# An AddressSanitizer build checks the same under ASan; valgrind cannot run it.
if ldd "$UCARP" 2>/dev/null | grep -q libasan; then
	test_skip "the daemon is built with AddressSanitizer: the ASan run covers it"
fi
UCARP_TEST_SCALE=$(( UCARP_TEST_SCALE * 3 ))
make_net 198.18.1.2 198.18.1.3
NODE_WRAP[1]="$VALGRIND --leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes --log-file=$TMPD/valgrind.%p.log"
NODE_XLOGS[1]="$TMPD/valgrind.*.log"

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

vglog=$(grep -l 'ERROR SUMMARY' "$TMPD"/valgrind.*.log | head -n 1)
[ -n "$vglog" ] || test_fail "no valgrind report"
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|All heap blocks' "$vglog" |
    sed 's/^/valgrind: /'
if ours_fixed; then
	[ "${NODE_RC[1]}" = 0 ] || test_fail "ours under valgrind exited ${NODE_RC[1]} (99 = valgrind errors or leaks); see $(basename "$vglog")"
	grep -q 'ERROR SUMMARY: 0 errors' "$vglog" || test_fail "valgrind reports errors"
fi
test_pass
