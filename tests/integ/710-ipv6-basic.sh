#!/bin/bash
# CARP over IPv6 between two of our daemons, an IPv6-only vhid, fast
# timers: one master, one backup; the master killed, the backup takes
# over.  tshark decodes our IPv6 adverts (ff02::12, hop limit 255, next
# header 112, a good CARP checksum over the 36 bytes) and the unsolicited
# neighbour advertisement of the takeover (Override only, the VIP as the
# target, the host's MAC in the target link-layer option, a good ICMPv6
# checksum).  Node 1 advertises from its IPv6 srcip, node 2 (IPv4 srcip)
# from its link-local address, which changes while it is backup.
. "$(dirname "$0")/lib.sh"
test_init
command -v tshark >/dev/null 2>&1 || test_skip "tshark missing"
make_net 198.18.1.2 198.18.1.3
VIP6=2001:db8::10
SRC6_1=2001:db8::2
NODE_VIP[1]=$VIP6; NODE_VIP[2]=$VIP6

# IPv6 on eth0, without duplicate address detection (its wait would only
# delay the link-local address).
for i in 1 2; do
	ip netns exec "${HOST_NS[i]}" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 \
	    net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 ||
	    test_skip "cannot enable IPv6 in a namespace"
done
ip -n "${HOST_NS[1]}" addr add "$SRC6_1/64" dev eth0 nodad ||
    test_fail "cannot add $SRC6_1"
has_ll6() {
	ip -n "${HOST_NS[$1]}" -6 -o addr show dev eth0 scope link 2>/dev/null |
	    grep -q 'inet6 fe80::'
}
has_vip6() {
	ip -n "${HOST_NS[$1]}" -6 -o addr show dev eth0 2>/dev/null |
	    grep -q " inet6 $VIP6/"
}
for i in 1 2; do
	wait_until 5 has_ll6 $i || test_fail "host $i has no IPv6 link-local address"
done
capture_start wire 'ip6 proto 112 or icmp6'

# advbase 0: adverts every advskew/256 s (78 ms, 234 ms).
start_node_raw 1 ours -i eth0 -s "$SRC6_1" -v "$VHID" -p "$PASS" -a "$VIP6" \
    -b 0 -k 20 -u "$TMPD/n1.up.sh" -d "$TMPD/n1.down.sh" -D
wait_state 1 MASTER 10
start_node 2 ours -b 0 -k 60
wait_state 2 BACKUP 10
wait_rx 2 5
state_is 1 MASTER || test_fail "node 1 left MASTER when node 2 started"
[ "$(switch_count 2)" -eq 1 ] || test_fail "node 2 left BACKUP at some point"
wait_until 5 has_vip6 1 || test_fail "node 1 is MASTER but has no $VIP6"
check_clean_logs 1 2

# Node 2's link-local address changes while it is backup: it must send
# from the new one once master (netlink tells it).
ip -n "${HOST_NS[2]}" -6 addr flush dev eth0 scope link ||
    test_fail "cannot flush host 2's link-local address"
ip -n "${HOST_NS[2]}" addr add fe80::2:1/64 dev eth0 nodad ||
    test_fail "cannot add fe80::2:1"
ll2=fe80::2:1
wait_rx 2 3

t0=$(now_ms)
stop_node 1 KILL
wait_state 2 MASTER 10
info "IPv6 takeover after SIGKILL: $(( $(now_ms) - t0 )) ms (not asserted)"
wait_until 5 has_vip6 2 || test_fail "node 2 took over but has no $VIP6"
mac2=$(host_mac 2)
na_seen() {
	capture_count_ge 1 wire "icmp6 and ip6[40] == 136 and ether src $mac2"
}
wait_until 5 na_seen || test_fail "no neighbour advertisement from node 2"
sleep 0.3
capture_stop wire
cap=${CAP_FILE[wire]}

# Our adverts, both sources: ff02::12, hop limit 255, vhid, good checksum.
adverts() {
	tshark -r "$cap" -d ip.proto==112,carp -Y "carp && ipv6.src == $1" \
	    -T fields -e ipv6.dst -e ipv6.hlim -e ipv6.nxt -e ipv6.plen \
	    -e carp.vhid -e carp.checksum.status -e eth.dst 2>/dev/null
}
for src in "$SRC6_1" "$ll2"; do
	n=0
	while IFS=$'\t' read -r dst hlim nxt plen vhid sum edst; do
		n=$((n + 1))
		what="advert #$n from $src"
		[ "$dst" = ff02::12 ] || test_fail "$what: destination $dst"
		[ "$hlim" = 255 ] || test_fail "$what: hop limit $hlim"
		[ "$nxt" = 112 ] || test_fail "$what: next header $nxt"
		[ "$plen" = 36 ] || test_fail "$what: payload length $plen"
		[ "$vhid" = "$VHID" ] || test_fail "$what: vhid $vhid"
		[ "$sum" = 1 ] || test_fail "$what: tshark says the CARP checksum is not good ($sum)"
		[ "$edst" = 33:33:00:00:00:12 ] || test_fail "$what: Ethernet destination $edst"
	done < <(adverts "$src")
	[ $n -ge 3 ] || test_fail "only $n IPv6 adverts from $src decoded"
	log "$n IPv6 adverts from $src decoded with a good checksum"
done

# The takeover's NA: ff02::1, hop limit 255, O=1 S=0 R=0, target the VIP,
# TLLA the host's MAC, from the link-local address, a good checksum.
n=0
while IFS=$'\t' read -r src dst hlim r s o target lla sum; do
	n=$((n + 1))
	what="NA #$n"
	[ "$src" = "$ll2" ] || test_fail "$what: source $src, expected $ll2"
	[ "$dst" = ff02::1 ] || test_fail "$what: destination $dst"
	[ "$hlim" = 255 ] || test_fail "$what: hop limit $hlim"
	[ "$r$s$o" = 001 ] || test_fail "$what: flags R=$r S=$s O=$o, expected O only"
	[ "$target" = "$VIP6" ] || test_fail "$what: target $target"
	[ "$lla" = "$mac2" ] || test_fail "$what: target link-layer address $lla, expected $mac2"
	[ "$sum" = 1 ] || test_fail "$what: tshark says the ICMPv6 checksum is not good ($sum)"
done < <(tshark -r "$cap" -Y "icmpv6.type == 136 && eth.src == $mac2" \
    -T fields -e ipv6.src -e ipv6.dst -e ipv6.hlim -e icmpv6.nd.na.flag.r \
    -e icmpv6.nd.na.flag.s -e icmpv6.nd.na.flag.o \
    -e icmpv6.nd.na.target_address -e icmpv6.opt.linkaddr \
    -e icmpv6.checksum.status 2>/dev/null)
[ $n -ge 1 ] || test_fail "no NA decoded"
log "$n NA from node 2 decoded: override, target $VIP6, TLLA $mac2"
check_clean_logs 2
test_pass
