#!/bin/bash
# Preemption.  The slower node (advskew 50) is MASTER alone; the faster
# node (advskew 0) starts later.  With -P it takes over ("Putting MASTER
# down - preemption") and the old master yields ("Preferred master
# advertised: going back to BACKUP state", downscript).  Without -P it
# stays BACKUP.  Ours and ucarp 1.5.2 in each role, four pairs at once.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3 \
	 198.18.3.2 198.18.3.3 198.18.4.2 198.18.4.3
for k in 1 2 3 4; do
	for i in $((2 * k - 1)) $((2 * k)); do
		NODE_VHID[i]=$((10 + k)); NODE_VIP[i]=198.18.0.10$k
	done
done
# Odd host = fast node, even host = slow node.
start_node 2 ref -k 50		# pair 1: ours -P preempts ref
start_node 4 ours -k 50		# pair 2: ref -P preempts ours
start_node 6 ref -k 50		# pair 3: ours without -P stays BACKUP
start_node 8 ours -k 50		# pair 4: ref without -P stays BACKUP
for i in 2 4 6 8; do wait_state $i MASTER 10; done

start_node 1 ours -k 0 -P
start_node 3 ref -k 0 -P
start_node 5 ours -k 0
start_node 7 ref -k 0
expect_master 1 2 -- 3 4 -- 6 5 -- 8 7
check_clean_logs 1 2 3 4 5 6 7 8

for i in 1 3; do
	log_has $i "Putting MASTER down - preemption" ||
	    test_fail "n$i (${NODE_IMPL[i]}) preempted without logging 'Putting MASTER down - preemption'"
done
for i in 2 4; do
	log_has $i "Preferred master advertised: going back to BACKUP state" ||
	    test_fail "n$i (${NODE_IMPL[i]}) yielded without logging 'Preferred master advertised'"
	[ "$(tail -n 1 "${NODE_EVENTS[i]}")" = "down eth0 ${NODE_VIP[i]}" ] ||
	    test_fail "n$i (${NODE_IMPL[i]}) last script event '$(tail -n 1 "${NODE_EVENTS[i]}")', expected down"
done
for i in 5 7; do
	[ "$(switch_count $i)" -eq 1 ] || test_fail "n$i (${NODE_IMPL[i]}) without -P left BACKUP"
	log_has $i "preemption" && test_fail "n$i (${NODE_IMPL[i]}) without -P logged a preemption"
done
test_pass
