#!/bin/bash
# -z shutdown.  Pair 1: our master (-z) gets SIGTERM: downscript, VIP
# removed, exit 0, and the ucarp 1.5.2 backup becomes MASTER; our bow-out
# advert makes it take over at once ("Putting MASTER DOWN (going to time
# out)").  Pair 2: the reference master (-z) gets SIGTERM: ours takes over.
# Then: our master (-z) gets SIGHUP (same as TERM), and our -z backups get
# SIGINT and SIGQUIT: exit 0 without running the downscript again.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3
NODE_VHID[1]=11; NODE_VHID[2]=11; NODE_VIP[1]=198.18.0.101; NODE_VIP[2]=198.18.0.101
NODE_VHID[3]=12; NODE_VHID[4]=12; NODE_VIP[3]=198.18.0.102; NODE_VIP[4]=198.18.0.102

start_node 1 ours -z -k 0
start_node 3 ref -z -k 0
wait_masters 1 3
start_node 2 ref -k 50
start_node 4 ours -z -k 50
expect_master 1 2 -- 3 4
check_clean_logs 1 2 3 4

# exited_cleanly I: exit status 0, last script event "down", VIP gone.
exited_cleanly() {
	[ "${NODE_RC[$1]}" = 0 ] ||
	    test_fail "n$1 (${NODE_IMPL[$1]}) -z exit status ${NODE_RC[$1]}, expected 0"
	[ "$(tail -n 1 "${NODE_EVENTS[$1]}")" = "down eth0 ${NODE_VIP[$1]}" ] ||
	    test_fail "n$1 (${NODE_IMPL[$1]}) -z: last script event '$(tail -n 1 "${NODE_EVENTS[$1]}")', expected down"
	no_vip "$1" || test_fail "n$1 (${NODE_IMPL[$1]}) -z: VIP left configured"
}

stop_node 1 TERM
stop_node 3 TERM
exited_cleanly 1
exited_cleanly 3
wait_state 2 MASTER 10
wait_state 4 MASTER 10
wait_until 3 has_vip 2 || test_fail "n2 MASTER without VIP"
wait_until 3 has_vip 4 || test_fail "n4 MASTER without VIP"
if ours_fixed; then
	log_has 2 "Putting MASTER DOWN (going to time out)" ||
	    test_fail "ucarp 1.5.2 peer did not see our bow-out advert (no 'Putting MASTER DOWN (going to time out)')"
fi

# Our -z backups (restarted on hosts 1 and 3, faster but no -P, so they
# stay BACKUP) on SIGINT and SIGQUIT: exit 0, only the start-up downscript
# ever ran.
start_node 1 ours -z -k 0
start_node 3 ours -z -k 0
expect_master 2 1 -- 4 3
stop_node 1 INT
stop_node 3 QUIT
for i in 1 3; do
	[ "${NODE_RC[i]}" = 0 ] || test_fail "our -z backup n$i: exit status ${NODE_RC[i]} after signal"
	[ "$(cat "${NODE_EVENTS[i]}")" = "down eth0 ${NODE_VIP[i]}" ] ||
	    test_fail "our -z backup n$i ran scripts on its exit signal: $(cat "${NODE_EVENTS[i]}")"
done

# Our -z master (n4) on SIGHUP: as SIGTERM, and n2 keeps its role.
stop_node 4 HUP
exited_cleanly 4
state_is 2 MASTER || test_fail "n2 lost its role"
check_running 2
check_clean_logs 1 2 3 4
test_pass
