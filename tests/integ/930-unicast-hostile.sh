#!/bin/bash
# Hostile unicast (issue 18), multicast dropped on the bridge: A (master)
# and B (backup) list each other as peers; the attacker sends CARP to A's
# own address (its MAC, unicast).  Asserted, each counted exactly by
# reason on A with no other reject counter moving: adverts with the right
# password from a non-peer (not_peer), adverts spoofing the peer B with a
# wrong HMAC (bad_hmac, and B's per-peer drops), TTL 64 (bad_ttl).  Then a
# flood of unicast junk at FLOOD_PPS (default 20000) for FLOOD_SECS
# (default 5): no state change, at most one not_peer line a second in A's
# log, and A's adverts on schedule (longest gap on A's bridge port at most
# its interval, 1 s, + 50 ms), as 430-hostile-flood measures it.
. "$(dirname "$0")/lib_hostile.sh"
. "$(dirname "$0")/lib_ucast.sh"
hostile_init
mcast_drop "$MBR_NS"
REJECT_KEYS="$REJECT_KEYS not_peer"

HPAIR_A_KEYS=("peer=\"$ADDR_B\"")
HPAIR_B_KEYS=("peer=\"$ADDR_A\"")
hpair_start

MAC_A=$(ip -n "${M_NS[HA]}" link show dev eth0 | awk '/link\/ether/ { print $2 }')
TO_A=(--group "$ADDR_A" --dst-mac "$MAC_A" --vhid "$H_VHID" --pass "$H_PASS" --vip "$H_VIP")

# A non-peer with the right password: not_peer, logged.
hsnap $HA "$TMPD/a0"
hinject nonpeer send --src "$ADDR_X" "${TO_A[@]}" --fresh-counter valid:20
hexpect $HA "$TMPD/a0" not_peer=20
mlog_has $HA "not a peer's unicast advert from $ADDR_X" ||
    test_fail "A did not log the non-peer's advert"

# The peer's address with a wrong HMAC: bad_hmac, and the peer's drops.
peer_stat $HA drops "$ADDR_B" || test_fail "A: no peer counters"
d0=$PVAL
hsnap $HA "$TMPD/a1"
hinject spoof send --src "$ADDR_B" "${TO_A[@]}" bad_hmac:10
hexpect $HA "$TMPD/a1" bad_hmac=10
peer_stat $HA drops "$ADDR_B"
[ "$PVAL" -eq $((d0 + 10)) ] || test_fail "A: peer $ADDR_B drops went from $d0 to $PVAL, expected +10"

# TTL 64 from the peer: unicast_ttl_check is on by default.
hsnap $HA "$TMPD/a2"
hinject ttl send --src "$ADDR_B" "${TO_A[@]}" ttl64:5
hexpect $HA "$TMPD/a2" bad_ttl=5
hcheck_states "after the spoofed adverts"

# The flood.
: "${FLOOD_PPS:=20000}"
: "${FLOOD_SECS:=5}"
if [ $VG_ALL -eq 1 ]; then FLOOD_PPS=2000; fi
MIX=valid:4,bad_hmac:2,ttl64:1,short50:1,wrong_vhid:1,bad_carp_cksum:1
hcap_start advA $HA "ip proto 112 and src host $ADDR_A"
from_a=$(( $(wc -l < "${D_LOG[HA]}") + 1 ))
t0=$(now_us)
hinject flood flood --src "$ADDR_X" "${TO_A[@]}" --pps "$FLOOD_PPS" \
    --duration "$FLOOD_SECS" --max-count $(( FLOOD_PPS * FLOOD_SECS * 11 / 10 )) --mix "$MIX"
t1=$(now_us)
pps=$(awk '$1 == "pps" { print $2 }' "$TMPD/flood.out")
log "flood: $INJ_TOTAL frames, $pps frames/s (target $FLOOD_PPS)"
[ "${pps%.*}" -ge $(( FLOOD_PPS * 95 / 100 )) ] ||
    test_fail "the injector reached only $pps frames/s: the test did not flood"
mcap_stop advA
hcheck_states "after the flood"
lines=$(tail -n +"$from_a" "${D_LOG[HA]}" | grep -c "not a peer's unicast advert")
secs=$(( (t1 - t0 + 999999) / 1000000 ))
[ "$lines" -le $(( secs + 2 )) ] ||
    test_fail "A logged $lines not_peer lines over a ${secs} s flood (at most one a second)"
gap=$(mcap_gaps advA "$ADDR_A" "$t0" "$t1" | awk -v v="$H_VHID" '$1 == v { print $3 }')
[ -n "$gap" ] || test_fail "no advert of A in the capture during the flood"
log "longest gap of A's adverts during the flood: $gap us"
[ "$gap" -le 1050000 ] || test_fail "A's adverts: a gap of $gap us during the flood (bound 1050000)"
test_pass
