#!/bin/bash
# The multicast group is joined on the instance's interface, and only once
# that interface exists (review 4(c)7).  One host, two links; eth1 is
# deleted before the daemon starts, and eth0 carries a default route (the
# interface the kernel picks for a membership asked on "any interface").
#   1. A configuration-file daemon with one instance on eth1 (which does
#      not exist yet) starts and waits for it: no 224.0.0.18 membership
#      anywhere in the namespace, in particular none on eth0.
#   2. eth1 is created: the daemon logs "eth1: interface is back, capture
#      reopened", the instance becomes MASTER and advertises on link 2,
#      224.0.0.18 is joined on eth1, and there is still none on eth0.
#   3. eth1 is deleted and created again, three times: each time the
#      instance becomes MASTER again, the membership is back on the new
#      eth1, and there is still none on eth0.  The namespace allows 2
#      memberships per socket (net.ipv4.igmp_max_memberships): a daemon
#      that kept the entry of each vanished eth1 could not join any more.
. "$(dirname "$0")/lib_multi.sh"
multi_init
need_tcpdump
mnet_make 1 2
NS=${M_NS[1]}
ip -n "$NS" link del eth1 || test_fail "ip link del eth1"
ip -n "$NS" route add default via "198.18.1.254" dev eth0 ||
    test_fail "default route via eth0"
ip netns exec "$NS" sysctl -q -w net.ipv4.igmp_max_memberships=2 ||
    test_fail "cannot set net.ipv4.igmp_max_memberships in the namespace"

{
	echo 'defaults = { pass = "late"; };'
	echo 'instances = ('
	mconf_inst late eth1 "$(haddr 1 2)" 7 198.18.102.7
	echo
	echo ');'
} > "$TMPD/h1.conf"

# groups DEV: the IPv4 multicast groups DEV is a member of, one a line.
groups() {
	ip -n "$NS" -4 maddr show dev "$1" 2>/dev/null |
	    awk '$1 == "inet" { print $2 }'
}
# The interfaces of the namespace that are members of 224.0.0.18.
members() {
	ip -n "$NS" -4 maddr show 2>/dev/null | awk '
		/^[0-9]+:/ { dev = $2 }
		$1 == "inet" && $2 == "224.0.0.18" { print dev }'
}
# since_has ERE: host 1's log has a line matching ERE since line $FROM.
since_has() { tail -n +"$FROM" "${D_LOG[1]}" | grep -qE -- "$1"; }
joined_on() { [ "$(groups "$1" | grep -c '^224\.0\.0\.18$')" -eq 1 ]; }
check_not_on_eth0() {
	! groups eth0 | grep -q '^224\.0\.0\.18$' ||
	    test_fail "$1: 224.0.0.18 joined on eth0, not the instance's interface (members: $(members | tr '\n' ' '))"
}

# ---- 1. the interface does not exist yet -------------------------------------------
mcap_start link2 br2 ip proto 112
mstart 1 "$TMPD/h1.conf" 1
mwait_log 1 'eth1: check the interface name with `ip link`; its instances wait until it appears' 5
# The instance has started (its FSM left INIT): whatever the daemon joins
# at start is joined by now.
mwait_log 1 'eth1 vhid 7 \(late\): Switching to state: BACKUP' 5
mcheck_running 1
m=$(members | tr '\n' ' ')
log "1. eth1 missing: members of 224.0.0.18: '${m}'"
check_not_on_eth0 "eth1 missing"
[ -z "$m" ] || test_fail "eth1 missing: 224.0.0.18 joined on: $m"

# ---- 2. the interface appears ---------------------------------------------------
T_BACK=$(now_us)
mport_back 1 2
mwait_log 1 'eth1: interface is back, capture reopened' 5
wait_until 10 mall_state 1 MASTER 1 ||
    test_fail "the instance did not become MASTER: $(mstates 1 | tr '\n' ' ')"
wait_until 10 mcap_count_ge link2 "$(haddr 1 2)" 7 2 "$T_BACK" ||
    test_fail "vhid 7: no adverts on link 2 after eth1 appeared"
wait_until 5 joined_on eth1 ||
    test_fail "eth1 appeared: 224.0.0.18 not joined on it (members: $(members | tr '\n' ' '))"
check_not_on_eth0 "eth1 appeared"
log "2. eth1 appeared: members of 224.0.0.18: $(members | tr '\n' ' ')"
mcheck_running 1

# ---- 3. the interface goes and comes back, three times ---------------------------
for n in 1 2 3; do
	FROM=$(( $(wc -l < "${D_LOG[1]}") + 1 ))
	ip -n "$NS" link del eth1 || test_fail "$n: ip link del eth1"
	wait_until 5 since_has 'eth1: link down' || test_fail "$n: no 'eth1: link down' logged"
	check_not_on_eth0 "$n: eth1 deleted"
	mport_back 1 2
	wait_until 5 since_has 'eth1: interface is back, capture reopened' ||
	    test_fail "$n: no 'eth1: interface is back, capture reopened' logged"
	wait_until 10 mall_state 1 MASTER 1 ||
	    test_fail "$n: the instance did not become MASTER again: $(mstates 1 | tr '\n' ' ')"
	wait_until 5 joined_on eth1 ||
	    test_fail "$n: eth1 back: 224.0.0.18 not joined on it (members: $(members | tr '\n' ' '); log: $(grep 'multicast' "${D_LOG[1]}" | tail -n 1))"
	check_not_on_eth0 "$n: eth1 back"
	log "3. cycle $n: eth1 back: members of 224.0.0.18: $(members | tr '\n' ' ')"
done
! mlog_has 1 'cannot join multicast group' ||
    test_fail "a join failed: $(grep 'cannot join multicast group' "${D_LOG[1]}" | head -n 1)"
mcheck_running 1
mcap_stop link2
test_pass
