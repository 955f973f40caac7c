#!/bin/bash
# Authentication mismatch: a pair with different passwords (pair 1) and a
# pair with the same password but different VIPs (pair 2, the VIP is in the
# HMAC).  Neither side accepts the other, so each ends MASTER alone; ours
# logs "Bad digest", its bad_hmac counter (SIGUSR1) rises with every
# rejected advert, and no node changes state while it does; its line
# names the likely cause and the peer.  ucarp 1.5.2
# logs "Bad digest" for our adverts too.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3
NODE_VHID[1]=11; NODE_VHID[2]=11; NODE_VIP[1]=198.18.0.101; NODE_VIP[2]=198.18.0.101
NODE_PASS[1]=love; NODE_PASS[2]=hate
NODE_VHID[3]=12; NODE_VHID[4]=12; NODE_VIP[3]=198.18.0.102; NODE_VIP[4]=198.18.0.112
start_node 1 ours -k 0
start_node 2 ref -k 50
start_node 3 ref -k 0
start_node 4 ours -k 50
for i in 1 2 3 4; do wait_state $i MASTER 10; done
for i in 1 2 3 4; do wait_log $i "Bad digest" 5; done
# Ours names the likely cause and the peer: a password or address set
# that differs (the two are one HMAC, so which one cannot be told).
if ours_fixed; then
	wait_log 1 "address set or password differs from 198.18.1.3's" 5
	wait_log 4 "address set or password differs from 198.18.2.2's" 5
fi

# bad_of I: rejected-advert count of node I (ours: bad_hmac counter; the
# reference: its "Bad digest" lines).
BAD=0
bad_of() {
	if [ "${NODE_IMPL[$1]}" = ours ] && ours_fixed; then
		counter "$1" bad_hmac || return 1
		BAD=$CVAL
	else
		BAD=$(log_count "$1" "Bad digest")
	fi
}
bad_above() { bad_of "$1" && [ "$BAD" -ge "$2" ]; }

declare -a sc b0
for i in 1 2 3 4; do
	sc[i]=$(switch_count $i)
	bad_of $i || test_fail "n$i: no bad_hmac counter in the SIGUSR1 answer"
	b0[i]=$BAD
done
for i in 1 2 3 4; do
	wait_until_slow 10 bad_above $i $((b0[i] + 4)) ||
	    test_fail "n$i (${NODE_IMPL[i]}): rejected-advert count went only from ${b0[i]} to $BAD"
done
for i in 1 2 3 4; do
	[ "$(switch_count $i)" -eq "${sc[i]}" ] ||
	    test_fail "n$i (${NODE_IMPL[i]}) changed state while rejecting the peer's adverts"
	state_is $i MASTER || test_fail "n$i (${NODE_IMPL[i]}) is not MASTER"
done
check_running 1 2 3 4
for i in 1 2 3 4; do scripts_alternate $i || test_fail "n$i ran a script twice in a row"; done
if ours_fixed; then
	for i in 1 4; do
		usr1_counters $i
		log "n$i counters:$COUNTERS"
	done
fi
test_pass
