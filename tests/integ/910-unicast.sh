#!/bin/bash
# Unicast peers (issue 18) on a bridge that drops CARP multicast (nftables):
# two hosts without peer split (both MASTER: the rule works); two hosts with
# --peer elect one master, fail over on a crash and on a -z bow-out; a
# third host whose adverts reach them by unicast but which they do not list
# is ignored and counted as not_peer; three hosts that each list the two
# others elect one master; an IPv6 pair with IPv6 peers elects and fails
# over (ff02::12 is dropped too; ND still passes).  Fast timers: advbase 0, where a backup's
# master-down interval is its advskew/256 s, so backups get several of
# the master's intervals (skews 20 against 100 and more).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ucast.sh"
test_init
make_net 198.18.1.2 198.18.1.3 198.18.1.4
mcast_drop
A1=${HOST_ADDR[1]}; A2=${HOST_ADDR[2]}; A3=${HOST_ADDR[3]}
FAST=(-b 0 -r 3)

# Without peers the multicast adverts are dropped: both become MASTER.
start_node 1 ours "${FAST[@]}" -k 20
start_node 2 ours "${FAST[@]}" -k 100
wait_state 1 MASTER 10
wait_state 2 MASTER 10
rx_count 2 || test_fail "node 2: no counters"
[ "$RX" -eq 0 ] || test_fail "node 2 heard $RX adverts through the multicast drop"
stop_node 1
stop_node 2
log "without peer: both MASTER (the drop rule works)"

# With peers: one master, and the backup hears it by unicast.
start_node 1 ours "${FAST[@]}" -k 20 --peer "$A2"
wait_masters 1
start_node 2 ours "${FAST[@]}" -k 100 --peer "$A1" -z
expect_master 1 2
peer_stat_ge 2 received 3 "$A1" || test_fail "node 2: peer $A1 received=$PVAL, expected >= 3"
peer_stat_ge 1 sent 3 "$A2" || test_fail "node 1: peer $A2 sent=$PVAL, expected >= 3"

# Crash failover, then the crashed node comes back as BACKUP.
stop_node 1 KILL
wait_state 2 MASTER 10
log_has 2 "Switching to state: MASTER (master down)" ||
    test_fail "node 2 took over for another reason: $(grep 'Switching to state: MASTER' "${NODE_LOG[2]}" | tail -n 1)"
start_node 1 ours "${FAST[@]}" -k 200 --peer "$A2" -z
expect_master 2 1

# A non-peer (host 3 lists host 1, host 1 does not list it): its unicast
# adverts reach host 1 and are ignored, counted, logged once a second.
start_node 3 ours "${FAST[@]}" -k 250 --peer "$A1"
not_peer_ge() { counter 1 not_peer && [ "$CVAL" -ge "$1" ]; }
wait_until 10 not_peer_ge 5 || test_fail "node 1: not_peer=$CVAL, expected >= 5"
log_has 1 "not a peer's unicast advert from $A3" ||
    test_fail "node 1 did not log the non-peer's advert"
[ "$(log_count 1 "not a peer's unicast advert")" -le 15 ] ||
    test_fail "node 1: the not_peer log is not rate-limited"
expect_master 2 1
stop_node 3

# Bow-out: the -z master (node 2) says so by unicast; node 1 takes over
# at once ("master too slow"), not after the master-down interval.
stop_node 2 TERM
wait_state 1 MASTER 10
grep 'Switching to state: MASTER' "${NODE_LOG[1]}" | tail -n 1 | grep -q 'master down' &&
    test_fail "node 1 waited for the master-down interval: the bow-out advert did not arrive"
stop_node 1

# Three hosts, each listing the two others.
start_node 1 ours "${FAST[@]}" -k 20 --peer "$A2" --peer "$A3"
wait_masters 1
start_node 2 ours "${FAST[@]}" -k 100 --peer "$A1" --peer "$A3"
start_node 3 ours "${FAST[@]}" -k 200 --peer "$A1" --peer "$A2"
expect_master 1 2 3
peer_stat_ge 3 received 3 "$A1" || test_fail "node 3: peer $A1 received=$PVAL"
stop_node 1 KILL
wait_state 2 MASTER 10
expect_master 2 3
check_clean_logs 2 3
stop_node 2
stop_node 3

# IPv6 peers: IPv6 srcip, an IPv6-only vhid.
S6=(2001:db8::2 2001:db8::3)
for i in 1 2; do
	ip netns exec "${HOST_NS[i]}" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 \
	    net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 ||
	    test_skip "cannot enable IPv6 in a namespace"
	ip -n "${HOST_NS[i]}" addr add "${S6[i - 1]}/64" dev eth0 nodad ||
	    test_fail "cannot add ${S6[i - 1]}"
done
start6() {
	start_node_raw "$1" ours -i eth0 -s "${S6[$1 - 1]}" -v "$VHID" \
	    -p "$PASS" -a 2001:db8::10 -u "$TMPD/n$1.up.sh" \
	    -d "$TMPD/n$1.down.sh" -D "${FAST[@]}" -k "$2" --peer "$3"
}
start6 1 20 "${S6[1]}"
wait_state 1 MASTER 10
start6 2 100 "${S6[0]}"
wait_state 2 BACKUP 10
wait_until 10 peer_stat_ge 2 received 5 "${S6[0]}" ||
    test_fail "node 2: IPv6 peer ${S6[0]} received=$PVAL, expected >= 5"
state_is 1 MASTER && [ "$(switch_count 2)" -eq 1 ] ||
    test_fail "IPv6 peers: a node changed state: $(describe 1 2)"
stop_node 1 KILL
wait_state 2 MASTER 10
check_clean_logs 2
test_pass
