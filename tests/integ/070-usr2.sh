#!/bin/bash
# SIGUSR2 step-down.  Pair 1: our master (skew 0) steps down to BACKUP at
# once and still answers SIGUSR1 right away (no blocking sleep), the ucarp
# 1.5.2 backup takes over, and ours does not come back (no -P): one master.
# Pair 2: the same with -z: our bow-out advert makes the reference take
# over at once ("Putting MASTER DOWN (going to time out)").  Pair 3: the
# reference master steps down and ours takes over.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3 198.18.3.2 198.18.3.3
for k in 1 2 3; do
	for i in $((2 * k - 1)) $((2 * k)); do
		NODE_VHID[i]=$((10 + k)); NODE_VIP[i]=198.18.0.10$k
	done
done
start_node 1 ours -k 0
start_node 3 ours -z -k 0
start_node 5 ref -k 0
wait_masters 1 3 5
start_node 2 ref -k 50
start_node 4 ref -k 50
start_node 6 ours -k 50
expect_master 1 2 -- 3 4 -- 5 6
check_clean_logs 1 2 3 4 5 6

for i in 1 3 5; do kill -USR2 "${NODE_PID[i]}"; done
for i in 1 3; do
	wait_state $i BACKUP 5
	# Ours answers SIGUSR1 at once, and says BACKUP.  (Not asked of the
	# reference: a signal cuts its sleep(3) short, changing its timing.)
	if ours_fixed; then
		usr1_counters $i || test_fail "n$i: no SIGUSR1 answer right after SIGUSR2"
		[ "$USR1_STATE" = BACKUP ] || test_fail "n$i: SIGUSR1 says '$USR1_STATE' after SIGUSR2"
	fi
	[ "$(tail -n 1 "${NODE_EVENTS[i]}")" = "down eth0 ${NODE_VIP[i]}" ] ||
	    test_fail "n$i: no downscript on SIGUSR2 step-down"
done
expect_master 2 1 -- 4 3 -- 6 5
if ours_fixed; then
	log_has 4 "Putting MASTER DOWN (going to time out)" ||
	    test_fail "ucarp 1.5.2 peer did not see our -z bow-out advert on SIGUSR2"
	log_has 2 "Putting MASTER DOWN (going to time out)" &&
	    test_fail "ours sent a bow-out advert on SIGUSR2 without -z"
fi
check_clean_logs 1 2 3 4 5 6
test_pass
