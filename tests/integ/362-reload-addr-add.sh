#!/bin/bash
# Addresses added by a rolling reload, one host after the other: the
# address set is in the HMAC, so each host keeps sending (and accepting)
# the old set's HMAC through the rekey grace, and nothing flaps.
#
# Hosts A (1) and B (2), 4 instances on one link, all preempt: A prefers
# a1 and a2, B b3 and b4.  a1 (A master) gains an IPv6 address with a
# prefix and b3 (B master) a second IPv4 address: first in A's file
# (SIGHUP A), then, after 3 adverts of each have crossed, in B's (SIGHUP
# B), each "2 kept, 2 updated"; then 3 more adverts each way.  Throughout:
#   - neither host changes state (no second master) or logs a bad digest
#     or an HMAC mismatch, and every bad_hmac counter stays 0;
#   - the only scripts run are a1's on A and b3's on B, for the address
#     change (UCARP_REASON "addresses changed (reload)");
#   - the preferred split holds.
# Without the grace, A's first advert after its reload would carry the new
# set's HMAC, which B (not reloaded yet) rejects: B takes a1 over.
. "$(dirname "$0")/lib_reload.sh"
rl_init 4 2
mnet_ipv6 $A	# a1 will hold an IPv6 address
mnet_ipv6 $B
rl_start_pair

ADD1='addr=["198.18.1.101","2001:db8:1::101/64"]'
ADD3='addr=["198.18.1.103","198.18.1.203/24"]'
VERDICT="last reload applied: 2 kept, 2 updated, 0 added, 0 removed"

# add_on H: the addresses added in host H's file, SIGHUP H, then 3 adverts
# of a1 and b3 each way.  After A's reload A still sends (and accepts) the
# old set's HMAC, so B, not reloaded yet, accepts a1's adverts and A B's b3.
add_on() {
	RL_KEYS[$1:1]=$ADD1
	RL_KEYS[$1:3]=$ADD3
	rl_conf "$1" "${RL_CONF[$1]}"
	rl_hup "$1"
	rl_expect_verdict "$VERDICT"
	mwait_counter $B a1 received 3
	mwait_counter $A b3 received 3
}

rl_mark
add_on $A
add_on $B

for h in $A $B; do
	bad=$(rl_log_since $h | grep -E 'Switching to state|Bad digest|differs from' | head -n 5)
	[ -z "$bad" ] || test_fail "host $h while the addresses were added:
$bad"
	for i in a1 a2 b3 b4; do
		mcounter $h $i bad_hmac || test_fail "host $h: no SIGUSR1 counters for $i"
		[ "$CVAL" -eq 0 ] || test_fail "host $h: $i rejected $CVAL adverts (bad_hmac)"
	done
done
bad=$(rl_events_since $A | awk '$1 == "start" && ($2 != "a1" || $NF != "addresses_changed_(reload)")' | head -n 5)
[ -z "$bad" ] || test_fail "A ran other scripts than a1's address change:
$bad"
bad=$(rl_events_since $B | awk '$1 == "start" && ($2 != "b3" || $NF != "addresses_changed_(reload)")' | head -n 5)
[ -z "$bad" ] || test_fail "B ran other scripts than b3's address change:
$bad"
rl_split || test_fail "the split changed: $(rl_describe)"
log "a1 and b3 gained an address on A, then on B: no state change, no HMAC rejected"

mcheck_running $A $B
test_pass
