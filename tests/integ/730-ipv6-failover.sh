#!/bin/bash
# IPv6 failover between our own daemons (710 covers the basic two-node
# IPv6 takeover and the NA's fields; this is the rest):
#   three nodes, an IPv6-only vhid with two addresses: A master, B and C
#   backups.  A SIGKILLed: B takes over, not C (advbase 0; advskew 20 /
#   60 / 120: intervals 78, 234, 469 ms).  Then with advbase 1 (with
#   advbase 0 a backup's down timer, advskew/256 s, is shorter than a
#   slower master's interval, so preemption cannot be told from a
#   timeout): B (advskew 100) and C (200) running, A (0, preempt) starts
#   and preempts B; A stopped with SIGTERM (shutdown = true): B takes over
#   on A's bow-out advert.  C never is master.
#   two nodes, a dual-stack vhid (two IPv4 and two IPv6 addresses): A
#   SIGKILLed, B takes over with both families: tshark decodes B's IPv4
#   and IPv6 adverts (good checksums, hop limit 255, ff02::12), one of
#   each family every interval, a gratuitous ARP for each IPv4 address and
#   a neighbour advertisement (ff02::1, override, not solicited, target,
#   B's MAC as target link-layer address) for each IPv6 address, each
#   twice (at takeover and with the third advert).
. "$(dirname "$0")/lib_bsd.sh"
bsd_init 3
bsd_v6 1 2 3
command -v tshark > /dev/null 2>&1 || test_skip "tshark missing"
need_tcpdump
B_VHID=73
V6SET="2001:db8::73:1/64 2001:db8::73:2"
DSSET="198.18.0.73 2001:db8::73:1/64 198.18.0.173 2001:db8::73:2"

# last_event H: "KIND STATE" of host H's last script start.
last_event() { awk '$1 == "start" { k = $3; s = $4 } END { print k, s }' "${D_EVENTS[$1]}"; }
event_is() { [ "$(last_event "$1")" = "$2" ]; }

# cause H: the cause of host H's last switch to MASTER.
cause() {
	grep 'Switching to state: MASTER' "${D_LOG[$1]}" | tail -n 1 |
	    sed 's/.*MASTER (\(.*\))$/\1/'
}

# ---- three nodes, IPv6 only ----------------------------------------------------
bconf 1 20 "$V6SET"
bconf 2 60 "$V6SET"
bconf 3 120 "$V6SET"
mstart 1 "$TMPD/h1.conf" 1
bours_wait 1 MASTER 10
mstart 2 "$TMPD/h2.conf" 1
mstart 3 "$TMPD/h3.conf" 1
bours_wait 2 BACKUP 10
bours_wait 3 BACKUP 10
mwait_counter 3 "$B_NAME" received 10 10
bours_is 1 MASTER || test_fail "A lost MASTER to a slower backup"
event_is 1 "up MASTER" || test_fail "A: last script $(last_event 1)"

info "crash: SIGKILL of A"
mstop 1 KILL
bours_wait 2 MASTER 5
[ "$(cause 2)" = "master down" ] || test_fail "B took over for '$(cause 2)', not 'master down'"
wait_until 5 event_is 2 "up MASTER" || test_fail "B: last script $(last_event 2)"
mwait_counter 3 "$B_NAME" received 5 10
bours_never 3 MASTER
mstop 2 TERM
mstop 3 TERM

info "preemption: A starts under B (advbase 1)"
B_ADVBASE=1
bconf 1 0 "$V6SET" preempt=true shutdown=true
bconf 2 100 "$V6SET"
bconf 3 200 "$V6SET"
mstart 2 "$TMPD/h2.conf" 1
mstart 3 "$TMPD/h3.conf" 1
bours_wait 2 MASTER 10
bours_wait 3 BACKUP 10
mstart 1 "$TMPD/h1.conf" 1
bours_wait 1 MASTER 5
[ "$(cause 1)" = "preemption" ] || test_fail "A took over for '$(cause 1)', not 'preemption'"
bours_wait 2 BACKUP 5
wait_until 5 event_is 2 "down BACKUP" || test_fail "B: last script $(last_event 2)"
mwait_counter 3 "$B_NAME" received 2 10

info "bow-out: SIGTERM of A"
mstop 1 TERM
bours_wait 2 MASTER 2
[ "$(cause 2)" = "master too slow" ] ||
    test_fail "B took over for '$(cause 2)', not on A's bow-out advert"
mwait_counter 3 "$B_NAME" received 2 10
bours_never 3 MASTER
mstop 2 TERM
mstop 3 TERM

# ---- two nodes, dual-stack -----------------------------------------------------
info "dual-stack: SIGKILL of A, B takes over with both families"
B_VHID=74
# shellcheck disable=SC2034  # read by lib_bsd.sh's bconf
B_ADVBASE=0
bconf 1 20 "$DSSET"
bconf 2 60 "$DSSET"
mstart 1 "$TMPD/h1.conf" 1
bours_wait 1 MASTER 10
mstart 2 "$TMPD/h2.conf" 1
bours_wait 2 BACKUP 10
mwait_counter 2 "$B_NAME" received 10 10
mcap_start ds br1 'ip proto 112 or ip6 proto 112 or arp or icmp6'
t_kill=$(now_us)
mstop 1 KILL
bours_wait 2 MASTER 5
mwait_counter 2 "$B_NAME" sent 10 10
mcap_stop ds
mstop 2 TERM

B_LL=$(bsd_ll 2)
B_MAC=$(ip -n "${M_NS[2]}" link show dev eth0 | awk '/link\/ether/ { print $2 }')
TS=(tshark -o ip.try_heuristic_first:TRUE -o ipv6.try_heuristic_first:TRUE
    -r "${MCAP_FILE[ds]}")
# B's adverts after the kill: "FAMILY CHECKSUM_STATUS HOPLIMIT_OR_TTL DST".
"${TS[@]}" -Y "carp && frame.time_epoch >= ${t_kill:0:-6}.${t_kill: -6}" \
    -T fields -e ip.src -e ipv6.src -e carp.vhid -e carp.checksum.status \
    -e ip.ttl -e ipv6.hlim -e ip.dst -e ipv6.dst 2>/dev/null |
    awk -v ll="$B_LL" -v v4="$(haddr 2 1)" -v vhid=$B_VHID -F '\t' '
	$3 != vhid { next }
	$1 == v4 { print 4, $4, $5, $7 }
	$2 == ll { print 6, $4, $6, $8 }' > "$TMPD/ds.adverts"
n4=$(awk '$1 == 4' "$TMPD/ds.adverts" | wc -l)
n6=$(awk '$1 == 6' "$TMPD/ds.adverts" | wc -l)
info "B's adverts after the takeover: $n4 IPv4, $n6 IPv6"
[ "$n4" -ge 5 ] && [ "$n6" -ge 5 ] || test_fail "B sent $n4 IPv4 and $n6 IPv6 adverts"
[ $((n4 - n6)) -le 1 ] && [ $((n6 - n4)) -le 1 ] ||
    test_fail "B did not advertise in both families each interval: $n4 IPv4, $n6 IPv6"
bad=$(awk '!($2 == 1 && $3 == 255 && ($1 == 4 ? $4 == "224.0.0.18" : $4 == "ff02::12"))' \
    "$TMPD/ds.adverts" | head -n 3)
[ -z "$bad" ] || test_fail "B's adverts as tshark decodes them (family, checksum status, hop limit, dst): $bad"

# Neighbour advertisements: "TARGET O S R HLIM DST TLLA" per NA from B.
"${TS[@]}" -Y "icmpv6.type == 136 && ipv6.src == $B_LL" -T fields \
    -e icmpv6.nd.na.target_address -e icmpv6.nd.na.flag.o \
    -e icmpv6.nd.na.flag.s -e icmpv6.nd.na.flag.r -e ipv6.hlim -e ipv6.dst \
    -e icmpv6.opt.linkaddr 2>/dev/null > "$TMPD/ds.na"
for a in 2001:db8::73:1 2001:db8::73:2; do
	n=$(awk -v t="$a" -v mac="$B_MAC" -F '\t' '$1 == t && $2 == 1 && $3 == 0 &&
	    $5 == 255 && $6 == "ff02::1" && $7 == mac' "$TMPD/ds.na" | wc -l)
	[ "$n" -ge 2 ] || test_fail "$n good NAs from B for $a (want 2: at takeover and with the third advert): $(cat "$TMPD/ds.na")"
done
# Gratuitous ARPs: one request per IPv4 address, twice.
for a in 198.18.0.73 198.18.0.173; do
	n=$("${TS[@]}" -Y "arp.opcode == 1 && arp.src.hw_mac == $B_MAC && arp.src.proto_ipv4 == $a && arp.dst.proto_ipv4 == $a" \
	    2>/dev/null | wc -l)
	[ "$n" -ge 2 ] || test_fail "$n gratuitous ARPs for $a (want 2)"
done
test_pass
