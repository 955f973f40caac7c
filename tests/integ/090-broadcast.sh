#!/bin/bash
# -M (broadcast adverts) mixed with multicast nodes.  Pair 1: our -M master,
# ucarp 1.5.2 multicast backup.  Pair 2: reference -M master, our multicast
# backup.  Pair 3: reference multicast master, our -M backup.  Each pair
# ends with one stable master; the -M masters' adverts go to
# ff:ff:ff:ff:ff:ff with IP destination 224.0.0.18, the multicast one's to
# 01:00:5e:00:00:12.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.2.2 198.18.2.3 198.18.3.2 198.18.3.3
for k in 1 2 3; do
	for i in $((2 * k - 1)) $((2 * k)); do
		NODE_VHID[i]=$((10 + k)); NODE_VIP[i]=198.18.0.10$k
	done
done
capture_start adv 'ip proto 112'
start_node 1 ours -M -k 0
start_node 3 ref -M -k 0
start_node 5 ref -k 0
wait_masters 1 3 5
start_node 2 ref -k 50
start_node 4 ours -k 50
start_node 6 ours -M -k 50
expect_master 1 2 -- 3 4 -- 5 6
check_clean_logs 1 2 3 4 5 6

# check_dst HOST MAC: every advert of HOST went to MAC and to IP 224.0.0.18.
check_dst() {	# HOST EXPECTED-MAC
	local a=${HOST_ADDR[$1]} got
	got=$(capture_hex adv src host "$a" | cut -c1-12 | sort -u | tr '\n' ' ')
	[ "$got" = "$2 " ] || test_fail "adverts of n$1 (${NODE_IMPL[$1]}) went to MAC(s) '$got', expected $2"
	got=$(capture_hex adv src host "$a" | cut -c61-68 | sort -u | tr '\n' ' ')
	[ "$got" = "e0000012 " ] || test_fail "adverts of n$1 went to IP(s) '$got', expected e0000012"
}
check_dst 1 ffffffffffff
check_dst 3 ffffffffffff
check_dst 5 01005e000012
capture_stop adv
test_pass
