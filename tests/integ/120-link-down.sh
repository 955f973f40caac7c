#!/bin/bash
# Carrier loss on the master (the bridge-side end of its veth goes down).
# Pair 1: our master loses its link: it goes BACKUP, runs the downscript and
# drops the VIP; the ucarp 1.5.2 backup takes over.  Pair 2: the same with
# the reference as master and ours as backup.  When the links come back,
# the returning nodes (faster, no -P) stay BACKUP: one master per pair.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3
NODE_VHID[1]=11; NODE_VHID[2]=11; NODE_VIP[1]=198.18.0.101; NODE_VIP[2]=198.18.0.101
NODE_VHID[3]=12; NODE_VHID[4]=12; NODE_VIP[3]=198.18.0.102; NODE_VIP[4]=198.18.0.102
start_node 1 ours -k 0
start_node 3 ref -k 0
wait_masters 1 3
start_node 2 ref -k 50
start_node 4 ours -k 50
expect_master 1 2 -- 3 4
check_clean_logs 1 2 3 4

link_down 1
link_down 3
for i in 1 3; do
	wait_state $i BACKUP 5
	wait_until 5 no_vip $i || test_fail "n$i (${NODE_IMPL[i]}) kept the VIP without carrier"
	[ "$(tail -n 1 "${NODE_EVENTS[i]}")" = "down eth0 ${NODE_VIP[i]}" ] ||
	    test_fail "n$i (${NODE_IMPL[i]}) lost carrier without running the downscript"
done
wait_state 2 MASTER 10
wait_state 4 MASTER 10
wait_until 3 has_vip 2 || test_fail "n2 MASTER without VIP"
wait_until 3 has_vip 4 || test_fail "n4 MASTER without VIP"

link_up 1
link_up 3
# ucarp 1.5.2 polls the link every 10 s: give the returning reference time
# (the returning nodes must accept 3 adverts of the new master).
EXPECT_TIMEOUT=40 EXPECT_RX_TIMEOUT=25 expect_master 2 1 -- 4 3
check_clean_logs 1 2 3 4
test_pass
