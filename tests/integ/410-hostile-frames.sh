#!/bin/bash
# Hostile frames: a pair of our daemons (A master, B backup; vhid 77,
# password "h0stile") and an attacker on the same bridge that injects, a
# few of each, frames that every receive check must reject:
#
#   kind (inject.py)		counter		what is wrong
#   short24/34/50/60/69		too_short	truncated advert (24 bytes is
#						the least the capture filter
#						passes: the protocol byte)
#   ihl_opts_cut		too_short	IP options push CARP past 70 bytes
#   vrrp2_cap, vrrp3_cap	too_short	keepalived's captured VRRPv2 (54
#						bytes) and VRRPv3 (46 bytes)
#						adverts, source 198.18.1.3
#   fragment, fragment_off	not_carp	IP fragments of protocol 112
#   ipver6			not_carp	IP version 6 under ethertype IPv4
#   ttl64, ttl1			bad_ttl
#   version3, version1		bad_version
#   vrrp3_long			bad_version	VRRPv3 with 7 addresses (70 bytes)
#   type2			bad_type
#   wrong_vhid			bad_vhid	vhid 78
#   vrrp2_long			bad_vhid	VRRPv2 (70 bytes), VRID 78
#   vrrp2_samevrid		bad_hmac	VRRPv2 (70 bytes), VRID 77: its
#						checksum passes as CARP's
#   bad_group			bad_group	IP destination 198.18.255.254,
#						not the group (only 224.0.0.18
#						may be used as a group here)
#   bad_ip_cksum		bad_ip_cksum
#   bad_carp_cksum		bad_carp_cksum
#   bad_hmac			bad_hmac	wrong password
#   steal			bad_hmac	wrong password, advbase 0
#						advskew 1: would take over
#
# Asserted on A and on B: each counter rose by exactly the number of frames
# of its kinds, every other reject counter and "transitions" by 0, and no
# state changed (A MASTER with the VIP, B BACKUP; SIGUSR1 agrees).  Then a
# control: 2 correct adverts from the attacker (advskew 10: slower than A,
# so nobody yields) are accepted by both (received +2): the frames above
# differ from acceptable ones only in what each kind breaks.
. "$(dirname "$0")/lib_hostile.sh"
hostile_init
hpair_start

N=3			# frames of each kind
# kind -> counter, as the receive path is documented (carp-protocol.md 2.5,
# src/carp_pkt.c): VRRP adverts shorter than 70 bytes are too_short.
declare -A KIND_COUNTER=(
	[short24]=too_short [short34]=too_short [short50]=too_short
	[short60]=too_short [short69]=too_short [ihl_opts_cut]=too_short
	[vrrp2_cap]=too_short [vrrp3_cap]=too_short
	[fragment]=not_carp [fragment_off]=not_carp [ipver6]=not_carp
	[ttl64]=bad_ttl [ttl1]=bad_ttl
	[version3]=bad_version [version1]=bad_version [vrrp3_long]=bad_version
	[type2]=bad_type
	[wrong_vhid]=bad_vhid [vrrp2_long]=bad_vhid
	[bad_group]=bad_group
	[bad_ip_cksum]=bad_ip_cksum [bad_carp_cksum]=bad_carp_cksum
	[bad_hmac]=bad_hmac [steal]=bad_hmac [vrrp2_samevrid]=bad_hmac
)
KINDS=(short24 short34 short50 short60 short69 ihl_opts_cut vrrp2_cap
    vrrp3_cap fragment fragment_off ipver6 ttl64 ttl1 version3 version1
    vrrp3_long type2 wrong_vhid vrrp2_long vrrp2_samevrid bad_group
    bad_ip_cksum bad_carp_cksum bad_hmac steal)

FRAME_ARGS=(--src "$ADDR_X" --vhid "$H_VHID" --pass "$H_PASS" --vip "$H_VIP")

hsnap $HA "$TMPD/a0"
hsnap $HB "$TMPD/b0"

items=()
for k in "${KINDS[@]}"; do items+=("$k:$N"); done
# Spaced a little (2 ms) so nothing is lost to a queue: counts are exact.
hinject frames send "${FRAME_ARGS[@]}" --fresh-counter --interval 0.002 "${items[@]}"
log "attacker sent $INJ_TOTAL frames ($N of each of ${#KINDS[@]} kinds)"

declare -A want=()
for k in "${KINDS[@]}"; do
	cname=${KIND_COUNTER[$k]}
	n=$(inj_sent frames "$k")
	[ "$n" -eq "$N" ] || test_fail "inject.py sent $n frames of $k, not $N"
	want[$cname]=$(( ${want[$cname]:-0} + n ))
done
spec=()
for cname in "${!want[@]}"; do spec+=("$cname=${want[$cname]}"); done
log "expected on each host: ${spec[*]}"

hexpect $HA "$TMPD/a0" "${spec[@]}" received=0
hexpect $HB "$TMPD/b0" "${spec[@]}"
hcheck_states "after the hostile frames"

# The rate-limited lines say what was dropped: at least the first drop of
# each warning-level reason is logged on A.
for pat in 'Bad TTL: \[64\]' 'Bad version: \[3\]' 'Bad type: \[2\]' \
    'Bad IP checksum from 198.18.1.3' 'Bad CARP checksum from 198.18.1.3' \
    'Bad digest .* \(from 198.18.1.3'; do
	mlog_has $HA "$pat" || test_fail "A logged no line matching /$pat/"
done

# Control: correct adverts from the attacker are accepted by both.
hsnap $HA "$TMPD/a1"
hsnap $HB "$TMPD/b1"
hinject control send "${FRAME_ARGS[@]}" --advskew 10 --fresh-counter \
    --counter 0xC6120003C6120004 --interval 0.05 valid:2
hexpect $HA "$TMPD/a1" received=2
# B accepts A's adverts too: at least the 2 from the attacker.
wait_until_slow 10 hdeltas_reached $HB "$TMPD/b1" "$TMPD/b2" received=2 ||
    test_fail "B did not accept the attacker's 2 valid adverts"
hexpect $HB "$TMPD/b1"
hcheck_states "after the valid control adverts"

mcheck_running $HA $HB
test_pass
