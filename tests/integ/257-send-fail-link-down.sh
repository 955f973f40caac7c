#!/bin/bash
# Adverts that the kernel refuses are failures too when they are sent in
# a batch.  One host, 4 instances on eth0, advbase 0 (advskew 10-13),
# ignoreifstate = true, all MASTER; their adverts of a timer tick go out
# together with one sendmmsg(2).
#   1. eth0 is set down (not deleted: the capture stays open, and the
#      batch reaches the kernel, which refuses every frame with ENETDOWN):
#      each instance is demoted after three failures and its send_errors
#      counter rises; the instances stay MASTER.
#   2. eth0 is set up again: the instances send (sent counters rise) and
#      are promoted back.
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 1 1

N=4
mstart_failing $N d
for ((v = 1; v <= N; v++)); do
	mwait_counter 1 d$v sent 3 10
done

# ---- 1. eth0 goes down: the kernel refuses the batch ----------------------------
ip -n "${M_NS[1]}" link set eth0 down || test_fail "ip link set eth0 down"
mwait_log 1 'could not send an advert' 5
demoted() { [ "$(mlog_count 1 'three adverts in a row could not be sent')" -ge $N ]; }
wait_until 5 demoted || test_fail "not all $N instances were demoted by refused sends: $(mlog_count 1 'three adverts in a row could not be sent')"
for ((v = 1; v <= N; v++)); do
	mwait_counter 1 d$v send_errors 3 10
done
wait_until 5 mall_state 1 MASTER $N || test_fail "an instance left MASTER with ignoreifstate: $(mstates 1 | tr '\n' ' ')"
mcheck_running 1

# ---- 2. eth0 comes up again ----------------------------------------------------------
ip -n "${M_NS[1]}" link set eth0 up || test_fail "ip link set eth0 up"
msends_again $N d "eth0 came up"
test_pass
