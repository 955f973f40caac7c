#!/bin/bash
# Failover after SIGKILL of the master, both ways at once: pair 1 ours
# master / ucarp 1.5.2 backup, pair 2 the reverse.  The backup becomes
# MASTER and takes the VIP; the killed node, restarted (faster but without
# -P), comes back as BACKUP: one master per pair.  The takeover time is
# printed for information only.
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

t0=$(now_ms)
stop_node 1 KILL
stop_node 3 KILL
wait_state 2 MASTER 10
t2=$(now_ms)
wait_state 4 MASTER 10
t4=$(now_ms)
info "takeover after SIGKILL: ref backup $((t2 - t0)) ms, ours backup $((t4 - t0)) ms (not asserted)"
wait_until 3 has_vip 2 || test_fail "reference took over but has no VIP"
wait_until 3 has_vip 4 || test_fail "ours took over but has no VIP"
[ "$(tail -n 1 "${NODE_EVENTS[4]}")" = "up eth0 198.18.0.102" ] ||
    test_fail "ours: last script event '$(tail -n 1 "${NODE_EVENTS[4]}")', expected the upscript"

# The killed nodes come back (the VIP a SIGKILLed ucarp leaves behind is
# removed by their start-up downscript) and stay BACKUP.
start_node 1 ours -k 0
start_node 3 ref -k 0
expect_master 2 1 -- 4 3
check_clean_logs 1 2 3 4
test_pass
