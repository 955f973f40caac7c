#!/bin/bash
# Scripts and -n (neutral).  Four lone nodes (own vhids): with -n no
# downscript runs at start-up (the first script event is the upscript);
# without -n the downscript runs once before anything else.  Script argv is
# exactly [script, interface, VIP] plus the -x parameter when given.  -n
# skips only the first downscript: a later step-down (SIGUSR2) runs it.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.1.4 198.18.1.5
for i in 1 2 3 4; do NODE_VHID[i]=$((10 + i)); NODE_VIP[i]=198.18.0.10$i; done
start_node 1 ours -n
start_node 2 ours -x xp
start_node 3 ref -n
start_node 4 ref -x xp
for i in 1 2 3 4; do wait_state $i MASTER 10; done
for i in 1 2 3 4; do wait_until 3 has_vip $i || test_fail "n$i MASTER without VIP"; done

expect_events() {	# I EXPECTED-EVENTS EXPECTED-ARGV
	local got
	got=$(cat "${NODE_EVENTS[$1]}")
	[ "$got" = "$2" ] || test_fail "n$1 (${NODE_IMPL[$1]}) script events:
$got
expected:
$2"
	got=$(cat "${NODE_ARGV[$1]}")
	[ "$got" = "$3" ] || test_fail "n$1 (${NODE_IMPL[$1]}) script argv:
$got
expected:
$3"
}
for i in 1 3; do
	expect_events $i "up eth0 ${NODE_VIP[i]}" "up 2 [eth0] [${NODE_VIP[i]}]"
done
for i in 2 4; do
	expect_events $i "down eth0 ${NODE_VIP[i]} xp
up eth0 ${NODE_VIP[i]} xp" "down 3 [eth0] [${NODE_VIP[i]}] [xp]
up 3 [eth0] [${NODE_VIP[i]}] [xp]"
done

# A later entry into BACKUP runs the downscript even with -n.
for i in 1 3; do kill -USR2 "${NODE_PID[i]}"; done
for i in 1 3; do
	wait_until 10 grep -q '^down ' "${NODE_EVENTS[i]}" ||
	    test_fail "n$i (${NODE_IMPL[i]}) -n: no downscript after SIGUSR2 step-down"
	wait_until 3 no_vip $i || test_fail "n$i: VIP still present after the downscript"
done
check_running 1 2 3 4
check_clean_logs 1 2 3 4
test_pass
