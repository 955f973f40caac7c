#!/bin/bash
# Moving a running pair from multicast to unicast node by node (issue 18),
# by reload only: B, then A, gets peer plus unicast_also_multicast; the
# bridge then drops multicast; B, then A, drops unicast_also_multicast; A
# adds a peer and removes it again.  Over all of it: no state change, no
# script, no advert gap on the wire (A's adverts, captured on its bridge
# port, at most the interval plus 300 ms apart), and B keeps hearing A.
# ucarpctl shows the peers with their counters: text, JSON, metrics.
# Then an empty peer list: the reload is refused (FILE:LINE), and so is
# the file at -t.
. "$(dirname "$0")/lib_ctl.sh"
. "$(dirname "$0")/lib_ucast.sh"
test_init
rl_init 1 1
AA=$(haddr $A 1); AB=$(haddr $B 1)
# One instance (a1, A preferred): rl_start_pair wants a b* one too.
rl_conf $A "${RL_CONF[A]}"
rl_conf $B "${RL_CONF[B]}"
mstart $A "${RL_CONF[A]}" 1
mstart $B "${RL_CONF[B]}" 1
wait_until 40 rl_split || test_fail "no split after start-up: $(rl_describe)"
mwait_counter $A a1 sent 2
rl_split || test_fail "the split did not hold: $(rl_describe)"
mcap_start cap "p${A}l1" "ip proto 112"
t0=$(now_us)
rl_mark

# reconf H KEYS: host H's instance gets KEYS; reload; it must apply.
reconf() {
	RL_KEYS[$1:1]=$2
	rl_conf "$1" "${RL_CONF[$1]}"
	rl_hup "$1"
	case $RL_VERDICT in
	*applied*) ;;
	*) test_fail "host $1: reload with '$2' not applied: $RL_VERDICT" ;;
	esac
}

# B hears 3 more adverts from A as its peer.
hears_a() {
	peer_stat $B received "$AA" || test_fail "host B: no peer counters for $AA"
	wait_until 10 peer_stat_ge $B received $((PVAL + 3)) "$AA" ||
	    test_fail "host B heard only $PVAL adverts from $AA as a peer"
}

reconf $B "peer=\"$AA\" unicast_also_multicast=true"
reconf $A "peer=\"$AB\" unicast_also_multicast=true"
hears_a
mcast_drop "$MBR_NS"
hears_a
reconf $B "peer=\"$AA\""
reconf $A "peer=\"$AB\""
hears_a
reconf $A "peer=[\"$AB\",\"198.18.1.9\"]"
hears_a
reconf $A "peer=\"$AB\""
hears_a
t1=$(now_us)
rl_check_calm "during the migration"
rl_split || test_fail "not the preferred split after the migration: $(rl_describe)"
mcap_stop cap
rl_check_gaps cap "$AA" "$t0" "$t1" 1 1300000
log "longest gap of A's adverts over the migration: ${RL_WORST#* } us"

ctl_need
ctl $B status a1 | grep -E "^  peer $AA: sent [0-9]+ \(send errors 0\), received [1-9][0-9]*, dropped 0, last heard " ||
    test_fail "ucarpctl status on B: no line for peer $AA: $(ctl $B status a1)"
ctl $B status -j | python3 -c '
import json, sys
p = json.load(sys.stdin)["instances"][0]["peers"]
assert len(p) == 1 and p[0]["address"] == sys.argv[1], p
assert p[0]["adverts_received"] > 0 and p[0]["last_heard"], p
' "$AA" || test_fail "ucarpctl status -j on B: wrong peers"
ctl $A metrics | grep -qE "^ucarp_peer_adverts_sent_total\{.*peer=\"$AB\"\} [1-9]" ||
    test_fail "ucarpctl metrics on A: no sent counter for peer $AB"

# An empty peer list: refused, nothing changes.
rl_mark
RL_KEYS[$B:1]="peer=[]"
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
case $RL_VERDICT in
*refused*) ;;
*) test_fail "host B: a reload with peer = [] was not refused: $RL_VERDICT" ;;
esac
line=$(grep -n 'peer = \[\]' "${RL_CONF[B]}" | cut -d: -f1)
mlog_has $B "${RL_CONF[B]}:$line: peer is an empty list" ||
    test_fail "host B: no FILE:LINE error for the empty peer list"
out=$("$UCARP" -t -c "${RL_CONF[B]}" 2>&1) &&
    test_fail "-t accepted peer = []"
echo "$out" | grep -qF "${RL_CONF[B]}:$line: peer is an empty list" ||
    test_fail "-t: no FILE:LINE error for peer = []: $out"
hears_a
rl_check_calm "after the refused reload"
test_pass
