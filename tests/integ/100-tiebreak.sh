#!/bin/bash
# Equal intervals, split brain healed.  Every pair starts isolated (bridge
# ports not forwarding, carrier up), so both nodes become MASTER; then the
# ports forward again and one node must yield.  ucarp 1.5.2 on x86 compares
# the source addresses as little-endian integers (last octet first):
#   pair 1: 198.18.1.2 vs 198.18.2.1 -> 198.18.2.1 survives
#   pair 2: 198.18.3.4 vs 198.18.4.3 -> 198.18.4.3 survives
# and pairs where both orders agree (lower last octet = lower number):
#   pair 3: 198.18.5.2 vs 198.18.5.3 -> 198.18.5.2 survives
#   pair 4: 198.18.6.2 vs 198.18.6.3 -> 198.18.6.2 survives
# Two rounds: ours on one side of every pair, the reference on the other,
# then the implementations swapped on every host.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.2.1 198.18.3.4 198.18.4.3 \
	 198.18.5.2 198.18.5.3 198.18.6.2 198.18.6.3
for k in 1 2 3 4; do
	for i in $((2 * k - 1)) $((2 * k)); do
		NODE_VHID[i]=$((10 + k)); NODE_VIP[i]=198.18.0.10$k
	done
done

# round IMPL...: the eight nodes (implementations in host order) start
# isolated, become MASTER, are joined; the expected node of each pair stays.
round() {
	local -a impl=(- "$@")
	local i
	for i in 1 2 3 4 5 6 7 8; do port_block $i; done
	for i in 1 2 3 4 5 6 7 8; do start_node $i "${impl[i]}"; done
	wait_masters 1 2 3 4 5 6 7 8
	log "all 8 nodes MASTER while isolated; joining"
	for i in 1 2 3 4 5 6 7 8; do port_unblock $i; done
	expect_master 2 1 -- 4 3 -- 5 6 -- 7 8
	for i in 1 3 6 8; do
		log_has $i "Preferred master advertised: going back to BACKUP state" ||
		    test_fail "n$i (${NODE_IMPL[i]}) yielded without 'Preferred master advertised'"
	done
	check_clean_logs 1 2 3 4 5 6 7 8
	for i in 1 2 3 4 5 6 7 8; do stop_node $i KILL; done
}
round ours ref ref ours ours ref ref ours
log "same addresses, implementations swapped"
round ref ours ours ref ref ours ours ref
test_pass
