#!/bin/bash
# Election by advskew between ours and ucarp 1.5.2, in both roles and both
# start orders (started together, before either can be MASTER): the node
# with the shorter interval (advskew 0 vs 50) ends MASTER with the VIP, the
# other BACKUP without it, and it stays so.  Both nodes run with -P: without
# it the outcome of a simultaneous start is a race that ucarp 1.5.2's coarse
# timer (it sees its master-down deadline only at its next poll wake-up, up
# to 1 s late) can lose against a punctual slower peer, and a faster backup
# never preempts.  The four pairs run at the same time on one segment, each
# with its own vhid and VIP (so other vhids on the wire must be ignored too).
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3 \
	 198.18.3.2 198.18.3.3 198.18.4.2 198.18.4.3

# pair K FAST SLOW FIRST: hosts 2K-1 (FAST impl, skew 0) and 2K (SLOW impl,
# skew 50), vhid 10+K, VIP 198.18.0.10K; FIRST (fast|slow) starts first, the
# other right after, before either can become MASTER.
pair() {
	local k=$1 fast=$2 slow=$3 first=$4 f=$((2 * $1 - 1)) s=$((2 * $1))
	NODE_VHID[f]=$((10 + k)); NODE_VHID[s]=$((10 + k))
	NODE_VIP[f]=198.18.0.10$k; NODE_VIP[s]=198.18.0.10$k
	log "pair $k: fast n$f=$fast (skew 0), slow n$s=$slow (skew 50), $first first"
	if [ "$first" = fast ]; then
		start_node $f "$fast" -k 0 -P
		start_node $s "$slow" -k 50 -P
	else
		start_node $s "$slow" -k 50 -P
		start_node $f "$fast" -k 0 -P
	fi
}

pair 1 ours ref slow
pair 2 ref ours slow
pair 3 ours ref fast
pair 4 ref ours fast

expect_master 1 2 -- 3 4 -- 5 6 -- 7 8
for k in 1 2 3 4; do
	f=$((2 * k - 1)); s=$((2 * k))
	check_clean_logs $f $s
	# The slow node's first script run is the start-up downscript.
	[ "$(first_event $s)" = "down eth0 ${NODE_VIP[s]}" ] ||
	    test_fail "n$s: first script event '$(first_event $s)', expected the start-up down"
	# The VIP of this pair is nowhere else.
	for ((h = 1; h <= NHOSTS; h++)); do
		[ $h = $f ] && continue
		has_vip $h "${NODE_VIP[f]}" && test_fail "VIP ${NODE_VIP[f]} also on n$h"
	done
done
test_pass
